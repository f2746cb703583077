// One simulated day of the CloudSim PlanetLab consolidation benchmark
// (20110303, 800 hosts, 1,052 VMs), for every policy in both simulation
// models. Goal: < 0.2 s for any policy (CloudSim takes 20-40 s).
//   ConsolidateDay/POLICY:         fleetopt's model, file-name VM order;
//   ConsolidateDayCloudSim/POLICY: --fidelity cloudsim, CloudSim's directory
//                                  VM order (--vm-order dir).
// FLEETOPT_BENCH_DAYS=all (or a comma-separated list of days) times those
// days of DATA_DIR/planetlab instead, named POLICY@DAY.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/trace/planetlab.h"

using namespace fleetopt;
using namespace fleetopt::consolidate;

namespace {

constexpr const char* kDefaultDay = "20110303";

// A day's two setups (file-name and directory VM order), read once.
const DcSetup* day(const std::string& name, bool cloudsim_order) {
  static std::map<std::string, std::pair<std::unique_ptr<DcSetup>, std::unique_ptr<DcSetup>>> read;
  const std::string dir = data_dir() + "/planetlab/" + name;
  if (!std::filesystem::exists(dir)) return nullptr;
  auto& [by_name, by_dir] = read[name];
  if (!by_name) {
    by_name = std::make_unique<DcSetup>(cloudsim_planetlab_setup(read_planetlab(dir, nullptr)));
    by_dir = std::make_unique<DcSetup>(
        cloudsim_planetlab_setup(reorder_series(read_planetlab(dir, nullptr), directory_order(dir))));
  }
  return cloudsim_order ? by_dir.get() : by_name.get();
}

// The days to time: FLEETOPT_BENCH_DAYS (a list, or "all" for every day
// under DATA_DIR/planetlab), else the default day alone.
std::vector<std::string> days_to_time() {
  const char* env = std::getenv("FLEETOPT_BENCH_DAYS");
  const std::string spec = env != nullptr ? env : "";
  std::vector<std::string> days;
  if (spec == "all") {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(data_dir() + "/planetlab", ec)) {
      if (e.is_directory()) days.push_back(e.path().filename().string());
    }
    std::sort(days.begin(), days.end());
  } else {
    std::stringstream list(spec);
    for (std::string d; std::getline(list, d, ',');) {
      if (!d.empty()) days.push_back(d);
    }
  }
  if (days.empty()) days.push_back(kDefaultDay);
  return days;
}

void run_day(benchmark::State& state, const std::string& policy, const std::string& day_name, Fidelity fidelity) {
  const DcSetup* setup = day(day_name, fidelity == Fidelity::kCloudSim);
  if (setup == nullptr) {
    state.SkipWithError(("no PlanetLab data at DATA_DIR/planetlab/" + day_name).c_str());
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
  const std::vector<std::string> days = days_to_time();
  const bool default_day_only = days.size() == 1 && days[0] == kDefaultDay;
  for (const auto& [prefix, fidelity] :
       {std::pair{"ConsolidateDay/", Fidelity::kFleetopt}, std::pair{"ConsolidateDayCloudSim/", Fidelity::kCloudSim}}) {
    for (const auto& d : days) {
      for (const auto& p : policies) {
        const std::string name = prefix + p + (default_day_only ? "" : "@" + d);
        benchmark::RegisterBenchmark(name.c_str(), run_day, p, d, fidelity)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
