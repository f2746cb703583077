// The naive forecast baseline: its two forecasters on a hand-written series,
// and the choice each makes between a host whose VM just spiked and one
// whose VM is steady.
#include "fleetopt/fireplace/naive_forecast.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"

namespace fleetopt::fireplace {
namespace {

// VM 0: CPU 0.2, 0.9, 0.4, 0.3, 0.1 of its request (memory 0.5); VM 1: a
// steady 0.5 CPU; VM 2: the new VM. 5-minute steps, all 2 cores / 2 GB.
Workload series() {
  Workload w;
  w.step_seconds = 300;
  w.end = 3000;
  w.dims = kCpuMem;
  w.default_host = make_resources(4, 16);
  const std::int32_t spiky =
      w.add_shape(kCpuMem, {{0.2f, 0.9f, 0.4f, 0.3f, 0.1f, 0.1f}, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}});
  const std::int32_t steady = w.add_shape(kCpuMem, {{0.5f}, {0.5f}});
  w.instances = {
      {.arrival = 0, .departure = 3000, .request = make_resources(2, 2), .shape = spiky, .phase = 0},
      {.arrival = 0, .departure = 3000, .request = make_resources(2, 2), .shape = steady, .phase = 0},
      {.arrival = 1200, .departure = 3000, .request = make_resources(2, 2), .shape = steady, .phase = 0},
  };
  w.ids = {"spiky", "steady", "new"};
  w.tags = {"", "", ""};
  return w;
}

TEST(NaiveForecast, LastValueAndWindowPeakOfThePastOnly) {
  Workload w = series();
  NaiveForecastPlacer last("last", NaiveForecaster::kLastValue, 3, 2);
  NaiveForecastPlacer peak("max", NaiveForecaster::kWindowMax, 3, 2);
  // At age 4 the past is ages 1..3 = 0.9, 0.4, 0.3 (age 4's 0.1 is the future).
  EXPECT_FLOAT_EQ(last.forecast(w, 0, 4)[0], 0.3f);
  EXPECT_FLOAT_EQ(peak.forecast(w, 0, 4)[0], 0.9f);
  EXPECT_FLOAT_EQ(peak.forecast(w, 0, 4)[1], 0.5f);
  // At age 5 the spike has left the window: 0.4, 0.3, 0.1.
  EXPECT_FLOAT_EQ(peak.forecast(w, 0, 5)[0], 0.4f);
  // At age 1 only age 0 was seen; the padding before it does not count.
  EXPECT_FLOAT_EQ(last.forecast(w, 0, 1)[0], 0.2f);
  EXPECT_FLOAT_EQ(peak.forecast(w, 0, 1)[0], 0.2f);
}

TEST(NaiveForecast, WindowPeakAvoidsTheHostThatJustSpikedLastValueDoesNot) {
  Workload w = series();
  ClusterState cluster(std::vector<Resources>(2, w.default_host), make_resources(1000, 1000), kCpuMem, 3);
  cluster.place(0, 0, w.instances[0].request);  // spiky on host 0
  cluster.place(1, 1, w.instances[1].request);  // steady on host 1
  const PlacementContext ctx{cluster, w, nullptr, 2, 4, w.instances[2].request};
  Rng rng(1);
  // Host 0: last 0.3 x 2 = 0.6 cores, window peak 0.9 x 2 = 1.8; host 1: 1.0 either way.
  EXPECT_EQ(NaiveForecastPlacer("last", NaiveForecaster::kLastValue, 3, 2).choose(ctx, rng), 0);
  EXPECT_EQ(NaiveForecastPlacer("max", NaiveForecaster::kWindowMax, 3, 2).choose(ctx, rng), 1);
}

TEST(NaiveForecast, SpecsAndErrors) {
  EXPECT_EQ(make_placer("naive-forecast@forecaster=last@window=6@k=3")->name(),
            "naive-forecast@forecaster=last@window=6@k=3");
  EXPECT_THROW(make_placer("naive-forecast@forecaster=lstm"), InputError);
  EXPECT_THROW(make_placer("naive-forecast@window=0"), InputError);
  EXPECT_THROW(make_placer("naive-forecast:model.pt"), InputError);
  EXPECT_THROW(make_placer("naive-forecast@q=1"), InputError);
  EXPECT_THROW(make_placer("naive-forecast@unobserved_cpu=nan"), InputError);
  EXPECT_THROW(make_placer("naive-forecast@unobserved_mem=-1"), InputError);
  EXPECT_NO_THROW(make_placer("naive-forecast@unobserved_cpu=0.3@unobserved_mem=0.8"));
}

TEST(NaiveForecast, UnobservedVmsCountAtTheGivenShareOfTheirRequest) {
  // Host 0 holds the steady VM (0.5 of 2 cores observed); host 1 a VM that
  // arrived this step (not yet observed, 2 cores requested).
  Workload w = series();
  w.instances[0].arrival = 1200;
  ClusterState cluster(std::vector<Resources>(2, w.default_host), make_resources(1000, 1000), kCpuMem, 3);
  cluster.place(1, 0, w.instances[1].request);
  cluster.place(0, 1, w.instances[0].request);
  const PlacementContext ctx{cluster, w, nullptr, 2, 4, w.instances[2].request};
  Rng rng(1);
  // At its request the newcomer weighs 2 cores (> 1): host 0. At 0.25 it weighs 0.5 (< 1): host 1.
  EXPECT_EQ(NaiveForecastPlacer("at-request", NaiveForecaster::kWindowMax, 3, 2).choose(ctx, rng), 0);
  EXPECT_EQ(NaiveForecastPlacer("prior", NaiveForecaster::kWindowMax, 3, 2, {0.25f, 0.5f}).choose(ctx, rng), 1);
}

}  // namespace
}  // namespace fleetopt::fireplace
