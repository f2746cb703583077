// Start-up cost of the command-line tool: wall time and peak memory (max RSS)
// of `fleetopt --help`, measured by fork + exec + wait4 so the numbers are
// what a user or a scheduler calling the tool pays. `fleetopt-torch` is the
// same tool with libtorch linked, as every `fleetopt` was before issue 9
// moved libtorch out of it: its row is the "before" figure.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

extern char** environ;

namespace {

// Runs `path args...` with stdout/stderr to /dev/null; returns max RSS in KiB.
long run_once(const std::string& path, const std::vector<std::string>& args, benchmark::State& state) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    state.SkipWithError(("cannot run " + path).c_str());
    return 0;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError((path + " failed").c_str());
  return usage.ru_maxrss;
}

void BM_Help(benchmark::State& state, const std::string& binary) {
  const std::string path = std::string(FLEETOPT_APP_DIR) + "/" + binary;
  if (access(path.c_str(), X_OK) != 0) {
    state.SkipWithError((path + " not built").c_str());
    return;
  }
  long max_rss_kib = 0;
  for (auto _ : state) max_rss_kib = std::max(max_rss_kib, run_once(path, {"--help"}, state));
  state.counters["max_rss_mb"] = static_cast<double>(max_rss_kib) / 1024.0;
}

BENCHMARK_CAPTURE(BM_Help, fleetopt, std::string("fleetopt"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Help, fleetopt_torch_before, std::string("fleetopt-torch"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
