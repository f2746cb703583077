// Micro-benchmarks of the simulator: the usage replay loop and one placement
// decision, on an in-memory workload (no trace files needed).
#include <benchmark/benchmark.h>

#include "fleetopt/core/rng.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt {
namespace {

// n VMs that all run for the whole window, each with its own 288-step CPU
// series, like a static PlanetLab day.
Workload static_day(int vms, int steps) {
  Workload w;
  w.name = "static-day";
  w.step_seconds = 300;
  w.end = 300.0 * steps;
  w.default_host = make_resources(32, 128);
  Rng rng(7);
  for (int i = 0; i < vms; ++i) {
    std::vector<float> cpu(static_cast<std::size_t>(steps));
    for (float& x : cpu) x = static_cast<float>(rng.uniform(0, 0.4));
    std::int32_t s = w.add_shape(dim_bit(kCpu), {cpu});
    w.instances.push_back({.arrival = 0, .departure = w.end, .request = make_resources(2, 3.5), .shape = s});
  }
  return w;
}

// Throughput of the whole replay (decisions included) in VM-steps per second.
void BM_ReplayStaticDay(benchmark::State& state) {
  Workload w = static_day(static_cast<int>(state.range(0)), 288);
  SimConfig config;
  config.hosts = static_cast<std::int32_t>(state.range(0) / 8);
  config.overcommit = make_resources(4, 1);
  config.record_latency = false;
  std::int64_t vm_steps = 0;
  double replay_seconds = 0;
  for (auto _ : state) {
    auto placer = make_placer("first-fit");
    SimMetrics m = simulate(w, *placer, config);
    vm_steps += m.vm_steps;
    replay_seconds += m.replay_seconds;
    benchmark::DoNotOptimize(m.overload_rate);
  }
  state.counters["vm_steps_per_s"] = benchmark::Counter(static_cast<double>(vm_steps), benchmark::Counter::kIsRate);
  state.counters["replay_loop_vm_steps_per_s"] = static_cast<double>(vm_steps) / replay_seconds;
}
BENCHMARK(BM_ReplayStaticDay)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Decision(benchmark::State& state) {
  const auto hosts = static_cast<std::size_t>(state.range(0));
  ClusterState cluster(std::vector<Resources>(hosts, make_resources(32, 128)), make_resources(4, 1), kCpuMem,
                       hosts * 4);
  Rng fill(3);
  for (std::size_t v = 0; v < hosts * 3; ++v) {
    cluster.place(static_cast<std::int32_t>(v), static_cast<std::int32_t>(fill.below(hosts)), make_resources(2, 3.5));
  }
  Workload w;
  auto placer = make_placer(state.range(1) == 0 ? "p2" : "best-fit");
  Rng rng(1);
  Resources request = make_resources(2, 3.5);
  for (auto _ : state) {
    PlacementContext ctx{cluster, w, nullptr, 0, 0, request};
    benchmark::DoNotOptimize(placer->choose(ctx, rng));
  }
  state.SetLabel(state.range(1) == 0 ? "p2" : "best-fit");
}
BENCHMARK(BM_Decision)->Args({10000, 0})->Args({10000, 1})->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace fleetopt

BENCHMARK_MAIN();
