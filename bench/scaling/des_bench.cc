// Requests simulated per second by the discrete-event simulator of the
// multi-tier application (issue 10 target: >= 5 M requests/s on one core for
// a three-tier app). The default app (app_model.cc) at about 70% utilisation
// of its busiest tier, open loop (Poisson) and closed loop (clients with
// think time), at its initial size (1/2/1 replicas) and scaled out
// (2/14/10 replicas, every tier near 70%). Each iteration simulates one
// interval; items_per_second counts completed requests; the counters give
// the utilisation per tier so the load point can be checked.
//
//   build/bench/scaling/bench_scaling_des --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"

namespace fleetopt::scaling {
namespace {

void run(benchmark::State& state, const AppModel& app, LoadKind kind, const std::vector<int>& replicas,
         double level, double interval_s) {
  auto sim = make_discrete_event_simulator(app, kind, 1);
  sim->set_replicas(replicas);
  sim->advance(app.boot_delay_s + 60, level, {}, 1000);  // boot, fill pools, reach steady state
  std::int64_t requests = 0;
  std::vector<double> util(static_cast<std::size_t>(app.num_tiers()), 0.0);
  double p99 = 0;
  for (auto _ : state) {
    const IntervalStats s = sim->advance(interval_s, level, {}, 1000);
    requests += s.completed;
    for (std::size_t t = 0; t < util.size(); ++t) util[t] += s.tier_utilisation[t];
    p99 += s.p99_ms;
  }
  state.SetItemsProcessed(requests);
  const auto n = static_cast<double>(state.iterations());
  for (std::size_t t = 0; t < util.size(); ++t) state.counters["util_" + app.tiers[t].name] = util[t] / n;
  state.counters["p99_ms"] = p99 / n;
}

// Default app, initial size: db (4 cores, 40 ms per request) is the busiest tier: 70 req/s -> 70%.
void BM_DesOpenDefault(benchmark::State& state) {
  run(state, default_app(), LoadKind::kOpen, {1, 2, 1}, 70, 600);
}
// Scaled out so that every tier runs near 70%.
void BM_DesOpenScaled(benchmark::State& state) {
  run(state, default_app(), LoadKind::kOpen, {2, 14, 10}, 700, 60);
}
// Closed loop, think time 7 s: N clients give about N / 7.1 req/s here.
void BM_DesClosedDefault(benchmark::State& state) {
  run(state, default_app(), LoadKind::kClosed, {1, 2, 1}, 495, 600);
}
void BM_DesClosedScaled(benchmark::State& state) {
  run(state, default_app(), LoadKind::kClosed, {2, 14, 10}, 4950, 60);
}
// Reference point: one tier, one core, M/M/1 at 70%.
void BM_DesOpenMM1(benchmark::State& state) {
  AppModel app;
  app.tiers = {{"only", 1, 1, 1, 1}};
  app.classes = {{"all", 1, {0.001}, {1}}};
  run(state, app, LoadKind::kOpen, {1}, 700, 60);
}

BENCHMARK(BM_DesOpenDefault)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DesOpenScaled)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DesClosedDefault)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DesClosedScaled)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DesOpenMM1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetopt::scaling

BENCHMARK_MAIN();
