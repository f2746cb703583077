// Both questions in one call: a strategy picks B, the planner finds the
// migrations from A to B, and the report carries the metrics of `fleetopt
// rearrange` (hosts before/after, lower bound, load spread, the plan).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetopt/rearrange/bounds.h"
#include "fleetopt/rearrange/plan.h"
#include "fleetopt/rearrange/target.h"

namespace fleetopt::rearrange {

struct RearrangeReport {
  std::string strategy;
  TargetResult target;
  Plan plan;
  std::int32_t hosts_before = 0;
  std::int32_t hosts_after = 0;
  HostBounds bounds;
  double stddev_before = 0;
  double stddev_after = 0;
  std::int64_t vms_moved = 0;  // VMs on another host in B than in A
  // No B with hosts_after running hosts moves fewer VMs (or less memory):
  // at least hosts_before - hosts_after of A's hosts must be emptied, and
  // emptying the ones holding the fewest VMs (least memory) is cheapest.
  std::int64_t migration_lower_bound = 0;
  double moved_gb_lower_bound = 0;
  double moved_gb = 0;         // memory copied by the plan (temporary moves included)
  double target_seconds = 0;
  double plan_seconds = 0;
  std::string note;
};

// Runs the strategy, plans A -> B (with the strategy's own move sequence as a
// hint) and, when a budget is set and the plan overshoots it because of
// temporary moves, asks the strategy again with a tighter budget.
RearrangeReport rearrange(const TargetProblem& problem, TargetStrategy& strategy,
                          const PlannerOptions& planner = {});

nlohmann::json plan_to_json(const Cluster& c, const Plan& plan);
nlohmann::json report_to_json(const Cluster& c, const RearrangeReport& r);

}  // namespace fleetopt::rearrange
