// fuzz_corpus_replay: runs every file of fuzz/corpus/NAME/ and
// fuzz/regressions/NAME/ through target NAME -- the libFuzzer targets'
// entry functions, without libFuzzer -- so the corpus and every crash once
// found stay tested in the normal build and under ASan (ctest).
//
//   fuzz_corpus_replay FUZZ_DIR              every target; each needs a corpus
//   fuzz_corpus_replay FUZZ_DIR NAME [FILE]  one target (its dirs, or FILEs)
//
// Exit 0 when every input ends normally or with an InputError; 1 when any
// throws something else (printed with the file); a crash ends the process
// (the last "replaying" line names the target).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/targets.h"

namespace {

namespace fs = std::filesystem;

struct Target {
  const char* name;
  void (*run)(std::string_view);
};

#define FLEETOPT_FUZZ_ROW(name) {#name, &fleetopt::fuzz::name},
constexpr Target kTargets[] = {FLEETOPT_FUZZ_TARGETS(FLEETOPT_FUZZ_ROW)};
#undef FLEETOPT_FUZZ_ROW

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs one input; false (and a message) when it throws anything but InputError
// -- the entry functions swallow that one themselves.
bool replay(const Target& t, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    t.run(data);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL %s %s: %s\n", t.name, file.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "FAIL %s %s: unknown exception\n", t.name, file.c_str());
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FUZZ_DIR [TARGET [FILE...]]\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  const std::string only = argc > 2 ? argv[2] : "";
  int failures = 0;
  std::size_t total = 0, targets = 0;
  for (const Target& t : kTargets) {
    if (!only.empty() && only != t.name) continue;
    ++targets;
    std::vector<fs::path> files;
    if (argc > 3) {
      files.assign(argv + 3, argv + argc);
    } else {
      files = files_under(root / "corpus" / t.name);
      if (files.empty()) {
        std::fprintf(stderr, "FAIL %s: no seed corpus in %s\n", t.name, (root / "corpus" / t.name).c_str());
        ++failures;
      }
      const auto regressions = files_under(root / "regressions" / t.name);
      files.insert(files.end(), regressions.begin(), regressions.end());
    }
    std::printf("replaying %s (%zu inputs)\n", t.name, files.size());
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    for (const fs::path& f : files) failures += replay(t, f) ? 0 : 1;
    total += files.size();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("  %.2f s\n", seconds);
  }
  if (targets == 0) {
    std::fprintf(stderr, "unknown target '%s'\n", only.c_str());
    return 2;
  }
  std::printf("%zu inputs of %zu targets replayed, %d failures\n", total, targets, failures);
  return failures == 0 ? 0 : 1;
}
