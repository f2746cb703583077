// Exact search for a cheapest migration sequence: A* over cluster states,
// where a state is the host of every movable VM (running and not pinned) and
// an edge is one live migration that keeps its target host sane. The
// heuristic (one direct move for each misplaced VM) is admissible, so the
// first goal state taken from the queue is optimal; an emptied queue proves
// that no sequence exists. The state space grows as hosts^VMs: this is the
// fallback for small or stuck instances, bounded by a budget.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "fleetopt/rearrange/plan.h"

namespace fleetopt::rearrange {

struct SearchResult {
  enum class Outcome { kFound, kExhausted, kBudget, kTooLarge };
  Outcome outcome = Outcome::kExhausted;
  std::vector<Migration> moves;  // sequential, stage 0
  double cost = 0;
  std::int64_t expanded = 0;
};

// start and goal run the same VMs. Only paths cheaper than cost_bound are
// considered (kExhausted then means "none cheaper"). kTooLarge: the instance
// has too many (movable VMs x hosts) to try.
// kBudget: `budget` states expanded, or the states kept would take more than
// memory_budget_bytes (estimated per state from its key length).
SearchResult exact_search(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                          const Placement& start, const Placement& goal, std::int64_t budget,
                          double cost_bound = std::numeric_limits<double>::infinity(),
                          double memory_budget_bytes = limits::kDefaultMemoryBudgetBytes);

}  // namespace fleetopt::rearrange
