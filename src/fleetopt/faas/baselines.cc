#include "fleetopt/faas/baselines.h"

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::faas {

OracleSolution solve_oracle(const Instance& instance, RejectOption reject) {
  PlacementLp lp(instance.nodes, instance.classes, instance.resources, reject);
  OracleSolution solution;
  solution.status = lp.solve(instance.arrival.data(), instance.cost.data(), instance.arrival.data(),
                             instance.demand.data(), instance.capacity.data());
  solution.policy = PolicyTable(instance.classes, lp.columns());
  if (solution.status == LpStatus::kOptimal) {
    solution.value = lp.value();
    lp.copy_policy(solution.policy);
  }
  return solution;
}

OracleAlgorithm::OracleAlgorithm(const Instance& instance, RejectOption reject) {
  OracleSolution solution = solve_oracle(instance, reject);
  if (solution.status != LpStatus::kOptimal) {
    throw InputError(fmt::format(
        "the placement LP on the true means is {}: no policy keeps every node within capacity{}",
        to_string(solution.status), reject.enabled ? "" : " (add the reject node: --reject)"));
  }
  policy_ = std::move(solution.policy);
}

int OracleAlgorithm::decide(std::int64_t, int arrival, Rng& rng) {
  if (arrival < 0) return -1;
  return policy_.draw(arrival, rng.uniform());
}

RandomFeasible::RandomFeasible(int nodes, int classes, int resources, std::vector<double> capacity,
                               RejectOption reject)
    : nodes_(nodes),
      resources_(resources),
      capacity_(std::move(capacity)),
      reject_(reject),
      use_sum_(capacity_.size(), 0.0),
      admissible_(static_cast<std::size_t>(nodes), 1),
      next_admissible_(static_cast<std::size_t>(nodes), 1),
      policy_(classes, nodes + (reject.enabled ? 1 : 0)) {
  policy_.set_uniform(nodes_);
}

int RandomFeasible::decide(std::int64_t t, int arrival, Rng& rng) {
  if (arrival < 0) return -1;
  // A node is admissible while its realised average use over the slots so
  // far is within capacity in every resource.
  const double elapsed = static_cast<double>(t - 1);
  int admitted = 0;
  for (int j = 0; j < nodes_; ++j) {
    bool fits = true;
    for (int k = 0; k < resources_ && fits; ++k) {
      const auto slot = static_cast<std::size_t>(j * resources_ + k);
      fits = use_sum_[slot] <= capacity_[slot] * elapsed;
    }
    next_admissible_[static_cast<std::size_t>(j)] = fits ? 1 : 0;
    admitted += fits ? 1 : 0;
  }
  if (next_admissible_ != admissible_ || version_ == 0) {
    admissible_.swap(next_admissible_);
    for (int i = 0; i < policy_.classes(); ++i) {
      double* p = policy_.row(i);
      for (int j = 0; j < policy_.columns(); ++j) {
        if (j < nodes_) {
          p[j] = admitted > 0 ? (admissible_[static_cast<std::size_t>(j)] ? 1.0 : 0.0)
                              : (reject_.enabled ? 0.0 : 1.0);
        } else {
          p[j] = admitted > 0 ? 0.0 : 1.0;  // the reject node, only when nothing fits
        }
      }
    }
    policy_.finalize(nodes_);
    ++version_;
  }
  return policy_.draw(arrival, rng.uniform());
}

void RandomFeasible::learn(int, int column, double, const double* demand) {
  if (column >= nodes_) return;
  for (int k = 0; k < resources_; ++k) {
    const auto slot = static_cast<std::size_t>(column * resources_ + k);
    use_sum_[slot] += demand[slot];
  }
}

}  // namespace fleetopt::faas
