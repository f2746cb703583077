// A progress bar on stderr when it is a terminal; silent otherwise, with
// --json (set_quiet), and for work that finishes within a second (it first
// draws after one second, so short commands never flash a bar).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fleetopt {

class Progress {
 public:
  Progress(std::string label, std::uint64_t total);
  ~Progress();
  void advance(std::uint64_t n = 1);
  void done();
  // Silences every bar of this process (commands call it for --json).
  static void set_quiet(bool quiet);

 private:
  void draw();
  std::string label_;
  std::uint64_t total_, current_ = 0;
  bool enabled_, finished_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace fleetopt
