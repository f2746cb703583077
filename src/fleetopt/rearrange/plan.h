// A migration plan from placement A to placement B: VMs absent from B shut
// down first, then migrations in parallel stages, then VMs new in B start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleetopt/core/limits.h"
#include "fleetopt/rearrange/cost.h"
#include "fleetopt/rearrange/model.h"
#include "fleetopt/rearrange/rules.h"

namespace fleetopt::rearrange {

struct Migration {
  std::int32_t vm = -1;
  std::int32_t from = kNoHost;
  std::int32_t to = kNoHost;
  std::int32_t stage = 0;  // 1-based parallel round
  double cost = 0;
  bool temporary = false;  // to a third host, to break a swap or cycle
};

enum class PlanStatus {
  kFeasible,
  kInfeasible,  // proven: no sequence of migrations reaches B
  kUnknown,     // the exact search ran out of budget before deciding
};

struct Plan {
  PlanStatus status = PlanStatus::kFeasible;
  std::vector<Migration> migrations;   // ordered by stage, then execution order
  std::vector<std::int32_t> shutdowns;  // before any migration
  std::vector<std::int32_t> startups;   // after every migration
  std::int32_t stages = 0;
  double total_cost = 0;
  // Sum of one direct move per VM that changes host: no plan costs less.
  double lower_bound_cost = 0;
  std::string reason;  // why not feasible
  // How the plan was found.
  bool used_exact_search = false;
  bool cost_proven_optimal = false;  // at the lower bound, or by a finished exact search
  std::int64_t states_explored = 0;
  std::int32_t temporary_moves = 0;

  bool feasible() const { return status == PlanStatus::kFeasible; }
};

// Concurrency of a stage: each host sends at most max_out and receives at
// most max_in migrations at once; at most max_parallel in all (0: no limit).
struct PlanLimits {
  std::int32_t max_in_per_host = 2;
  std::int32_t max_out_per_host = 2;
  std::int32_t max_parallel = 0;
};

struct PlannerOptions {
  PlanLimits limits;
  // States the exact search may expand before answering "unknown".
  std::int64_t search_budget = 200'000;
  // ... and the memory its states may take (estimated): a large state budget
  // on a wide instance would otherwise grow by ~100 MB/s until the machine
  // runs out.
  double memory_budget_bytes = limits::kDefaultMemoryBudgetBytes;
  // Use the exact search when the fast ordering phase gets stuck.
  bool exact_fallback = true;
  // When the fast phase needed temporary moves and at most this many VMs can
  // move, run the exact search to find a cheaper plan (0: never).
  std::int32_t improve_max_vms = 12;
  // A sequence of moves that the caller believes valid (e.g. the one a target
  // strategy used to build B). Checked; used when valid and no dearer.
  const std::vector<Migration>* hint = nullptr;
};

// Plans migrations from a to b (both over all VMs of c; kNoHost = not
// running). Complete for what the exact search covers: when the fast phase
// fails, the exact search either finds a plan, proves none exists
// (kInfeasible, with the deadlock in `reason`), or runs out of budget
// (kUnknown) -- it never claims infeasibility it has not proven.
Plan plan_migrations(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                     const Placement& a, const Placement& b, const PlannerOptions& options = {});

// The planner's fast ordering phase alone (no exact search): a sequentially
// valid list of migrations from start to goal (both running the same VMs),
// with temporary moves where cycles need them, or nothing if it gets stuck.
std::optional<std::vector<Migration>> order_migrations(const Cluster& c, const RuleSet& rules,
                                                       const MigrationCost& cost, const Placement& start,
                                                       const Placement& goal);

// The naive baseline: the moves A -> B applied one by one in VM order, with
// no reordering and no temporary moves. Infeasible (naming the first move
// that breaks a rule) whenever that order does not work.
Plan naive_plan(const Cluster& c, const RuleSet& rules, const MigrationCost& cost, const Placement& a,
                const Placement& b, const PlanLimits& limits = {});

// Groups an ordered, sequentially valid list of migrations (starting from
// `start`) into stages: every stage keeps each target host sane with all of
// the stage's migrations counted on both their hosts, respects the limits,
// and keeps the sequential order where it matters. Sets stage numbers,
// reorders by stage, and returns the number of stages.
std::int32_t assign_stages(const Cluster& c, const RuleSet& rules, const Placement& start,
                           std::vector<Migration>& moves, const PlanLimits& limits);

// Replays a feasible plan from a and checks everything it promises: the
// shutdowns and startups match a and b, each stage respects the limits, every
// target host stays sane with in-flight VMs counted on both hosts, and the
// end state is b. Returns the first problem, or nothing.
std::optional<std::string> check_plan(const Cluster& c, const RuleSet& rules, const Placement& a,
                                      const Placement& b, const Plan& plan, const PlanLimits& limits);

const char* to_string(PlanStatus s);

}  // namespace fleetopt::rearrange
