#include "fleetopt/faas/lp_learner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "fleetopt/faas/kl_bounds.h"

namespace fleetopt::faas {
namespace {

// Plain means need a value before the first sample; 0.5 is the least
// informative Bernoulli mean and neither lures nor repels the LP.
constexpr double kPriorMean = 0.5;

}  // namespace

LpLearner::LpLearner(int nodes, int classes, int resources, std::vector<double> capacity,
                     const LpLearnerConfig& config)
    : nodes_(nodes),
      classes_(classes),
      resources_(resources),
      capacity_(std::move(capacity)),
      config_(config),
      arrivals_(static_cast<std::size_t>(classes), 0.0),
      samples_(static_cast<std::size_t>(classes) * static_cast<std::size_t>(nodes), 0.0),
      cost_sum_(samples_.size(), 0.0),
      demand_sum_(samples_.size() * static_cast<std::size_t>(resources), 0.0),
      rate_coef_(arrivals_.size(), 0.0),
      load_coef_(arrivals_.size(), 0.0),
      cost_coef_(samples_.size(), 0.0),
      demand_coef_(demand_sum_.size(), 0.0),
      lp_(nodes, classes, resources, config.reject),
      policy_(classes, lp_.columns()) {
  policy_.set_uniform(nodes_);
  next_geometric_ = static_cast<std::int64_t>(nodes) * classes + 1;  // rho^0 = 1
}

bool LpLearner::update_due(std::int64_t t) {
  if (config_.solve_every_slot) return true;
  bool due = !solved_once_;  // the first slot after the warm-up
  if (t >= next_geometric_) {
    due = true;
    // Small powers of rho round to the same slot; skip to the first
    // schedule time after t.
    const double offset = static_cast<double>(nodes_) * classes_;
    while (next_geometric_ <= t) {
      const double next = offset + std::round(std::pow(config_.rho, ++next_power_));
      next_geometric_ =
          next < 9e18 ? static_cast<std::int64_t>(next) : std::numeric_limits<std::int64_t>::max();
    }
  }
  if (config_.period > 0 && t % config_.period == 0) due = true;
  return due;
}

void LpLearner::compute_coefficients(std::int64_t t) {
  const double slots = static_cast<double>(slots_);
  const double log_t = std::log(static_cast<double>(t));
  const auto k_count = static_cast<std::size_t>(resources_);
  const bool all_nodes = config_.demand_feedback == DemandFeedback::kAllNodes;
  const bool bounds = config_.confidence_bounds;
  for (std::size_t i = 0; i < arrivals_.size(); ++i) {
    const double rate = slots > 0 ? arrivals_[i] / slots : 0.0;
    rate_coef_[i] = bounds ? kl_lower_bound(rate, slots, log_t) : rate;
    // With all-node feedback the demand coefficient already is a use per slot.
    load_coef_[i] = all_nodes ? 1.0 : bounds ? kl_upper_bound(rate, slots, log_t) : rate;
  }
  for (std::size_t pair = 0; pair < samples_.size(); ++pair) {
    const double n = samples_[pair];
    if (bounds) {
      cost_coef_[pair] = kl_lower_bound(n > 0 ? cost_sum_[pair] / n : 0.0, n, log_t);
    } else {
      cost_coef_[pair] = n > 0 ? cost_sum_[pair] / n : kPriorMean;
    }
    // Use per slot from all slots, or demand per placement from the pair's own.
    const double observations = all_nodes ? slots : n;
    for (std::size_t k = 0; k < k_count; ++k) {
      const std::size_t e = pair * k_count + k;
      const double mean = observations > 0 ? demand_sum_[e] / observations : 0.0;
      if (bounds) {
        demand_coef_[e] = kl_upper_bound(mean, observations, log_t);
      } else {
        demand_coef_[e] = observations > 0 ? mean : (all_nodes ? 0.0 : kPriorMean);
      }
    }
  }
}

void LpLearner::resolve(std::int64_t t) {
  ++updates_;
  compute_coefficients(t);
  double floor = 0;
  if (config_.explore > 0) {
    double fade = 1.0;
    if (config_.horizon > 0) {
      fade = std::max(0.0, 1.0 - static_cast<double>(t) / static_cast<double>(config_.horizon));
    }
    floor = config_.explore * fade / nodes_;
  }
  const LpStatus status = lp_.solve(rate_coef_.data(), cost_coef_.data(), load_coef_.data(),
                                    demand_coef_.data(), capacity_.data(), floor);
  if (status == LpStatus::kOptimal) {
    lp_.copy_policy(policy_);
  } else {
    ++infeasible_;
    policy_.set_uniform(nodes_);
  }
  if (config_.epsilon > 0) policy_.mix_uniform(config_.epsilon, nodes_);
  solved_once_ = true;
  ++version_;
}

int LpLearner::decide(std::int64_t t, int arrival, Rng& rng) {
  if (t <= config_.warmup) {
    if (!warm_up_policy_set_) {
      policy_.set_uniform(nodes_);
      warm_up_policy_set_ = true;
      ++version_;
    }
  } else if (arrival >= 0 && update_due(t)) {
    resolve(t);
  }
  ++slots_;
  if (arrival < 0) return -1;
  arrivals_[static_cast<std::size_t>(arrival)] += 1;
  return policy_.draw(arrival, rng.uniform());
}

void LpLearner::learn(int i, int column, double cost, const double* demand) {
  const auto n = static_cast<std::size_t>(nodes_);
  const auto k_count = static_cast<std::size_t>(resources_);
  const std::size_t row = static_cast<std::size_t>(i) * n;
  if (column < nodes_) {
    const std::size_t pair = row + static_cast<std::size_t>(column);
    samples_[pair] += 1;
    cost_sum_[pair] += cost;
    if (config_.demand_feedback == DemandFeedback::kChosenNode) {
      for (std::size_t k = 0; k < k_count; ++k) {
        demand_sum_[pair * k_count + k] += demand[static_cast<std::size_t>(column) * k_count + k];
      }
    }
  }
  if (config_.demand_feedback == DemandFeedback::kAllNodes) {
    double* sums = demand_sum_.data() + row * k_count;
    for (std::size_t e = 0; e < n * k_count; ++e) sums[e] += demand[e];
  }
}

}  // namespace fleetopt::faas
