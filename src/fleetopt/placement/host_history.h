// Per-host ring buffer of recent actual usage (cpu and mem, normalised by
// capacity), kept by the simulator for policies that read usage statistics.
// Each host's CPU samples are also kept in ascending order as they arrive,
// so a window's order statistics cost a pass instead of a sort at decision
// time: sorting random samples mispredicts about every other comparison
// (the bulk of a FirePlace feature row, issue 14), while keeping the order
// costs one insertion per push, off the decision path.
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
  int count(std::int32_t h) const { return state_[static_cast<std::size_t>(h)].count; }
  // Sample `back` steps ago (0 = most recent) of dimension d (kCpu or kMem).
  float at(std::int32_t h, int back, int d) const;
  // Copies the most recent n samples (n <= count) of dimension d into out.
  void recent(std::int32_t h, int n, int d, std::vector<float>& out) const;
  // The same into out[0, n), newest first, without a call per sample.
  void copy_recent(std::int32_t h, int n, int d, float* out) const;

  // The newest n CPU samples (n <= count) into out[0, n), in ascending order
  // (NaN last): the same values std::sort gives for the window.
  void copy_recent_cpu_sorted(std::int32_t h, int n, float* out) const;
  // The same for `windows` windows at once (one pass over the host's
  // samples): the newest n[w] into out[w][0, n[w]).
  void copy_recent_cpu_sorted(std::int32_t h, const int* n, float* const* out, int windows) const;

  // Requests into cache what copy_recent_cpu_sorted and copy_recent of
  // memory read for host h (see core/prefetch.h).
  void prefetch(std::int32_t h) const;

  void push(std::int32_t h, float cpu, float mem);
  void reset_host(std::int32_t h) { state_[static_cast<std::size_t>(h)].count = 0; }

 private:
  struct Ordered {
    float cpu;
    std::uint32_t push;  // the host's push number: its age in the window
  };
  // Together, so a host's bookkeeping is one cache line, not three.
  struct State {
    int head = 0;             // ring slot of the next push
    int count = 0;            // valid samples
    std::uint32_t pushes = 0; // pushes so far (numbers the samples)
  };
  int steps_;
  std::vector<float> cpu_, mem_;
  std::vector<Ordered> sorted_cpu_;  // count entries per host, ascending
  std::vector<State> state_;
};

}  // namespace fleetopt
