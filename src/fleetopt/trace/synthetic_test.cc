#include "fleetopt/trace/synthetic.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

TEST(Synthetic, DeterministicUnderSeed) {
  SyntheticOptions opts;
  opts.vms = 300;
  opts.seed = 4;
  Workload a = make_synthetic(opts);
  Workload b = make_synthetic(opts);
  opts.seed = 5;
  Workload c = make_synthetic(opts);
  ASSERT_EQ(a.size(), 300u);
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_NE(a.samples, c.samples);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.instances[i].arrival, b.instances[i].arrival);
    EXPECT_EQ(a.instances[i].departure, b.instances[i].departure);
  }
}

TEST(Synthetic, VmsArriveAndLeaveWhileOthersRun) {
  SyntheticOptions opts;
  opts.vms = 500;
  Workload w = make_synthetic(opts);
  EXPECT_NO_THROW(w.validate());
  EXPECT_EQ(w.steps(), 288);
  std::size_t whole = 0, late = 0, early_leave = 0;
  for (const Instance& inst : w.instances) {
    whole += inst.arrival == 0 && inst.departure == w.end ? 1 : 0;
    late += inst.arrival > 0 ? 1 : 0;
    early_leave += inst.departure < w.end ? 1 : 0;
  }
  EXPECT_GT(whole, 60u);   // ~20% of 500
  EXPECT_LT(whole, 140u);
  EXPECT_GT(late, 300u);
  EXPECT_GT(early_leave, 200u);
}

TEST(Synthetic, UsageIsDiurnalAndInRange) {
  SyntheticOptions opts;
  opts.vms = 256;
  opts.hours = 48;
  Workload w = make_synthetic(opts);
  for (float x : w.samples) {
    EXPECT_GE(x, 0.01f);
    EXPECT_LE(x, 1.0f);
  }
  // Mean CPU over shapes, by hour of day: the peak hour clearly above the trough.
  std::vector<double> hour(24, 0.0);
  for (const UsageShape& s : w.shapes) {
    for (std::uint32_t k = 0; k < s.length; ++k) {
      hour[(k * 300 / 3600) % 24] += w.samples[s.offset + k * s.stride];
    }
  }
  auto [lo, hi] = std::minmax_element(hour.begin(), hour.end());
  EXPECT_GT(*hi / *lo, 1.5);
  // Every VM reads its shape from its arrival step (same time of day for all).
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_EQ(w.instances[i].phase, static_cast<std::uint32_t>(w.instances[i].arrival / 300));
  }
}

TEST(Synthetic, RejectsBadOptions) {
  SyntheticOptions opts;
  opts.vms = 0;
  testing::expect_input_error([&] { make_synthetic(opts); }, "vms");
  opts.vms = 1;
  opts.hours = -1;
  testing::expect_input_error([&] { make_synthetic(opts); }, "hours");
}

}  // namespace
}  // namespace fleetopt
