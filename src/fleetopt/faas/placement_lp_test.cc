#include "fleetopt/faas/placement_lp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/faas/baselines.h"
#include "fleetopt/faas/instance.h"
#include "fleetopt/faas/policy_table.h"
#include "fleetopt/faas/synthetic.h"

namespace fleetopt::faas {
namespace {

// Two classes, two nodes, one resource. With x12 = 1 - x11, x22 = 1 - x21:
//   cost  = 0.55 - 0.2 x11 - 0.05 x21
//   node0 : 0.4 x11 + 0.3 x21 <= 0.5    node1: 0.2 x11 + 0.3 x21 >= 0.1
// Node 0 is cheaper for both; class 0 saves 0.2 per 0.4 of capacity, class 1
// only 0.05 per 0.3, so class 0 takes node 0 fully (x11 = 1, using 0.4) and
// class 1 gets the remaining 0.1 / 0.3 = 1/3. Value 0.55 - 0.2 - 0.05/3 = 1/3.
Instance hand_solved() {
  Instance in;
  in.nodes = 2;
  in.classes = 2;
  in.resources = 1;
  in.arrival = {0.5, 0.5};
  in.cost = {0.2, 0.6, 0.4, 0.5};
  in.demand = {0.8, 0.4, 0.6, 0.6};
  in.capacity = {0.5, 0.4};
  validate(in);
  return in;
}

TEST(PlacementLp, HandSolvedTwoByTwo) {
  const OracleSolution oracle = solve_oracle(hand_solved(), {});
  ASSERT_EQ(oracle.status, LpStatus::kOptimal);
  EXPECT_NEAR(oracle.value, 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(oracle.policy.at(0, 0), 1.0, 1e-9);
  EXPECT_NEAR(oracle.policy.at(0, 1), 0.0, 1e-9);
  EXPECT_NEAR(oracle.policy.at(1, 0), 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(oracle.policy.at(1, 1), 2.0 / 3.0, 1e-9);
  // The expected cost of the policy under the same means is the LP value.
  EXPECT_NEAR(oracle.policy.expected_cost(hand_solved(), 1.0), 1.0 / 3.0, 1e-9);
}

// One class, one node: it needs 0.5 of a resource the node has 0.2 of.
Instance overloaded() {
  Instance in;
  in.nodes = 1;
  in.classes = 1;
  in.resources = 1;
  in.arrival = {1.0};
  in.cost = {0.5};
  in.demand = {0.5};
  in.capacity = {0.2};
  validate(in);
  return in;
}

TEST(PlacementLp, RejectNodeMakesAnInfeasibleInstanceFeasible) {
  EXPECT_EQ(solve_oracle(overloaded(), {}).status, LpStatus::kInfeasible);
  const OracleSolution with_reject = solve_oracle(overloaded(), {true, 1.0});
  ASSERT_EQ(with_reject.status, LpStatus::kOptimal);
  // Place 0.2 / 0.5 = 40% (cost 0.5), reject 60% (cost 1): 0.2 + 0.6.
  EXPECT_NEAR(with_reject.policy.at(0, 0), 0.4, 1e-9);
  EXPECT_NEAR(with_reject.policy.at(0, 1), 0.6, 1e-9);
  EXPECT_NEAR(with_reject.value, 0.8, 1e-9);
}

TEST(PlacementLp, RejectNodeUnusedWhenEverythingFits) {
  const OracleSolution with_reject = solve_oracle(hand_solved(), {true, 1.0});
  ASSERT_EQ(with_reject.status, LpStatus::kOptimal);
  EXPECT_NEAR(with_reject.value, 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(with_reject.policy.at(0, 2) + with_reject.policy.at(1, 2), 0.0, 1e-9);
}

TEST(PlacementLp, ExplorationFloorIsABoundInsideTheProgram) {
  const Instance in = hand_solved();
  PlacementLp lp(in.nodes, in.classes, in.resources, {});
  // A floor of 0.1 on every entry: class 0 must give node 1 at least 0.1,
  // which frees 0.1 * 0.4 of node 0's capacity for class 1 (0.04 / 0.3 more).
  ASSERT_EQ(lp.solve(in.arrival.data(), in.cost.data(), in.arrival.data(), in.demand.data(),
                     in.capacity.data(), 0.1),
            LpStatus::kOptimal);
  EXPECT_TRUE(lp.explored());
  PolicyTable x(in.classes, lp.columns());
  lp.copy_policy(x);
  EXPECT_NEAR(x.at(0, 0), 0.9, 1e-9);
  EXPECT_NEAR(x.at(1, 0), 1.0 / 3.0 + 0.04 / 0.3, 1e-9);
  EXPECT_LE(x.expected_use(in, 0, 0), in.capacity_of(0, 0) + 1e-12);
  // A floor that does not fit is dropped rather than reported infeasible.
  const Instance tight = overloaded();
  PlacementLp tight_lp(1, 1, 1, {true, 1.0});
  ASSERT_EQ(tight_lp.solve(tight.arrival.data(), tight.cost.data(), tight.arrival.data(),
                           tight.demand.data(), tight.capacity.data(), 0.9),
            LpStatus::kOptimal);
  EXPECT_FALSE(tight_lp.explored());
  EXPECT_NEAR(tight_lp.value(), 0.8, 1e-9);
}

double max_violation(const Instance& in, const PolicyTable& x) {
  double worst = 0;
  for (int j = 0; j < in.nodes; ++j) {
    for (int k = 0; k < in.resources; ++k) {
      worst = std::max(worst, x.expected_use(in, j, k) - in.capacity_of(j, k));
    }
  }
  return worst;
}

// Re-solving in place from the previous basis must give what a fresh solve
// gives, through feasible and infeasible coefficient sets alike.
TEST(PlacementLp, WarmStartedResolvesMatchColdSolves) {
  SyntheticOptions options;
  options.nodes = 6;
  options.classes = 3;
  options.resources = 2;
  options.seed = 11;
  Instance in = generate_synthetic(options).instance;
  PlacementLp warm(in.nodes, in.classes, in.resources, {});
  Rng rng(5);
  int infeasible = 0;
  for (int round = 0; round < 60; ++round) {
    Instance perturbed = in;
    for (double& a : perturbed.demand) a = std::clamp(a * rng.uniform(0.6, 1.6), 0.0, 1.0);
    for (double& c : perturbed.cost) c = std::clamp(c * rng.uniform(0.8, 1.2), 0.0, 1.0);
    const double squeeze = rng.uniform(0.3, 1.5);
    for (double& beta : perturbed.capacity) beta *= squeeze;
    const LpStatus status =
        warm.solve(perturbed.arrival.data(), perturbed.cost.data(), perturbed.arrival.data(),
                   perturbed.demand.data(), perturbed.capacity.data());
    const OracleSolution cold = solve_oracle(perturbed, {});
    ASSERT_EQ(status, cold.status) << "round " << round;
    if (status != LpStatus::kOptimal) {
      ++infeasible;
      continue;
    }
    EXPECT_NEAR(warm.value(), cold.value, 1e-9) << "round " << round;
    PolicyTable x(in.classes, warm.columns());
    warm.copy_policy(x);
    EXPECT_LE(max_violation(perturbed, x), 1e-7);
    EXPECT_NEAR(x.expected_cost(perturbed, 1.0), cold.value, 1e-7);
  }
  // The perturbations must exercise both outcomes.
  EXPECT_GT(infeasible, 0);
  EXPECT_LT(infeasible, 60);
  EXPECT_EQ(warm.solves(), 60);
}

}  // namespace
}  // namespace fleetopt::faas
