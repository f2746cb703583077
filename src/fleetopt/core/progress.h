// A progress bar on stderr when it is a terminal; silent otherwise.
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

 private:
  void draw();
  std::string label_;
  std::uint64_t total_, current_ = 0;
  bool enabled_, finished_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace fleetopt
