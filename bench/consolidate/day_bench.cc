// One simulated day of the CloudSim PlanetLab consolidation benchmark
// (20110303, 800 hosts, 1,052 VMs), for every policy in both simulation
// models. Goal: < 0.2 s for any policy (CloudSim takes 20-40 s).
//   ConsolidateDay/POLICY:         fleetopt's model, file-name VM order;
//   ConsolidateDayCloudSim/POLICY: --fidelity cloudsim, CloudSim's directory
//                                  VM order (--vm-order dir).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/trace/planetlab.h"

using namespace fleetopt;
using namespace fleetopt::consolidate;

namespace {

const DcSetup* day(bool cloudsim_order) {
  static const std::string dir = data_dir() + "/planetlab/20110303";
  if (!std::filesystem::exists(dir)) return nullptr;
  static const DcSetup by_name = cloudsim_planetlab_setup(read_planetlab(dir, nullptr));
  static const DcSetup by_dir =
      cloudsim_planetlab_setup(reorder_series(read_planetlab(dir, nullptr), directory_order(dir)));
  return cloudsim_order ? &by_dir : &by_name;
}

void run_day(benchmark::State& state, const std::string& policy, Fidelity fidelity) {
  const DcSetup* setup = day(fidelity == Fidelity::kCloudSim);
  if (setup == nullptr) {
    state.SkipWithError("no PlanetLab data at DATA_DIR/planetlab/20110303");
    return;
  }
  DcConfig config;
  config.quirks = quirks_for(fidelity);
  DcMetrics m;
  for (auto _ : state) {
    auto p = make_consolidation_policy(policy);
    m = simulate_consolidation(*setup, *p, config);
    // On a copy: this library's DoNotOptimize(double&) can leave garbage in
    // the variable it is given (the counter below read ~1e-311 kWh).
    double energy = m.energy_kwh;
    benchmark::DoNotOptimize(energy);
  }
  state.counters["energy_kwh"] = m.energy_kwh;
  state.counters["migrations"] = static_cast<double>(m.migrations);
  state.counters["slav_x1e6"] = m.slav * 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> policies = {"fleetopt-pctl"};
  for (const char* det : {"thr", "lr", "lrr", "iqr", "mad"}) {
    for (const char* sel : {"mmt", "mu", "mc", "rs"}) policies.push_back(std::string(det) + "-" + sel);
  }
  for (const auto& [prefix, fidelity] :
       {std::pair{"ConsolidateDay/", Fidelity::kFleetopt}, std::pair{"ConsolidateDayCloudSim/", Fidelity::kCloudSim}}) {
    for (const auto& p : policies) {
      benchmark::RegisterBenchmark((prefix + p).c_str(), run_day, p, fidelity)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
