// One simulated day of the CloudSim PlanetLab consolidation benchmark
// (20110303, 800 hosts, 1,052 VMs), per policy. Goal: < 0.2 s for any policy
// (CloudSim takes 20-40 s). BM_ConsolidateDay: fleetopt's model, file-name
// VM order; BM_ConsolidateDayCloudSim: --fidelity cloudsim with CloudSim's
// directory VM order.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/trace/planetlab.h"

using namespace fleetopt;
using namespace fleetopt::consolidate;

namespace {

void BM_ConsolidateDay(benchmark::State& state, const char* policy) {
  std::string dir = data_dir() + "/planetlab/20110303";
  if (!std::filesystem::exists(dir)) {
    state.SkipWithError(("no PlanetLab data at " + dir).c_str());
    return;
  }
  static const DcSetup setup = cloudsim_planetlab_setup(read_planetlab(dir, nullptr));
  DcMetrics m;
  for (auto _ : state) {
    auto p = make_consolidation_policy(policy);
    m = simulate_consolidation(setup, *p);
    benchmark::DoNotOptimize(m.energy_kwh);
  }
  state.counters["energy_kwh"] = m.energy_kwh;
  state.counters["migrations"] = static_cast<double>(m.migrations);
  state.counters["slav_x1e6"] = m.slav * 1e6;
}
BENCHMARK_CAPTURE(BM_ConsolidateDay, fleetopt_pctl, "fleetopt-pctl")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDay, thr_mmt, "thr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK_CAPTURE(BM_ConsolidateDay, lr_mmt, "lr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK_CAPTURE(BM_ConsolidateDay, iqr_mmt, "iqr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_ConsolidateDayCloudSim(benchmark::State& state, const char* policy) {
  std::string dir = data_dir() + "/planetlab/20110303";
  if (!std::filesystem::exists(dir)) {
    state.SkipWithError(("no PlanetLab data at " + dir).c_str());
    return;
  }
  static const DcSetup setup =
      cloudsim_planetlab_setup(reorder_series(read_planetlab(dir, nullptr), directory_order(dir)));
  DcConfig config;
  config.quirks = quirks_for(Fidelity::kCloudSim);
  DcMetrics m;
  for (auto _ : state) {
    auto p = make_consolidation_policy(policy);
    m = simulate_consolidation(setup, *p, config);
    benchmark::DoNotOptimize(m.energy_kwh);
  }
  state.counters["energy_kwh"] = m.energy_kwh;
  state.counters["migrations"] = static_cast<double>(m.migrations);
  state.counters["slav_x1e6"] = m.slav * 1e6;
}
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, fleetopt_pctl, "fleetopt-pctl")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, thr_mmt, "thr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, lr_mmt, "lr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, iqr_mmt, "iqr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, mad_mmt, "mad-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
