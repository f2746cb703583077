// The consolidation policies behind make_consolidation_policy.
#pragma once

#include <memory>
#include <string>

#include "fleetopt/rearrange/dc_sim.h"
#include "fleetopt/rearrange/target.h"

namespace fleetopt::rearrange {

std::unique_ptr<ConsolidationPolicy> make_thr_mmt(const StrategySpec& spec);
std::unique_ptr<ConsolidationPolicy> make_lr_mmt(const StrategySpec& spec);
std::unique_ptr<ConsolidationPolicy> make_fleetopt_pctl(const StrategySpec& spec);

}  // namespace fleetopt::rearrange
