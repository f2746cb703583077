// Per-decision time of the function-placement algorithms, and of their parts
// (KL bound, LP re-solve). The environment of a run is drawn before timing
// starts, so only decide() + learn() are measured.
//
//   build-faas/bench/faas/bench_faas --benchmark_filter=Decision
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/faas/algorithm.h"
#include "fleetopt/faas/baselines.h"
#include "fleetopt/faas/instance.h"
#include "fleetopt/faas/kl_bounds.h"
#include "fleetopt/faas/placement_lp.h"
#include "fleetopt/faas/synthetic.h"

namespace fleetopt::faas {
namespace {

Instance paper_instance(int nodes, int classes) {
  SyntheticOptions options;
  options.nodes = nodes;
  options.classes = classes;
  options.resources = 2;
  options.seed = 1;
  return generate_synthetic(options).instance;
}

// One run's worth of arrivals, cost draws and resource-use draws.
struct Episode {
  std::vector<int> arrival;
  std::vector<double> cost_draw;
  std::vector<double> demand;  // [T][N*K], realised use on every node
};

Episode draw_episode(const Instance& in, std::int64_t horizon, std::uint64_t seed) {
  Rng rng(seed);
  Episode e;
  const auto width = static_cast<std::size_t>(in.nodes) * static_cast<std::size_t>(in.resources);
  e.demand.resize(static_cast<std::size_t>(horizon) * width);
  for (std::int64_t t = 0; t < horizon; ++t) {
    double u = rng.uniform();
    int i = 0;
    while (i + 1 < in.classes && u >= in.arrival[static_cast<std::size_t>(i)]) {
      u -= in.arrival[static_cast<std::size_t>(i)];
      ++i;
    }
    e.arrival.push_back(i);
    e.cost_draw.push_back(rng.uniform());
    for (std::size_t x = 0; x < width; ++x) {
      e.demand[static_cast<std::size_t>(t) * width + x] =
          rng.uniform() < in.demand[static_cast<std::size_t>(i) * width + x] ? 1.0 : 0.0;
    }
  }
  return e;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// state.range(0) = N, range(1) = M; one iteration = one whole run of T slots,
// so the fast algorithm's occasional solves are amortised as in a real run.
// The machine is shared, so the reported iteration time is the thread's CPU
// time (wall time is in the per_decision_wall_us counter).
void run_decisions(benchmark::State& state, const char* algorithm, std::int64_t horizon) {
  const Instance in =
      paper_instance(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const Episode episode = draw_episode(in, horizon, 7);
  const auto width = static_cast<std::size_t>(in.nodes) * static_cast<std::size_t>(in.resources);
  AlgorithmOptions options;
  options.horizon = horizon;
  std::int64_t solves = 0;
  double cpu_total = 0, wall_total = 0;
  for (auto _ : state) {
    auto placer = make_algorithm(algorithm, in, options);
    Rng rng(3);
    const double cpu_start = thread_cpu_seconds();
    const auto wall_start = std::chrono::steady_clock::now();
    for (std::int64_t t = 1; t <= horizon; ++t) {
      const auto s = static_cast<std::size_t>(t - 1);
      const int i = episode.arrival[s];
      const int column = placer->decide(t, i, rng);
      const double cost =
          column < in.nodes && episode.cost_draw[s] < in.cost_of(i, column) ? 1.0 : 0.0;
      placer->learn(i, column, cost, episode.demand.data() + s * width);
    }
    const double cpu = thread_cpu_seconds() - cpu_start;
    wall_total +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    cpu_total += cpu;
    state.SetIterationTime(cpu);
    benchmark::DoNotOptimize(placer->policy_version());
    solves = placer->lp_solves();
  }
  const double decisions = static_cast<double>(horizon) * static_cast<double>(state.iterations());
  state.counters["per_decision_us"] = 1e6 * cpu_total / decisions;
  state.counters["per_decision_wall_us"] = 1e6 * wall_total / decisions;
  state.counters["lp_solves"] = static_cast<double>(solves);
}

void BM_DecisionFast(benchmark::State& state) { run_decisions(state, "fast", 30000); }
void BM_DecisionBase(benchmark::State& state) { run_decisions(state, "base", 30000); }
void BM_DecisionGreedy(benchmark::State& state) { run_decisions(state, "greedy", 30000); }

BENCHMARK(BM_DecisionFast)
    ->Args({10, 3})
    ->Args({20, 5})
    ->Args({50, 8})
    ->Args({100, 10})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK(BM_DecisionBase)
    ->Args({10, 3})
    ->Iterations(1)
    ->Repetitions(3)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK(BM_DecisionGreedy)
    ->Args({10, 3})
    ->Iterations(1)
    ->Repetitions(3)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

void BM_KlUpperBound(benchmark::State& state) {
  double mean = 0.1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kl_upper_bound(mean, 5000.0, std::log(30000.0)));
    mean = mean < 0.9 ? mean + 0.0137 : 0.1;
  }
}
BENCHMARK(BM_KlUpperBound);

// One LP re-solve at N=10, M=3 with slightly moved coefficients, warm
// (same PlacementLp) against cold (a fresh one each time).
void lp_resolve(benchmark::State& state, bool warm) {
  const Instance in = paper_instance(10, 3);
  std::vector<double> demand = in.demand;
  std::vector<double> ones(static_cast<std::size_t>(in.classes), 1.0);
  auto lp = std::make_unique<PlacementLp>(in.nodes, in.classes, in.resources, RejectOption{});
  Rng rng(1);
  for (auto _ : state) {
    state.PauseTiming();
    for (std::size_t e = 0; e < demand.size(); ++e) {
      demand[e] = in.arrival[e / static_cast<std::size_t>(in.nodes * in.resources)] * in.demand[e] *
                  rng.uniform(0.97, 1.03);
    }
    if (!warm)
      lp = std::make_unique<PlacementLp>(in.nodes, in.classes, in.resources, RejectOption{});
    state.ResumeTiming();
    benchmark::DoNotOptimize(lp->solve(in.arrival.data(), in.cost.data(), ones.data(),
                                       demand.data(), in.capacity.data()));
  }
}
void BM_LpResolveWarm(benchmark::State& state) { lp_resolve(state, true); }
void BM_LpResolveCold(benchmark::State& state) { lp_resolve(state, false); }
BENCHMARK(BM_LpResolveWarm)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LpResolveCold)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace fleetopt::faas

BENCHMARK_MAIN();
