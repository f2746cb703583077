// Runs placement algorithms against a simulated instance and measures them.
//
// Metrics (docs/faas.md):
//   relative gap at slot t   (E[cost per slot | x_t] - V*) / V*, where x_t is
//                            the placement distribution the algorithm used at
//                            t, the expectation is under the true means and
//                            V* is the oracle LP value; reported as its
//                            moving average over windows of T/checkpoints
//                            slots (the final value: the last 1% of slots).
//   max constraint at slot t max over nodes j and resources k of
//                            (sum of realised use of k on j up to t) / (t * capacity_jk).
//   per-decision time        wall time inside decide() + learn() divided by
//                            the number of arrivals (the environment's draws
//                            are outside the timed part).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fleetopt/faas/algorithm.h"
#include "fleetopt/faas/instance.h"

namespace fleetopt::faas {

struct ExperimentOptions {
  std::string algorithm = "base";
  std::int64_t horizon = 30000;
  int runs = 1;
  std::uint64_t seed = 1;
  AlgorithmOptions algorithm_options;  // its horizon is set from `horizon`
  int checkpoints = 100;
  int threads = 1;
};

struct RunResult {
  double relative_gap = 0;    // final moving average
  double max_constraint = 0;  // at the end of the run
  // max over nodes and resources of the final policy's expected use (true
  // means) over capacity: above 1 means the policy itself overloads a node.
  double policy_constraint = 0;
  double average_cost = 0;  // realised cost per slot over the whole run
  double per_decision_us = 0;
  std::int64_t decisions = 0;
  std::int64_t lp_solves = 0;
  std::int64_t lp_infeasible = 0;
  std::vector<double> gap_curve;         // one per checkpoint
  std::vector<double> constraint_curve;  // one per checkpoint
};

struct ExperimentResult {
  double oracle_value = 0;
  std::vector<std::int64_t> checkpoints;  // slot at the end of each window
  std::vector<RunResult> runs;
  double relative_gap = 0;  // mean over runs
  double relative_gap_min = 0;
  double relative_gap_max = 0;
  double max_constraint = 0;  // max over runs
  double max_constraint_mean = 0;
  double policy_constraint = 0;          // max over runs
  double average_cost_gap = 0;           // mean over runs of (realised cost per slot - V*) / V*
  double per_decision_us = 0;            // median over runs
  std::vector<double> gap_curve;         // mean over runs
  std::vector<double> constraint_curve;  // mean over runs
};

// The oracle value V* the gaps are measured against; throws InputError when
// the LP on the true means is infeasible or its value is not positive.
double oracle_value(const Instance& instance, RejectOption reject);

// One run with its own seed (the environment and the algorithm draw from two
// streams derived from it).
RunResult run_episode(const Instance& instance, const ExperimentOptions& options,
                      double oracle_value, std::uint64_t run_seed);

// `runs` independent runs (seeded from options.seed, identical whatever the
// thread count); on_run_done is called once per finished run.
ExperimentResult run_experiment(const Instance& instance, const ExperimentOptions& options,
                                const std::function<void()>& on_run_done = {});

}  // namespace fleetopt::faas
