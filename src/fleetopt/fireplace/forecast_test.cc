// The forecast baseline: its LSTM beats the naive last-value forecast on
// periodic usage, it samples candidates as power-of-K does, and bad model
// files and specs are clear errors.
#include "fleetopt/fireplace/forecast.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "fleetopt/core/error.h"
#include "fleetopt/fireplace/test_workloads.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::fireplace {
namespace {

std::string temp_path(const std::string& name) {
  static const ScratchDir scratch("forecast_test");
  return scratch.path(name);
}

const std::string& model_path() {
  static const std::string path = [] {
    Workload w = testing::bursty_workload(300, 1);
    ForecastTrainOptions o;
    o.window = 12;
    o.horizon = 6;
    o.hidden = 16;
    o.epochs = 10;
    o.samples_per_vm = 10;
    std::string p = temp_path("model.pt");
    train_forecaster(w, o, p);
    return p;
  }();
  return path;
}

// Every VM bursts for 2 of every 8 steps, at its own phase and level: the
// window shows when the next burst comes, the last value does not.
Workload periodic_workload(std::size_t vms, std::uint64_t seed) {
  Rng rng(seed);
  Workload w;
  w.step_seconds = 300;
  w.dims = kCpuMem;
  for (std::size_t i = 0; i < vms; ++i) {
    const double low = rng.uniform(0.05, 0.3), high = rng.uniform(0.6, 1.0);
    std::vector<float> cpu(8);
    for (std::size_t t = 0; t < 8; ++t) cpu[t] = static_cast<float>(t < 2 ? high : low);
    Instance inst;
    inst.arrival = static_cast<double>(i) * 300;
    inst.departure = inst.arrival + 300.0 * static_cast<double>(20 + rng.below(40));
    inst.request = make_resources(2, 4);
    inst.shape = w.add_shape(dim_bit(kCpu), {cpu});
    inst.phase = static_cast<std::uint32_t>(rng.below(8));
    w.instances.push_back(inst);
    w.end = std::max(w.end, inst.departure);
  }
  return w;
}

TEST(Forecast, LstmBeatsTheNaiveForecastOnPeriodicUsage) {
  Workload w = periodic_workload(300, 1);
  ForecastTrainOptions o;
  o.window = 12;
  o.horizon = 4;
  o.hidden = 16;
  o.epochs = 10;
  o.samples_per_vm = 10;
  ForecastTrainResult r = train_forecaster(w, o, temp_path("again.pt"));
  std::map<std::string, double> mae(r.validation_mae.begin(), r.validation_mae.end());
  EXPECT_LT(mae["lstm"], 0.7 * mae["last_value"]) << mae["lstm"] << " vs " << mae["last_value"];
  EXPECT_LT(mae["lstm"], 0.7 * mae["window_max"]) << mae["lstm"] << " vs " << mae["window_max"];
  EXPECT_LT(mae["lstm"], mae["prior"]);
  EXPECT_GT(r.validation_rows, 0u);
  std::filesystem::remove(temp_path("again.pt"));
}

TEST(Forecast, SamplesTheSameCandidatesAsPowerOfK) {
  Workload w = testing::bursty_workload(150, 2);
  SimConfig config;
  config.hosts = 12;
  config.overcommit = make_resources(4, 4);
  auto p1 = make_placer("p1");
  auto f1 = make_placer("forecast:" + model_path() + "@k=1");
  SimMetrics a = simulate(w, *p1, config);
  SimMetrics b = simulate(w, *f1, config);
  EXPECT_EQ(a.overload_rate, b.overload_rate);
  EXPECT_EQ(a.peak_to_average, b.peak_to_average);
  // With a choice it decides differently (and still places every VM).
  auto f2 = make_placer("forecast:" + model_path());
  SimMetrics c = simulate(w, *f2, config);
  EXPECT_EQ(c.rejected, 0);
  EXPECT_NE(c.peak_to_average, a.peak_to_average);
}

TEST(Forecast, BadSpecsAndFiles) {
  EXPECT_THROW(make_placer("forecast"), InputError);
  EXPECT_THROW(make_placer("forecast:/no/such.pt"), InputError);
  EXPECT_THROW(make_placer("forecast:" + model_path() + "@window=3"), InputError);
  std::string garbage = temp_path("garbage.pt");
  std::ofstream(garbage) << "not a torch archive";
  try {
    make_placer("forecast:" + garbage);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(garbage), std::string::npos) << e.what();
  }
  std::filesystem::remove(garbage);
}

}  // namespace
}  // namespace fleetopt::fireplace
