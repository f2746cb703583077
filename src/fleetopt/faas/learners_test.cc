#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "fleetopt/faas/lp_learner.h"
#include "fleetopt/faas/simulation.h"
#include "fleetopt/faas/synthetic.h"

namespace fleetopt::faas {
namespace {

Instance small_synthetic(std::uint64_t seed) {
  SyntheticOptions options;
  options.nodes = 4;
  options.classes = 2;
  options.resources = 2;
  options.capacity = 0.2;
  options.seed = seed;
  return generate_synthetic(options).instance;
}

ExperimentResult run(const Instance& in, const std::string& algorithm, std::int64_t horizon,
                     int runs, std::uint64_t seed) {
  ExperimentOptions options;
  options.algorithm = algorithm;
  options.horizon = horizon;
  options.runs = runs;
  options.seed = seed;
  return run_experiment(in, options);
}

TEST(Learners, SameSeedSameRun) {
  const Instance in = small_synthetic(1);
  for (const char* algorithm : {"base", "fast", "greedy", "epsilon", "random"}) {
    const ExperimentResult a = run(in, algorithm, 1500, 2, 42);
    const ExperimentResult b = run(in, algorithm, 1500, 2, 42);
    const ExperimentResult c = run(in, algorithm, 1500, 2, 43);
    for (std::size_t r = 0; r < a.runs.size(); ++r) {
      EXPECT_EQ(a.runs[r].gap_curve, b.runs[r].gap_curve) << algorithm;
      EXPECT_EQ(a.runs[r].constraint_curve, b.runs[r].constraint_curve) << algorithm;
      EXPECT_EQ(a.runs[r].average_cost, b.runs[r].average_cost) << algorithm;
    }
    EXPECT_NE(a.runs[0].constraint_curve, c.runs[0].constraint_curve) << algorithm;
  }
}

TEST(Learners, FastSolvesOnTheGeometricAndPeriodicSchedule) {
  const Instance in = small_synthetic(3);  // arrivals every slot
  const std::int64_t horizon = 5000, period = 700, offset = in.nodes * in.classes;
  std::set<std::int64_t> expected;
  for (int k = 0; k < 400; ++k) {
    const std::int64_t t = offset + std::llround(std::pow(1.05, k));
    if (t <= horizon) expected.insert(t);
  }
  for (std::int64_t t = period; t <= horizon; t += period) {
    if (t > offset) expected.insert(t);
  }
  ExperimentOptions options;
  options.algorithm = "fast";
  options.horizon = horizon;
  options.algorithm_options.period = period;
  const ExperimentResult r = run_experiment(in, options);
  EXPECT_EQ(r.runs[0].lp_solves, static_cast<std::int64_t>(expected.size()));
  options.algorithm = "base";
  EXPECT_EQ(run_experiment(in, options).runs[0].lp_solves, horizon);
}

TEST(Learners, BaseAndFastLearnTheOraclePolicy) {
  const Instance in = small_synthetic(5);
  const ExperimentResult base = run(in, "base", 8000, 2, 7);
  const ExperimentResult fast = run(in, "fast", 8000, 2, 7);
  const ExperimentResult random = run(in, "random", 8000, 2, 7);
  // Learned policies end close to the oracle and keep every node within
  // capacity; the unlearned random baseline stays far away.
  EXPECT_LT(std::abs(base.relative_gap), 0.03);
  EXPECT_LT(std::abs(fast.relative_gap), 0.03);
  EXPECT_GT(random.relative_gap, 0.1);
  EXPECT_LE(base.max_constraint, 1.0);
  EXPECT_LE(fast.max_constraint, 1.0);
}

// Without confidence bounds the LP sits exactly on the estimated capacity,
// so half of its estimation errors put a node over; the bounds keep a margin.
TEST(Learners, ConfidenceBoundsKeepCapacityWhereGreedyDoesNot) {
  int greedy_over = 0;
  double greedy_gap = 0, fast_gap = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Instance in = small_synthetic(seed);
    const ExperimentResult fast = run(in, "fast", 8000, 2, 7);
    const ExperimentResult greedy = run(in, "greedy", 8000, 2, 7);
    EXPECT_LE(fast.max_constraint, 1.0) << "seed " << seed;
    greedy_over += greedy.max_constraint > 1.0 ? 1 : 0;
    greedy_gap += greedy.relative_gap / 6;
    fast_gap += fast.relative_gap / 6;
  }
  EXPECT_GE(greedy_over, 4);
  EXPECT_GT(greedy_gap, 2 * fast_gap);
}

// One node per two classes, far too small: most arrivals must be rejected.
// The fast algorithm's forced exploration must not push the nodes over.
TEST(Learners, ExplorationRespectsCapacityOnATightInstance) {
  SyntheticOptions options;
  options.nodes = 2;
  options.classes = 3;
  options.resources = 2;
  options.capacity = 0.01;
  options.require_feasible = false;
  options.seed = 1;
  const Instance in = generate_synthetic(options).instance;
  ExperimentOptions experiment;
  experiment.algorithm = "fast";
  experiment.horizon = 20000;
  experiment.runs = 2;
  experiment.algorithm_options.reject = {true, 1.0};
  const ExperimentResult r = run_experiment(in, experiment);
  EXPECT_LE(r.max_constraint, 1.0);
  EXPECT_LT(r.relative_gap, 0.01);
}

TEST(Learners, OracleHasNoGap) {
  const Instance in = small_synthetic(5);
  const ExperimentResult oracle = run(in, "oracle", 5000, 1, 1);
  EXPECT_NEAR(oracle.relative_gap, 0.0, 1e-9);
}

// Feeds a fixed history: 50 rounds in which every (class, node) pair is
// placed once, with cost 1 in the first 20 rounds (mean 0.4) and use 1 of
// every resource on every node in the first 10 (demand mean 0.2).
void feed_history(LpLearner& learner, const Instance& in) {
  Rng rng(1);
  std::int64_t t = 0;
  std::vector<double> use(static_cast<std::size_t>(in.nodes * in.resources));
  for (int round = 0; round < 50; ++round) {
    std::fill(use.begin(), use.end(), round < 10 ? 1.0 : 0.0);
    for (int i = 0; i < in.classes; ++i) {
      for (int j = 0; j < in.nodes; ++j) {
        learner.decide(++t, i, rng);
        learner.learn(i, j, round < 20 ? 1.0 : 0.0, use.data());
      }
    }
  }
  learner.decide(++t, 0, rng);  // solves on the history above
}

TEST(Learners, BoundsAreOptimisticOnCostAndPessimisticOnUse) {
  const Instance in = small_synthetic(2);  // 4 nodes, 2 classes: 400 slots
  LpLearnerConfig config;
  config.demand_feedback = DemandFeedback::kChosenNode;
  LpLearner chosen(in.nodes, in.classes, in.resources, in.capacity, config);
  feed_history(chosen, in);
  for (double c : chosen.cost_coefficients()) {
    EXPECT_LT(c, 0.4);  // lower bound on mean 0.4 from 50 samples
    EXPECT_GT(c, 0.15);
  }
  for (double a : chosen.demand_coefficients()) {
    EXPECT_GT(a, 0.2);  // upper bound on mean 0.2 from 50 samples
    EXPECT_LT(a, 0.45);
  }
  for (std::size_t i = 0; i < 2; ++i) {  // each class arrived in 200 of 400 slots
    EXPECT_LT(chosen.rate_coefficients()[i], 0.5);
    EXPECT_GT(chosen.load_coefficients()[i], 0.5);
  }

  config.demand_feedback = DemandFeedback::kAllNodes;
  LpLearner all(in.nodes, in.classes, in.resources, in.capacity, config);
  feed_history(all, in);
  // Use per slot: 40 units over 400 slots for every (class, node, resource),
  // bounded from 400 observations; the rate no longer multiplies it.
  for (double u : all.demand_coefficients()) {
    EXPECT_GT(u, 0.1);
    EXPECT_LT(u, 0.2);
  }
  for (double load : all.load_coefficients()) EXPECT_EQ(load, 1.0);
  EXPECT_EQ(all.cost_coefficients(), chosen.cost_coefficients());
}

}  // namespace
}  // namespace fleetopt::faas
