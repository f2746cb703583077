// The built-in target strategies, listed by target.cc's registry.
#pragma once

#include <memory>

#include "fleetopt/rearrange/target.h"

namespace fleetopt::rearrange {

std::unique_ptr<TargetStrategy> make_defrag(const StrategySpec& spec);
std::unique_ptr<TargetStrategy> make_ffd(const StrategySpec& spec);
std::unique_ptr<TargetStrategy> make_rebalance(const StrategySpec& spec);
std::unique_ptr<TargetStrategy> make_evacuate(const StrategySpec& spec);
std::unique_ptr<TargetStrategy> make_watcher_basic(const StrategySpec& spec);
std::unique_ptr<TargetStrategy> make_watcher_vm_workload(const StrategySpec& spec);
std::unique_ptr<TargetStrategy> make_watcher_stabilization(const StrategySpec& spec);

}  // namespace fleetopt::rearrange
