#include "fleetopt/faas/simulation.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/core/stats.h"
#include "fleetopt/faas/baselines.h"

namespace fleetopt::faas {
namespace {

constexpr std::int64_t kMaxHorizon = 4'000'000'000LL;

void check(const ExperimentOptions& o) {
  if (o.horizon < 1 || o.horizon > kMaxHorizon) {
    throw InputError::field("horizon", fmt::format("must be in [1, {}]", kMaxHorizon));
  }
  if (o.runs < 1 || o.runs > 100000) throw InputError::field("runs", "must be in [1, 100000]");
  if (o.checkpoints < 1 || o.checkpoints > 100000) {
    throw InputError::field("checkpoints", "must be in [1, 100000]");
  }
  if (o.threads < 1 || o.threads > 1024) throw InputError::field("threads", "must be in [1, 1024]");
}

// Slot at which window w of `count` equal windows over [1, T] ends.
std::vector<std::int64_t> checkpoint_slots(std::int64_t horizon, int checkpoints) {
  const std::int64_t count = std::min<std::int64_t>(checkpoints, horizon);
  std::vector<std::int64_t> ends;
  ends.reserve(static_cast<std::size_t>(count));
  for (std::int64_t w = 1; w <= count; ++w) {
    ends.push_back(w * horizon / count);  // exact: w * horizon < 2^63 within the limits
  }
  return ends;
}

}  // namespace

double oracle_value(const Instance& instance, RejectOption reject) {
  const OracleSolution oracle = solve_oracle(instance, reject);
  if (oracle.status != LpStatus::kOptimal) {
    throw InputError(fmt::format(
        "the placement LP on the true means is {}: no policy keeps every node within capacity{}",
        to_string(oracle.status), reject.enabled ? "" : " (add the reject node: --reject)"));
  }
  if (!(oracle.value > 0)) {
    throw InputError(
        fmt::format("the oracle's cost is {}; a relative gap needs a positive cost", oracle.value));
  }
  return oracle.value;
}

RunResult run_episode(const Instance& instance, const ExperimentOptions& options,
                      double oracle_value, std::uint64_t run_seed) {
  check(options);
  AlgorithmOptions algorithm_options = options.algorithm_options;
  algorithm_options.horizon = options.horizon;
  auto algorithm = make_algorithm(options.algorithm, instance, algorithm_options);
  const double reject_cost = algorithm_options.reject.cost;
  const int columns = instance.nodes + (algorithm_options.reject.enabled ? 1 : 0);

  Rng environment(run_seed);
  Rng decisions_rng = environment.fork(0xD1CE);

  std::vector<double> arrival_cdf(instance.arrival.size());
  double running = 0;
  for (std::size_t i = 0; i < arrival_cdf.size(); ++i)
    arrival_cdf[i] = running += instance.arrival[i];

  const auto k_count = static_cast<std::size_t>(instance.resources);
  const auto n = static_cast<std::size_t>(instance.nodes);
  std::vector<double> demand(n * k_count, 0.0);  // the arrival's use on every node
  std::vector<double> use_sum(instance.capacity.size(), 0.0);
  const std::vector<std::int64_t> ends = checkpoint_slots(options.horizon, options.checkpoints);

  RunResult result;
  result.gap_curve.reserve(ends.size());
  result.constraint_curve.reserve(ends.size());
  std::uint64_t seen_version = std::numeric_limits<std::uint64_t>::max();
  double expected_cost = 0;
  double window_sum = 0;
  std::int64_t window_start = 1;
  std::size_t next_end = 0;
  double realised_cost = 0;
  std::chrono::steady_clock::duration busy{};

  for (std::int64_t t = 1; t <= options.horizon; ++t) {
    const double u = environment.uniform();
    int arrival = static_cast<int>(std::upper_bound(arrival_cdf.begin(), arrival_cdf.end(), u) -
                                   arrival_cdf.begin());
    if (arrival >= instance.classes) arrival = -1;  // u fell in the idle share

    auto started = std::chrono::steady_clock::now();
    const int column = algorithm->decide(t, arrival, decisions_rng);
    busy += std::chrono::steady_clock::now() - started;
    if (arrival < 0) {
      if (column != -1) {
        throw std::logic_error(
            fmt::format("algorithm {} placed a function in an empty slot", options.algorithm));
      }
    } else {
      if (column < 0 || column >= columns) {
        throw std::logic_error(fmt::format("algorithm {} returned column {} for class {}",
                                           options.algorithm, column, arrival));
      }
      // The draws do not depend on the decision (one cost draw, then every
      // node's use), so all algorithms see the same arrivals under a seed.
      const double cost_draw = environment.uniform();
      for (std::size_t e = 0; e < n * k_count; ++e) {
        demand[e] = environment.uniform() <
                            instance.demand[static_cast<std::size_t>(arrival) * n * k_count + e]
                        ? 1.0
                        : 0.0;
      }
      double cost = reject_cost;
      if (column < instance.nodes) {
        cost = cost_draw < instance.cost_of(arrival, column) ? 1.0 : 0.0;
        for (std::size_t k = 0; k < k_count; ++k) {
          const std::size_t slot = static_cast<std::size_t>(column) * k_count + k;
          use_sum[slot] += demand[slot];
        }
      }
      realised_cost += cost;
      started = std::chrono::steady_clock::now();
      algorithm->learn(arrival, column, cost, demand.data());
      busy += std::chrono::steady_clock::now() - started;
    }
    if (arrival >= 0) ++result.decisions;
    if (algorithm->policy_version() != seen_version) {
      seen_version = algorithm->policy_version();
      expected_cost = algorithm->policy().expected_cost(instance, reject_cost);
    }
    window_sum += expected_cost;

    if (t == ends[next_end]) {
      const double window_mean = window_sum / static_cast<double>(t - window_start + 1);
      result.gap_curve.push_back((window_mean - oracle_value) / oracle_value);
      double worst = 0;
      for (std::size_t slot = 0; slot < use_sum.size(); ++slot) {
        worst = std::max(worst, use_sum[slot] / (static_cast<double>(t) * instance.capacity[slot]));
      }
      result.constraint_curve.push_back(worst);
      window_sum = 0;
      window_start = t + 1;
      ++next_end;
    }
  }
  result.relative_gap = result.gap_curve.back();
  result.max_constraint = result.constraint_curve.back();
  for (int j = 0; j < instance.nodes; ++j) {
    for (int k = 0; k < instance.resources; ++k) {
      result.policy_constraint =
          std::max(result.policy_constraint,
                   algorithm->policy().expected_use(instance, j, k) / instance.capacity_of(j, k));
    }
  }
  result.average_cost = realised_cost / static_cast<double>(options.horizon);
  result.per_decision_us = result.decisions > 0
                               ? std::chrono::duration<double, std::micro>(busy).count() /
                                     static_cast<double>(result.decisions)
                               : 0.0;
  result.lp_solves = algorithm->lp_solves();
  result.lp_infeasible = algorithm->lp_infeasible();
  return result;
}

ExperimentResult run_experiment(const Instance& instance, const ExperimentOptions& options,
                                const std::function<void()>& on_run_done) {
  check(options);
  ExperimentResult result;
  result.oracle_value = oracle_value(instance, options.algorithm_options.reject);
  result.checkpoints = checkpoint_slots(options.horizon, options.checkpoints);
  // Fail on bad options before starting threads.
  (void)make_algorithm(options.algorithm, instance, options.algorithm_options);

  Rng seeder(options.seed);
  std::vector<std::uint64_t> seeds(static_cast<std::size_t>(options.runs));
  for (auto& s : seeds) s = seeder.next();
  result.runs.resize(seeds.size());
  std::mutex done_mutex;
  auto one = [&](std::size_t r) {
    result.runs[r] = run_episode(instance, options, result.oracle_value, seeds[r]);
    if (on_run_done) {
      std::lock_guard<std::mutex> lock(done_mutex);
      on_run_done();
    }
  };
  if (options.threads == 1) {
    for (std::size_t r = 0; r < seeds.size(); ++r) one(r);
  } else {
    tbb::task_arena arena(options.threads);
    arena.execute(
        [&] { tbb::parallel_for(std::size_t{0}, seeds.size(), [&](std::size_t r) { one(r); }); });
  }

  std::vector<double> gaps, constraints, times, cost_gaps;
  for (const RunResult& run : result.runs) {
    gaps.push_back(run.relative_gap);
    constraints.push_back(run.max_constraint);
    times.push_back(run.per_decision_us);
    cost_gaps.push_back((run.average_cost - result.oracle_value) / result.oracle_value);
  }
  result.relative_gap = mean(gaps);
  result.relative_gap_min = *std::min_element(gaps.begin(), gaps.end());
  result.relative_gap_max = *std::max_element(gaps.begin(), gaps.end());
  result.max_constraint = *std::max_element(constraints.begin(), constraints.end());
  result.max_constraint_mean = mean(constraints);
  for (const RunResult& run : result.runs) {
    result.policy_constraint = std::max(result.policy_constraint, run.policy_constraint);
  }
  result.average_cost_gap = mean(cost_gaps);
  result.per_decision_us = median(times);
  const std::size_t points = result.checkpoints.size();
  result.gap_curve.assign(points, 0.0);
  result.constraint_curve.assign(points, 0.0);
  for (const RunResult& run : result.runs) {
    for (std::size_t p = 0; p < points; ++p) {
      result.gap_curve[p] += run.gap_curve[p] / static_cast<double>(result.runs.size());
      result.constraint_curve[p] +=
          run.constraint_curve[p] / static_cast<double>(result.runs.size());
    }
  }
  return result;
}

}  // namespace fleetopt::faas
