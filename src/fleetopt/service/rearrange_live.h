// POST /v1/rearrange: the rearrangement planner (rearrange/) run on the live
// state. The hosts and placements become a cluster document in the
// interchange format of `fleetopt rearrange` (DESIGN.md), the goal is a
// target strategy spec (defrag, rebalance, evacuate:H1,H2, ...), and the
// answer is that command's report: target placement B and the staged
// migration plan. Nothing moves: each migration is carried out by a client.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/service/decision_service.h"

namespace fleetopt::service {

struct RearrangeQuery {
  std::string goal;                 // strategy spec
  std::int64_t max_migrations = -1; // -1: no budget
  double max_cost = -1;
};

// Throws InputError on an unknown goal.
nlohmann::json rearrange_live(const std::vector<HostView>& hosts, const std::vector<PlacementRecord>& placements,
                              DimMask dims, const RearrangeQuery& query);

}  // namespace fleetopt::service
