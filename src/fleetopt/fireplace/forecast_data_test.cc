// Forecast windows and targets on a hand-made series: cpu shares 0.1, 0.2,
// ..., 0.8 over an 8-step life, memory at the request.
#include "fleetopt/fireplace/forecast_data.h"

#include <gtest/gtest.h>

namespace fleetopt::fireplace {
namespace {

Workload ramp() {
  Workload w;
  w.step_seconds = 300;
  w.end = 20 * 300;
  w.dims = kCpuMem;
  std::int32_t s = w.add_shape(dim_bit(kCpu), {{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}});
  w.instances = {{.arrival = 600, .departure = 600 + 8 * 300, .request = make_resources(2, 4), .shape = s}};
  return w;
}

TEST(ForecastData, WindowPadsBeforeTheFirstSample) {
  Workload w = ramp();
  std::vector<float> x(5 * kForecastChannels);
  forecast_window(w, 0, 3, 5, x.data());
  const std::vector<float> expected = {0.1f, 1, 0, 0.1f, 1, 0, 0.1f, 1, 1, 0.2f, 1, 1, 0.3f, 1, 1};
  EXPECT_EQ(x, expected);
}

TEST(ForecastData, TargetIsThePeakWithinTheLife) {
  Workload w = ramp();
  float y[kForecastOutputs];
  forecast_target(w, 0, 3, 2, y);  // ages 3, 4
  EXPECT_FLOAT_EQ(y[0], 0.5f);
  EXPECT_FLOAT_EQ(y[1], 1.f);
  forecast_target(w, 0, 7, 12, y);  // only age 7 is left
  EXPECT_FLOAT_EQ(y[0], 0.8f);
}

TEST(ForecastData, SamplesAndNaiveForecasts) {
  Workload w = ramp();
  Rng rng(3);
  ForecastSamples s = forecast_samples(w, 4, 2, 10, 0, 1, rng);
  ASSERT_EQ(s.rows, 10u);
  ASSERT_EQ(s.x.size(), 10u * 4 * kForecastChannels);
  for (std::size_t r = 0; r < s.rows; ++r) {
    // On a rising ramp the last value is the window's peak and under the target.
    EXPECT_EQ(s.last_value[r * 2], s.window_max[r * 2]);
    EXPECT_LT(s.last_value[r * 2], s.y[r * 2]);
  }
  Rng again(3);
  EXPECT_EQ(forecast_samples(w, 4, 2, 10, 0, 1, again).x, s.x);
  EXPECT_DOUBLE_EQ(mean_absolute_error({1, 2}, {2, 4}), 1.5);
}

}  // namespace
}  // namespace fleetopt::fireplace
