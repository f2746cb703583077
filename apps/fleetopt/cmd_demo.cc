// fleetopt demo (`make demo`): a tour of every decision problem on the
// embedded default data — the real traces when present, synthetic inputs
// otherwise (it says which) — with one short table per problem, then one
// HTML report of all results (fleetopt report).
//
// Each step runs this same binary as a child process with --json, exactly as
// a user would type it: the report then shows the real command, a step is
// bounded by a timeout (a slow or failing step is reported and skipped, the
// tour goes on), and each step's output lands in a result file that
// `fleetopt report` can redraw later.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/report/report.h"
#include "fleetopt/report/svg.h"
#include "table.h"

extern char** environ;

namespace fleetopt::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kPlacementSetting[] = {"--overcommit", "cpu=1000,mem=1000", "--host", "cpu=16,mem=1000000"};

struct DemoArgs {
  std::string out = "out/demo";
  double step_timeout_s = 40;
  bool json = false;
};

struct Tour {
  std::string self;     // this binary
  std::string data;     // --data as given (passed on to the children)
  std::string dir;      // output directory
  std::string machine;  // host name, cores, CPU model
  bool quiet = false;   // --json: no tables
  double timeout_s = 40;
  json steps = json::array();
  std::vector<std::string> results;  // result files for the report
  std::map<std::string, std::string> csv_commands;  // a CSV result (no JSON envelope) -> its command
  std::vector<std::string> notes;
};

std::string machine_text() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = 0;
  std::string model;
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 1);
      while (!model.empty() && model.front() == ' ') model.erase(0, 1);
      break;
    }
  }
  return fmt::format("{}, {} cores{}", host[0] ? host : "unknown host", std::thread::hardware_concurrency(),
                     model.empty() ? "" : ", " + model);
}

