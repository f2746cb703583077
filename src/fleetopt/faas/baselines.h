// Baselines without a learned LP: the oracle (knows the true means, solves
// the LP once) and random feasible (spreads arrivals uniformly over the
// nodes whose realised average use is still within capacity).
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/faas/algorithm.h"
#include "fleetopt/faas/instance.h"

namespace fleetopt::faas {

struct OracleSolution {
  LpStatus status = LpStatus::kFailed;
  double value = 0;    // expected cost per slot of the optimal policy
  PolicyTable policy;  // classes x (N + reject)
};

// Solves the placement LP on the instance's true means.
OracleSolution solve_oracle(const Instance& instance, RejectOption reject);

class OracleAlgorithm : public PlacementAlgorithm {
 public:
  // Throws InputError when the LP is infeasible (no policy to follow).
  OracleAlgorithm(const Instance& instance, RejectOption reject);
  int decide(std::int64_t t, int arrival, Rng& rng) override;
  void learn(int, int, double, const double*) override {}
  const PolicyTable& policy() const override { return policy_; }
  std::uint64_t policy_version() const override { return 1; }
  std::int64_t lp_solves() const override { return 1; }

 private:
  PolicyTable policy_;
};

class RandomFeasible : public PlacementAlgorithm {
 public:
  RandomFeasible(int nodes, int classes, int resources, std::vector<double> capacity,
                 RejectOption reject);
  int decide(std::int64_t t, int arrival, Rng& rng) override;
  void learn(int i, int column, double cost, const double* demand) override;
  const PolicyTable& policy() const override { return policy_; }
  std::uint64_t policy_version() const override { return version_; }

 private:
  int nodes_, resources_;
  std::vector<double> capacity_;
  RejectOption reject_;
  std::vector<double> use_sum_;   // [N*K] realised use so far
  std::vector<char> admissible_;  // [N] for the current policy
  std::vector<char> next_admissible_;
  PolicyTable policy_;
  std::uint64_t version_ = 0;
};

}  // namespace fleetopt::faas
