// Shared plumbing of the fuzz targets (fuzz/targets/*.cc). Each target is one
// function `void NAME(std::string_view input)` that turns the bytes into the
// file layout its reader expects, calls the reader and swallows InputError
// (bad input, the expected outcome). Anything else escaping it -- another
// exception, a crash, a sanitizer report -- is a bug. The same functions run
// under libFuzzer (fuzz_main.cc) and, in every normal build, over the
// checked-in corpus and regressions (replay_main.cc, ctest fuzz_corpus_replay).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fleetopt/core/error.h"

namespace fleetopt {
struct Workload;
}

namespace fleetopt::fuzz {

// Multi-file inputs: the parts are separated by a line "===".
inline constexpr std::string_view kSeparator = "\n===\n";

// Splits input at kSeparator into at most max_parts parts (the last part
// keeps any further separators). Each part but the last keeps its final '\n'.
std::vector<std::string_view> split_parts(std::string_view input, std::size_t max_parts);

// An empty directory for one input, inside this process's scratch directory
// (mkdtemp once per process, removed at exit). Emptied on every call.
std::string fresh_dir();
// A second scratch path that stays the same for the whole process.
std::string process_dir();

// Writes content to dir/name (name may hold '/': folders are created);
// returns the path.
std::string write_file(const std::string& dir, const std::string& name, std::string_view content);

// What a simulator does first with a workload a reader returns: validate it,
// count its steps and read each instance's usage at the start and end of its
// life. A reader must never hand on a workload that breaks this.
void touch_workload(const Workload& w);

// Prints the message when FLEETOPT_FUZZ_VERBOSE is set (to see what the
// readers make of a corpus file).
void note_input_error(const InputError& e);

// Runs f; InputError is the expected answer to bad input.
template <typename F>
void expect_input_errors_only(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    note_input_error(e);
  }
}

}  // namespace fleetopt::fuzz