// Quotes an argument for display as a shell command.
std::string shell_quote(const std::string& a) {
  if (!a.empty() && a.find_first_of(" ;&|<>'\"$*?()#~\\") == std::string::npos) return a;
  std::string q = "'";
  for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `fleetopt ARGS` with stdout to out_path and stderr to err_path; kills
// it after the timeout. Returns the exit code (124 on timeout).
int run_child(const Tour& t, const std::vector<std::string>& args, const std::string& out_path,
              const std::string& err_path, double& seconds) {
  std::vector<std::string> argv_s{t.self};
  if (!t.data.empty()) {
    argv_s.push_back("--data");
    argv_s.push_back(t.data);
  }
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const auto start = Clock::now();
  const int rc = posix_spawn(&pid, t.self.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + t.self);
  int status = 0;
  bool timed_out = false;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (std::chrono::duration<double>(Clock::now() - start).count() > t.timeout_s) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (timed_out) return 124;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One command of the tour. With `name`, its --json output is kept as a
// result file (wrapped with the command and machine) and returned; a failed
// step returns null and is noted.
json step(Tour& t, const std::string& problem, const std::string& name, const std::vector<std::string>& args,
          bool keep = true) {
  const std::string out = t.dir + "/logs/" + name + ".out", err = t.dir + "/logs/" + name + ".err";
  double seconds = 0;
  const int code = run_child(t, args, out, err, seconds);
  std::string command = "fleetopt";
  if (!t.data.empty()) command += " --data " + shell_quote(t.data);
  for (const auto& a : args) command += " " + shell_quote(a);
  t.steps.push_back({{"problem", problem}, {"step", name}, {"command", command}, {"exit_code", code},
                     {"seconds", seconds}});
  if (code != 0) {
    std::string why = code == 124 ? fmt::format("timed out after {:.0f} s", t.timeout_s) : fmt::format("exit code {}", code);
    std::string text = read_all(err);
    if (text.empty()) text = read_all(out);
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    t.notes.push_back(fmt::format("{}: step '{}' failed ({}): {}", problem, name, why, text));
    if (!t.quiet) std::printf("  step '%s' failed (%s); see %s\n", name.c_str(), why.c_str(), err.c_str());
    return nullptr;
  }
  json result;
  try {
    result = json::parse(read_all(out));
  } catch (const json::exception&) {
    result = json::object();  // a step whose stdout is not JSON (e.g. train without --json)
  }
  if (keep) {
    const std::string path = t.dir + "/results/" + name + ".json";
    write_file_atomically(path, json({{"command", command}, {"machine", t.machine}, {"result", result}}).dump(1) + "\n");
    t.results.push_back(path);
  }
  return result;
}

void print_table(const Tour& t, const std::string& title, const Table& table) {
  if (t.quiet) return;
  std::printf("\n== %s\n%s", title.c_str(), table.text().c_str());
  std::fflush(stdout);
}

std::string num(double v, int digits = 3) { return report::format_number(v, digits); }
// A share as a percentage with two decimals; rounding noise prints as 0.00%.
std::string percent(double share) { return fmt::format("{:.2f}%", std::fabs(share) < 5e-5 ? 0.0 : 100 * share); }

// Finds an examples/ input next to the working directory or the binary
// (build/apps/fleetopt/fleetopt -> examples/).
std::string example(const Tour& t, const std::string& rel) {
  for (const fs::path& base : {fs::path("examples"), fs::path(t.self).parent_path() / "../../../examples"}) {
    std::error_code ec;
    if (fs::exists(base / rel, ec)) return fs::weakly_canonical(base / rel, ec).string();
  }
  return "";
}

// ------------------------------------------------------------------ the tour

void placement(Tour& t, bool real) {
  const std::string train = real ? "planetlab:planetlab/20110303" : "synthetic:@vms=400@hours=24@seed=1";
  const std::string test = real ? "planetlab:planetlab/20110322" : "synthetic:@vms=400@hours=24@seed=2";
  const std::string model = t.dir + "/fireplace.json";
  std::vector<std::string> setting(std::begin(kPlacementSetting), std::end(kPlacementSetting));
  std::vector<std::string> args{"train", "fireplace", "--workload", train, "--out", model, "--model", "tree",
                                "--rollouts", "2", "--json"};
  args.insert(args.end(), setting.begin(), setting.end());
  if (step(t, "placement", "placement-train", args, false).is_null()) return;
  const std::string fireplace = "fireplace:" + model;
  args = {"size", "--workload", test, "--policy", "p2,hindsight,random," + fireplace, "--seeds", "3", "--json"};
  args.insert(args.end(), setting.begin(), setting.end());
  const json sized = step(t, "placement", "placement-size", args);
  if (sized.is_null()) return;
  Table table({"policy", "servers", "per seed"});
  double p2_need = 0;
  for (const json& r : sized.value("results", json::array())) {
    std::string per;
    for (const json& v : r.value("servers_needed_per_seed", json::array())) per += (per.empty() ? "" : " / ") + v.dump();
    const std::string policy = r.value("policy", "?") == fireplace ? "fireplace (trained)" : r.value("policy", "?");
    table.add({{"policy", policy}, {"servers", r.value("found", false) ? num(r.value("servers_needed", 0.0)) : "never"},
               {"per seed", per}});
    if (r.value("policy", "") == "p2") p2_need = r.value("servers_needed", 0.0);
  }
  print_table(t, fmt::format("placement: FirePlace trained on {}, sized against baselines on {} (overload <= 1%, 3 seeds)",
                             train, test),
              table);
  // Overload rate against fleet size around p2's need.
  if (p2_need >= 1) {
    for (const std::string& policy : {std::string("p2"), fireplace}) {
      for (int d : {-4, -2, 0, 2, 4}) {
        const int hosts = static_cast<int>(p2_need) + d;
        if (hosts < 1) continue;
        args = {"simulate", "placement", "--workload", test, "--policy", policy, "--hosts", std::to_string(hosts), "--json"};
        args.insert(args.end(), setting.begin(), setting.end());
        step(t, "placement", fmt::format("placement-sim-{}-{}", policy == "p2" ? "p2" : "fireplace", hosts), args);
      }
    }
  }
}

void bandit(Tour& t, bool real) {
  const std::string instance = t.dir + "/bandit-instance.json";
  std::vector<std::string> args;
  if (real) {
    args = {"bandit", "azure", "--classes", "3", "--nodes", "10", "--seed", "1", "--out", instance};
  } else {
    args = {"bandit", "generate", "--nodes", "10", "--classes", "3", "--resources", "2", "--seed", "1", "--out", instance};
  }
  if (step(t, "bandit", "bandit-instance", args, false).is_null()) return;
  Table table({"algorithm", "relative gap", "max constraint", "runs over capacity", "us/decision"});
  for (const char* alg : {"fast", "oracle"}) {
    const json r = step(t, "bandit", std::string("bandit-") + alg,
                        {"bandit", "run", "--instance", instance, "--algorithm", alg, "--horizon", "30000", "--runs",
                         "2", "--json"});
    if (r.is_null()) continue;
    table.add({{"algorithm", alg}, {"relative gap", percent(r.value("relative_gap", 0.0))},
               {"max constraint", num(r.value("max_constraint", 0.0))},
               {"runs over capacity", num(r.value("runs_over_capacity", 0.0))},
               {"us/decision", num(r.value("per_decision_us", 0.0))}});
  }
  print_table(t, std::string("bandit: serverless function placement on ") +
                     (real ? "the Azure Functions 2019 instance (10 nodes, 3 classes)" : "a synthetic instance") +
                     ", T=30,000, 2 runs",
              table);
}

void rearrangement(Tour& t, bool real) {
  const std::string spec = real ? "cloudsim:planetlab/20110303" : "synthetic:@vms=600@seed=1";
  std::vector<std::string> args{"rearrange", "--workload", spec, "--goal", "defrag", "--json"};
  if (!real) args.insert(args.end(), {"--at", "peak"});
  const json r = step(t, "rearrangement", "rearrange-defrag", args);
  if (r.is_null()) return;
  Table table({"hosts before", "hosts after", "lower bound", "migrations", "stages"});
  const json plan = r.value("plan", json::object());
  table.add({{"hosts before", r.value("hosts_before", 0)}, {"hosts after", r.value("hosts_after", 0)},
             {"lower bound", r.value("lower_bound_hosts", 0)},
             {"migrations", plan.value("migrations", json::array()).size()}, {"stages", plan.value("stages", 0)}});
  print_table(t, "rearrangement: defrag and staged migration plan of " + r.value("cluster", spec), table);
}

void consolidation(Tour& t, bool real) {
  std::string spec = "planetlab:planetlab/20110303";
  std::vector<std::string> extra;
  if (!real) {
    const std::string day = example(t, "planetlab-day");
    if (day.empty()) {
      t.notes.push_back("consolidation: skipped (no trace data and examples/planetlab-day not found)");
      return;
    }
    spec = "planetlab:" + day;
    extra = {"--hosts", "10"};
  }
  std::vector<std::string> args{"consolidate", "--workload", spec, "--policy", "thr-mmt,lr-mmt,fleetopt-pctl", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const json r = step(t, "consolidation", "consolidate", args);
  if (r.is_null()) return;
  Table table({"policy", "energy kWh", "migrations", "SLAV", "mean active hosts"});
  for (const json& row : r.is_array() ? r : json::array()) {
    table.add({{"policy", row.value("policy", "?")}, {"energy kWh", num(row.value("energy_kwh", 0.0), 4)},
               {"migrations", num(row.value("migrations", 0.0), 7)}, {"SLAV", num(row.value("slav", 0.0))},
               {"mean active hosts", num(row.value("mean_active_hosts", 0.0))}});
  }
  print_table(t, "consolidation: one day in CloudSim's PlanetLab setting (" + spec + "), classic pair vs fleetopt-pctl",
              table);
}

void autoscaling(Tour& t, bool real) {
  std::string spec = "worldcup98-days:";
  if (!real) {
    const std::string rates = example(t, "rates.csv");
    if (rates.empty()) {
      t.notes.push_back("autoscaling: skipped (no trace data and examples/rates.csv not found)");
      return;
    }
    spec = "rates:" + rates;
  }
  const json r = step(t, "autoscaling", "scale",
                      {"scale", "--workload", spec, "--simulator", "analytic", "--autoscaler", "rightscale,hpa,vscale",
                       "--repeat", "2", "--json"});
  if (r.is_null()) return;
  Table table({"autoscaler", "repetition", "SLO-minutes", "minutes", "VM-minutes"});
  for (const json& row : r.value("results", json::array())) {
    int k = 0;
    for (const json& rep : row.value("repetitions", json::array())) {
      table.add({{"autoscaler", row.value("autoscaler", "?")}, {"repetition", ++k},
                 {"SLO-minutes", rep.value("slo_minutes", 0)}, {"minutes", rep.value("minutes", 0)},
                 {"VM-minutes", num(rep.value("vm_minutes", 0.0), 6)}});
    }
  }
  print_table(t, "autoscaling: " + r.value("workload", spec) + ", analytic simulator, 2 repetitions", table);
}

void print_reclaim(const Tour& t, const json& r, const std::string& hosts) {
  Table table({"strategy", "savings USD", "penalties USD", "net USD", "violation minutes"});
  for (const json& row : r.value("results", json::array())) {
    table.add({{"strategy", row.value("strategy", "?")}, {"savings USD", num(row.value("savings_usd", 0.0), 5)},
               {"penalties USD", num(row.value("penalties_usd", 0.0), 4)},
               {"net USD", num(row.value("net_usd", 0.0), 5)},
               {"violation minutes", num(row.value("violation_minutes", 0.0), 6)}});
  }
  print_table(t, "reclamation: reselling idle capacity of " + hosts + " (quantile forecaster)", table);
}

// A seeded synthetic host series (host-series CSV, 5-minute steps): 8 hosts of
// 32 cores / 128 GB over 30 days, a daily cycle, AR(1) noise and bursts.
std::string synthetic_host_series() {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto uniform = [&state] {  // splitmix64: the same numbers on every platform
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  std::string out = "host,cpu_capacity,mem_capacity,cpu_used,mem_used\n";
  const double kPi = 3.14159265358979323846;
  for (int h = 0; h < 8; ++h) {
    const double base = 0.25 + 0.05 * h, phase = uniform() * 2 * kPi;
    double noise = 0;
    for (int k = 0; k < 30 * 288; ++k) {
      noise = 0.8 * noise + 0.04 * (uniform() - 0.5);
      const double burst = uniform() < 0.01 ? 0.3 * uniform() : 0.0;
      const double cpu = std::clamp(base + 0.15 * std::sin(2 * kPi * k / 288.0 + phase) + noise + burst, 0.0, 1.0);
      const double mem = std::clamp(0.45 + 0.05 * std::sin(2 * kPi * k / 288.0 + phase) + noise / 4, 0.0, 1.0);
      out += fmt::format("s{},32,128,{:.3f},{:.3f}\n", h + 1, 32 * cpu, 128 * mem);
    }
  }
  return out;
}

void reclamation(Tour& t, bool real, const std::string& data) {
  if (!real) {
    const std::string series = t.dir + "/synthetic-hosts.csv";
    write_file_atomically(series, synthetic_host_series());
    const json r = step(t, "reclamation", "reclaim",
                        {"reclaim", "--hosts", "host-series:" + series, "--strategy",
                         "none,fixed,feedback,scavenger,oracle", "--forecaster", "quantile", "--json"});
    if (r.is_null()) return;
    print_reclaim(t, r, "8 synthetic hosts, 30 days");
    const std::string csv = t.dir + "/results/reclaim-margins.csv";
    if (!step(t, "reclamation", "reclaim-margins",
              {"reclaim", "--hosts", "host-series:" + series, "--strategy", "fixed,feedback,scavenger", "--forecaster",
               "quantile", "--margins-csv", csv, "--json"},
              false)
             .is_null() &&
        fs::exists(csv)) {
      t.results.push_back(csv);
      t.csv_commands[csv] = t.steps.back().value("command", "");
    }
    return;
  }
  const std::string month = data + "/bitbrains-rnd@months=2013-8";
  const json r = step(t, "reclamation", "reclaim",
                      {"reclaim", "--hosts", "bitbrains-hosts:" + month + "@vms=101-200", "--strategy",
                       "none,fixed,feedback,scavenger,oracle", "--forecaster", "quantile", "--json"});
  if (r.is_null()) return;
  print_reclaim(t, r, r.value("hosts", month));
  // Margins over time: three hosts, as CSV for the report.
  const std::string csv = t.dir + "/results/reclaim-margins.csv";
  const json m = step(t, "reclamation", "reclaim-margins",
                      {"reclaim", "--hosts", "bitbrains-hosts:" + month + "@vms=101-103", "--strategy",
                       "fixed,feedback,scavenger", "--forecaster", "quantile", "--margins-csv", csv, "--json"},
                      false);
  if (!m.is_null() && fs::exists(csv)) {
    t.results.push_back(csv);
    t.csv_commands[csv] = t.steps.back().value("command", "");
  }
}

void run_demo(const DemoArgs& args, const GlobalOptions& global) {
  const auto start = Clock::now();
  Tour t;
  std::error_code ec;
  t.self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw std::runtime_error("cannot find this binary (/proc/self/exe)");
  t.data = global.data;
  t.dir = args.out;
  t.machine = machine_text();
  t.quiet = args.json;
  t.timeout_s = args.step_timeout_s;
  fs::create_directories(t.dir, ec);  // out/demo in a clean clone: out/ is not there yet
  check_output_directory(t.dir, "--out");
  // Two demos into one directory (two test binaries running `fleetopt demo`
  // at once) would clear each other's results: the second waits.
  const std::string lock_path = t.dir + ".lock";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) throw OutputError("--out: cannot create " + lock_path + ": " + std::strerror(errno));
  const std::unique_ptr<int, void (*)(int*)> unlock(new int(lock_fd), [](int* fd) {
    ::close(*fd);
    delete fd;
  });
  while (::flock(lock_fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw OutputError("--out: cannot lock " + lock_path + ": " + std::strerror(errno));
  }
  fs::create_directories(t.dir + "/results", ec);
  fs::create_directories(t.dir + "/logs", ec);
  if (ec) throw OutputError("--out: cannot create " + t.dir + ": " + ec.message());
  for (const auto& old : fs::directory_iterator(t.dir + "/results")) fs::remove(old.path(), ec);

  const std::string data = data_dir(global.data);
  // Each problem uses its real trace when that is present, else its synthetic input.
  auto have = [&](std::initializer_list<const char*> dirs) {
    for (const char* d : dirs) {
      if (!fs::is_directory(data + "/" + d)) return false;
    }
    return true;
  };
  const bool planetlab = have({"planetlab/20110303", "planetlab/20110322"});
  const bool functions = have({"azure-functions-2019"}), worldcup = have({"worldcup98"});
  const bool bitbrains = have({"bitbrains-rnd/2013-8"});
  const int present = planetlab + functions + worldcup + bitbrains;
  std::string which;
  if (present == 4) {
    which = "the real traces under '" + data + "'";
  } else if (present == 0) {
    which = "built-in synthetic inputs (real traces not found under '" + data + "'; set --data or FLEETOPT_DATA)";
  } else {
    which = "the real traces under '" + data + "' where present (missing:" + (planetlab ? "" : " planetlab") +
            (functions ? "" : " azure-functions-2019") + (worldcup ? "" : " worldcup98") +
            (bitbrains ? "" : " bitbrains-rnd") + "; those problems run on synthetic inputs)";
  }
  if (!t.quiet) {
    std::printf("fleetopt demo: every decision problem on %s\nmachine: %s\n", which.c_str(), t.machine.c_str());
    std::fflush(stdout);
  }
  placement(t, planetlab);
  bandit(t, functions);
  rearrangement(t, planetlab);
  consolidation(t, planetlab);
  autoscaling(t, worldcup);
  reclamation(t, bitbrains, data);

  const std::string html = t.dir + "/report.html";
  report::ReportOptions options;
  options.title = "fleetopt demo";
  options.subtitle = "Every decision problem on " + which + "; machine: " + t.machine;
  std::vector<report::ResultFile> files;
  for (const auto& p : t.results) {
    files.push_back(report::load_result(p));
    if (t.csv_commands.count(p)) {
      files.back().command = t.csv_commands[p];
      files.back().machine = t.machine;
    }
  }
  report::Page page = report::build_page(files, options);
  if (!t.notes.empty()) {
    report::Section s;
    s.id = "notes";
    s.title = "Skipped or failed steps";
    s.notes = t.notes;
    page.sections.push_back(s);
  }
  write_file_atomically(html, report::render_page(page));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (t.quiet) {
    print_json({{"data", present == 4 ? "real" : present == 0 ? "synthetic" : "mixed"}, {"data_dir", data}, {"report", html}, {"machine", t.machine},
                {"seconds", seconds}, {"steps", t.steps}, {"notes", t.notes}});
    return;
  }
  if (!t.notes.empty()) {
    std::printf("\nnotes:\n");
    for (const auto& n : t.notes) std::printf("  %s\n", n.c_str());
  }
  std::printf("\nreport: %s  (%zu result files in %s/results; %.1f s)\n", html.c_str(), t.results.size(),
              t.dir.c_str(), seconds);
}

void add_demo_command(CLI::App& app, GlobalOptions& global) {
  auto* demo = app.add_subcommand("demo", "a tour of every decision problem (placement, bandit, rearrangement, "
                                          "consolidation, autoscaling, reclamation) with an HTML report");
  auto args = std::make_shared<DemoArgs>();
  demo->add_option("--out,-o", args->out, "directory for the results and report.html")->capture_default_str();
  demo->add_option("--step-timeout", args->step_timeout_s, "seconds before a step is stopped and skipped")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  demo->add_flag("--json", args->json, "print JSON: {data, report, seconds, steps: [{problem, command, seconds}]}");
  demo->callback([args, &global] { run_demo(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(10, add_demo_command);

}  // namespace fleetopt::cli
