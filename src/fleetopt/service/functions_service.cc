#include "fleetopt/service/functions_service.h"

#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::service {

FunctionsService::FunctionsService(faas::Instance instance, const FunctionsConfig& config)
    : instance_(std::move(instance)), config_(config), rng_(config.seed) {
  if (config_.algorithm == "oracle") {
    throw InputError::field("--functions-algorithm", "oracle reads the true means: a bound, not a live policy");
  }
  if (config_.horizon < 1) throw InputError::field("--functions-horizon", "must be >= 1");
  faas::AlgorithmOptions options;
  options.horizon = config_.horizon;
  options.reject.enabled = config_.reject;
  options.reject.cost = config_.reject_cost;
  algo_ = faas::make_algorithm(config_.algorithm, instance_, options);
}

FunctionsService::Decision FunctionsService::decide(int cls) {
  if (cls < 0 || cls >= instance_.classes) {
    throw InputError::field("class", fmt::format("{} is not a class (0..{})", cls, instance_.classes - 1));
  }
  std::lock_guard lock(mu_);
  Decision d;
  d.slot = ++slot_;
  const int column = algo_->decide(d.slot, cls, rng_);
  d.node = column >= 0 && column < instance_.nodes ? column : -1;
  return d;
}

void FunctionsService::feedback(int cls, int node, double cost, const std::vector<double>& demand) {
  if (cls < 0 || cls >= instance_.classes) {
    throw InputError::field("class", fmt::format("{} is not a class (0..{})", cls, instance_.classes - 1));
  }
  if (node < -1 || node >= instance_.nodes) {
    throw InputError::field("node", fmt::format("{} is not a node (0..{}, or null when rejected)", node,
                                                instance_.nodes - 1));
  }
  if (node == -1 && !config_.reject) throw InputError::field("node", "null (rejected) but the reject option is off");
  if (!std::isfinite(cost) || cost < 0 || cost > 1e6) {
    throw InputError::field("cost", fmt::format("{} is not a finite cost in [0, 1e6]", cost));
  }
  const auto want = static_cast<std::size_t>(instance_.nodes) * static_cast<std::size_t>(instance_.resources);
  if (demand.size() != want) {
    throw InputError::field("demand", fmt::format("expected {} nodes x {} resources, got {} numbers", instance_.nodes,
                                                  instance_.resources, demand.size()));
  }
  for (std::size_t i = 0; i < demand.size(); ++i) {
    if (!std::isfinite(demand[i]) || demand[i] < 0 || demand[i] > 1e9) {
      throw InputError::field(fmt::format("demand[{}][{}]", i / static_cast<std::size_t>(instance_.resources),
                                          i % static_cast<std::size_t>(instance_.resources)),
                              fmt::format("{} is not a finite amount in [0, 1e9]", demand[i]));
    }
  }
  std::lock_guard lock(mu_);
  algo_->learn(cls, node < 0 ? instance_.nodes : node, cost, demand.data());
}

}  // namespace fleetopt::service
