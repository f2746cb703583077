// Servers needed: the smallest fleet of identical hosts with which a policy
// places every VM and keeps the overload rate at or under a limit.
//
// The pass/fail curve over fleet size is not monotone in general (a bigger
// fleet changes every later decision, and K-sampling policies draw different
// candidates), so the search is: a lower bound from the peak of concurrent
// requests; doubling until a size passes; bisection between the last failing
// and the first passing size; then a downward scan of `scan_below` sizes under
// the answer, restarting from any smaller size that passes. The result is a
// size that passes, with the `scan_below` sizes under it failing; it is the
// exact minimum whenever the curve is monotone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/sim/simulator.h"

namespace fleetopt {

struct SizingOptions {
  double overload_limit = 0.01;
  int scan_below = 3;
  std::int32_t max_hosts = 1 << 20;  // also capped at the number of VMs
};

struct SizingResult {
  bool found = false;              // false: even the largest fleet tried fails
  std::int32_t servers_needed = 0;
  std::int32_t lower_bound = 0;    // from requests; no policy can do better
  std::int32_t largest_tried = 0;  // when not found: this many hosts still failed
  int simulations = 0;
  SimMetrics at_size;              // metrics of the run at servers_needed
  // What decides the answer, so a size set by a VM no host could admit is
  // told apart from one set by overload: "requests" (servers_needed is the
  // request lower bound), "rejections" (one host fewer rejects a VM; when not
  // found: the largest fleet tried still rejects one), "overload" (one host
  // fewer, or the largest fleet tried, exceeds the overload limit).
  std::string set_by;
};

using PlacerMaker = std::function<std::unique_ptr<Placer>()>;

// Smallest fleet able to admit every request at once (peak of concurrent
// requests over each dimension's admissible capacity).
std::int32_t request_lower_bound(const Workload& workload, const Resources& host_capacity,
                                 const Resources& overcommit);

SizingResult size_fleet(const Workload& workload, const PlacerMaker& make_placer,
                        const SimConfig& base, const SizingOptions& options);

// Servers needed over several simulation seeds. A policy that samples
// candidates (power-of-K, fireplace, hindsight@k) moves by several servers
// from one seed to the next near the limit, so a single seed can flatter or
// wrong it; the median over seeds is the number to compare.
struct SeededSizing {
  std::vector<std::uint64_t> seeds;
  std::vector<SizingResult> per_seed;  // one per seed, in seed order
  bool found = false;                  // the median is a fleet size (not "never")
  double median_servers = 0;           // the mean of the two middle values for an even count
  std::size_t representative = 0;      // the seed at the (lower) median, for its metrics
};

// Summarises one result per seed; a seed whose search found no size counts
// as larger than every size. Throws std::invalid_argument if the counts differ
// or are zero.
SeededSizing summarise_seeds(std::vector<std::uint64_t> seeds, std::vector<SizingResult> per_seed);

// size_fleet with base.seed, base.seed + 1, ..., base.seed + count - 1
// (1 <= count <= 1000), run in parallel; make_placer must be callable from
// several threads at once.
SeededSizing size_fleet_seeds(const Workload& workload, const PlacerMaker& make_placer,
                              const SimConfig& base, const SizingOptions& options, int count);

}  // namespace fleetopt
