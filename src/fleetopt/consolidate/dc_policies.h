// The consolidation policies behind make_consolidation_policy.
#pragma once

#include <memory>
#include <string>

#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/rearrange/target.h"

namespace fleetopt::consolidate {

// DETECTOR-SELECTION (thr|iqr|mad|lr|lrr - mmt|mu|mc|rs), or nullptr if
// spec.name is not one; InputError for bad options.
std::unique_ptr<ConsolidationPolicy> make_classic_pair(const rearrange::StrategySpec& spec);
std::unique_ptr<ConsolidationPolicy> make_fleetopt_pctl(const rearrange::StrategySpec& spec);

}  // namespace fleetopt::consolidate
