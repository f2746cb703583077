// Per-host ring buffer of recent actual usage (cpu and mem, normalised by
// capacity), kept by the simulator for policies that read usage statistics.
// Each host's CPU samples are also kept in ascending order as they arrive,
// so a window's order statistics cost a pass instead of a sort at decision
// time: sorting random samples mispredicts about every other comparison
// (the bulk of a FirePlace feature row, issue 14), while keeping the order
// costs one insertion per push, off the decision path.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "fleetopt/core/resources.h"

namespace fleetopt {

// Nearest-rank percentile p of sorted[0, n).
inline float nearest_rank(const float* sorted, int n, int p) {
  const int i = static_cast<int>(std::ceil(p / 100.0 * n)) - 1;
  return sorted[std::clamp(i, 0, n - 1)];
}

// One window's statistics in HistoryWindows' layout (below) into out: from
// its n CPU samples in ascending order and its n memory samples newest first.
void window_statistics(const float* sorted_cpu, const float* mem_newest_first, int n,
                       std::span<const int> cpu_percentiles, float* out);

// Statistics of each host's newest samples that a policy reads at every
// decision (FirePlace's window features), kept up to date on every push
// instead, where usage arrives. For each window of n = min(window, count)
// samples, in this order: the CPU's nearest-rank percentiles, its largest
// sample, its mean (summed in ascending order), memory's largest sample and
// its mean (summed newest first).
struct HistoryWindows {
  std::vector<int> windows;          // sample counts, each <= the history's steps
  std::vector<int> cpu_percentiles;  // in [0, 100]
  bool empty() const { return windows.empty(); }
  int floats_per_window() const { return static_cast<int>(cpu_percentiles.size()) + 4; }
  bool operator==(const HistoryWindows&) const = default;
};

class HostHistory {
 public:
  HostHistory(std::size_t hosts, int steps, HistoryWindows summary = {});

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

  const HistoryWindows& summary_windows() const { return summary_spec_; }
  // Host h's window statistics (summary_windows().floats_per_window() per
  // window, windows in order); count(h) > 0 and a non-empty summary only.
  const float* summary(std::int32_t h) const {
    return summary_.data() + static_cast<std::size_t>(h) * summary_floats_;
  }

  // Requests into cache what a decision reads of host h: its summary when
  // there is one, else its ordered CPU and memory samples (core/prefetch.h).
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
  void summarise(std::size_t hh);

  int steps_;
  std::vector<float> cpu_, mem_;
  HistoryWindows summary_spec_;
  std::size_t summary_floats_ = 0;  // per host
  std::vector<float> summary_;
  // summarise()'s buffers: each window's ordered CPU, then memory; their sizes.
  std::vector<float> scratch_;
  std::vector<int> scratch_n_;
  std::vector<float*> scratch_rows_;
  std::vector<Ordered> sorted_cpu_;  // count entries per host, ascending
  std::vector<State> state_;
};

}  // namespace fleetopt
