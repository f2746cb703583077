#include "fleetopt/faas/algorithm.h"

#include <fmt/format.h>

#include <cmath>

#include "fleetopt/core/error.h"
#include "fleetopt/faas/baselines.h"
#include "fleetopt/faas/instance.h"
#include "fleetopt/faas/lp_learner.h"

namespace fleetopt::faas {
namespace {

void check_options(const AlgorithmOptions& o) {
  if (o.horizon < 0) throw InputError::field("horizon", "must be >= 0");
  if (!(std::isfinite(o.rho) && o.rho > 1)) throw InputError::field("rho", "must be > 1");
  if (o.period < 0) throw InputError::field("period", "must be >= 0");
  if (!(o.explore >= 0 && o.explore <= 1)) throw InputError::field("explore", "must be in [0, 1]");
  if (!(o.epsilon >= 0 && o.epsilon <= 1)) throw InputError::field("epsilon", "must be in [0, 1]");
  if (!(std::isfinite(o.reject.cost) && o.reject.cost >= 0)) {
    throw InputError::field("reject-cost", "must be finite and >= 0");
  }
}

}  // namespace

const std::vector<std::string>& algorithm_names() {
  static const std::vector<std::string> names = {"base",    "fast",   "greedy",
                                                 "epsilon", "random", "oracle"};
  return names;
}

std::unique_ptr<PlacementAlgorithm> make_algorithm(const std::string& name,
                                                   const Instance& instance,
                                                   const AlgorithmOptions& options) {
  check_options(options);
  const std::int64_t pairs = static_cast<std::int64_t>(instance.nodes) * instance.classes;
  const std::int64_t warmup = options.warmup >= 0 ? options.warmup : pairs;
  LpLearnerConfig config;
  config.rho = options.rho;
  config.period = options.period;
  config.horizon = options.horizon;
  config.reject = options.reject;
  config.demand_feedback = options.demand_feedback;
  if (name == "base") {
    config.warmup = options.warmup >= 0 ? options.warmup : 0;
  } else if (name == "fast") {
    config.solve_every_slot = false;
    config.warmup = warmup;
    config.explore = options.explore;
  } else if (name == "greedy" || name == "epsilon") {
    config.confidence_bounds = false;
    config.warmup = warmup;
    config.epsilon = name == "epsilon" ? options.epsilon : 0.0;
  } else if (name == "random") {
    return std::make_unique<RandomFeasible>(instance.nodes, instance.classes, instance.resources,
                                            instance.capacity, options.reject);
  } else if (name == "oracle") {
    return std::make_unique<OracleAlgorithm>(instance, options.reject);
  } else {
    throw InputError::field("algorithm", fmt::format("unknown algorithm '{}' (expected base, fast, "
                                                     "greedy, epsilon, random or oracle)",
                                                     name));
  }
  return std::make_unique<LpLearner>(instance.nodes, instance.classes, instance.resources,
                                     instance.capacity, config);
}

}  // namespace fleetopt::faas
