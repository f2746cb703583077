// Reference answers for small instances, written independently of the
// planner so the two can check each other: uniform-cost search (Dijkstra)
// over every state of the movable VMs, plus a generator of small random
// instances (B reachable by construction, or drawn independently).
#pragma once

#include <cstdint>

#include "fleetopt/core/rng.h"
#include "fleetopt/rearrange/cost.h"
#include "fleetopt/rearrange/rules.h"

namespace fleetopt::rearrange {

struct OracleResult {
  bool reachable = false;
  bool complete = true;     // false: stopped at max_states, undecided
  double optimal_cost = 0;  // when reachable
  std::int64_t states = 0;
};

// start and goal run the same VMs; at most 16 movable VMs and 15 hosts.
OracleResult reference_search(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                              const Placement& start, const Placement& goal, std::int64_t max_states);

struct SmallInstance {
  Cluster cluster;
  Placement a, b;
  bool reachable_by_construction = false;
};

struct SmallInstanceParams {
  std::int32_t max_hosts = 5;
  std::int32_t max_vms = 10;
  double anti_affinity_probability = 0.25;  // per instance: one group of 2-3 VMs
  double pinned_probability = 0.1;          // per instance: one pinned VM
  double shutdown_probability = 0.15;       // per instance: one VM absent from B
  double startup_probability = 0.15;        // per instance: one VM new in B
};

// Hosts of 8-12 cpu and 8-16 mem, VMs of 1-6 each (memory_gb = mem), A a
// random sane placement. Half the time B is a random walk of valid moves from
// A (reachable); otherwise an independent random sane placement.
SmallInstance random_small_instance(Rng& rng, const SmallInstanceParams& params = {});

}  // namespace fleetopt::rearrange
