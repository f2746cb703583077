// Per-host ring buffer of recent actual usage (cpu and mem, normalised by
// capacity), kept by the simulator for policies that read usage statistics.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/core/resources.h"

namespace fleetopt {

class HostHistory {
 public:
  HostHistory(std::size_t hosts, int steps);

  int capacity_steps() const { return steps_; }
  // Number of valid samples for host h (<= capacity_steps()).
  int count(std::int32_t h) const { return count_[static_cast<std::size_t>(h)]; }
  // Sample `back` steps ago (0 = most recent) of dimension d (kCpu or kMem).
  float at(std::int32_t h, int back, int d) const;
  // Copies the most recent n samples (n <= count) of dimension d into out.
  void recent(std::int32_t h, int n, int d, std::vector<float>& out) const;
  // The same into out[0, n), newest first, without a call per sample.
  void copy_recent(std::int32_t h, int n, int d, float* out) const;

  // Requests host h's samples into cache (see core/prefetch.h).
  void prefetch(std::int32_t h) const;

  void push(std::int32_t h, float cpu, float mem);
  void reset_host(std::int32_t h) { count_[static_cast<std::size_t>(h)] = 0; }

 private:
  int steps_;
  std::vector<float> cpu_, mem_;
  std::vector<int> head_, count_;
};

}  // namespace fleetopt
