#include "fleetopt/faas/simulation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/faas/synthetic.h"

namespace fleetopt::faas {
namespace {

using testing::HasSubstr;

Instance one_node(double arrival, double demand, double capacity) {
  Instance in;
  in.nodes = 1;
  in.classes = 1;
  in.resources = 1;
  in.arrival = {arrival};
  in.cost = {0.5};
  in.demand = {demand};
  in.capacity = {capacity};
  validate(in);
  return in;
}

TEST(Simulation, MetricsOnADeterministicInstance) {
  // Every slot one function, always using a full unit on the only node:
  // realised use per slot is exactly 1, capacity 2, so max constraint 0.5.
  ExperimentOptions options;
  options.algorithm = "oracle";
  options.horizon = 1000;
  options.runs = 2;
  const ExperimentResult r = run_experiment(one_node(1.0, 1.0, 2.0), options);
  EXPECT_DOUBLE_EQ(r.oracle_value, 0.5);
  EXPECT_DOUBLE_EQ(r.max_constraint, 0.5);
  EXPECT_NEAR(r.relative_gap, 0.0, 1e-12);
  ASSERT_EQ(r.checkpoints.size(), 100u);
  EXPECT_EQ(r.checkpoints.front(), 10);
  EXPECT_EQ(r.checkpoints.back(), 1000);
  EXPECT_EQ(r.runs[0].decisions, 1000);
}

TEST(Simulation, IdleSlotsAreNotDecisions) {
  ExperimentOptions options;
  options.algorithm = "oracle";
  options.horizon = 20000;
  options.checkpoints = 7;  // windows need not divide the horizon
  const ExperimentResult r = run_experiment(one_node(0.25, 1.0, 1.0), options);
  EXPECT_NEAR(static_cast<double>(r.runs[0].decisions) / 20000, 0.25, 0.02);
  EXPECT_NEAR(r.max_constraint, 0.25, 0.02);
  EXPECT_EQ(r.checkpoints.size(), 7u);
  EXPECT_EQ(r.checkpoints.back(), 20000);
}

TEST(Simulation, InfeasibleInstanceNeedsTheRejectNode) {
  ExperimentOptions options;
  options.algorithm = "base";
  options.horizon = 500;
  const Instance in = one_node(1.0, 0.5, 0.2);
  try {
    run_experiment(in, options);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("infeasible"));
    EXPECT_THAT(e.what(), HasSubstr("--reject"));
  }
  options.algorithm_options.reject = {true, 1.0};
  options.horizon = 5000;
  const ExperimentResult r = run_experiment(in, options);
  EXPECT_NEAR(r.oracle_value, 0.8, 1e-9);
  EXPECT_EQ(r.runs[0].lp_infeasible, 0);
  // The learner rejects enough to stay within capacity.
  EXPECT_LE(r.max_constraint, 1.0);
}

TEST(Simulation, ThreadsDoNotChangeResults) {
  SyntheticOptions synthetic;
  synthetic.nodes = 4;
  synthetic.classes = 2;
  synthetic.resources = 2;
  synthetic.seed = 2;
  const Instance in = generate_synthetic(synthetic).instance;
  ExperimentOptions options;
  options.algorithm = "fast";
  options.horizon = 3000;
  options.runs = 4;
  options.seed = 9;
  const ExperimentResult one = run_experiment(in, options);
  options.threads = 2;
  const ExperimentResult two = run_experiment(in, options);
  for (std::size_t r = 0; r < one.runs.size(); ++r) {
    EXPECT_EQ(one.runs[r].gap_curve, two.runs[r].gap_curve);
    EXPECT_EQ(one.runs[r].constraint_curve, two.runs[r].constraint_curve);
  }
}

TEST(Simulation, RejectsBadOptions) {
  ExperimentOptions options;
  options.horizon = 0;
  EXPECT_THROW(run_experiment(one_node(1.0, 0.1, 1.0), options), InputError);
  options.horizon = 10;
  options.algorithm = "nope";
  EXPECT_THROW(run_experiment(one_node(1.0, 0.1, 1.0), options), InputError);
  options.algorithm = "fast";
  options.algorithm_options.rho = 1.0;
  EXPECT_THROW(run_experiment(one_node(1.0, 0.1, 1.0), options), InputError);
}

}  // namespace
}  // namespace fleetopt::faas
