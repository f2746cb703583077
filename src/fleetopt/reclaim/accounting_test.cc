#include "fleetopt/reclaim/accounting.h"

#include <gtest/gtest.h>

namespace fleetopt::reclaim {
namespace {

TEST(DailyDiscount, EdgesOfTheTable) {
  EXPECT_DOUBLE_EQ(daily_discount(0), 0.0);
  EXPECT_DOUBLE_EQ(daily_discount(14), 0.0);
  EXPECT_DOUBLE_EQ(daily_discount(15), 0.10);
  EXPECT_DOUBLE_EQ(daily_discount(120), 0.10);
  EXPECT_DOUBLE_EQ(daily_discount(121), 0.15);
  EXPECT_DOUBLE_EQ(daily_discount(720), 0.15);
  EXPECT_DOUBLE_EQ(daily_discount(721), 0.30);
  EXPECT_DOUBLE_EQ(daily_discount(1440), 0.30);
}

TEST(Containers, NeedBothResources) {
  EXPECT_EQ(containers_for(10, 100), 5);  // CPU limits: 10 / 2
  EXPECT_EQ(containers_for(100, 20), 2);  // memory limits: 20 / 8
  EXPECT_EQ(containers_for(1.99, 100), 0);
  EXPECT_EQ(containers_for(100, 7.99), 0);
  EXPECT_EQ(containers_for(0, 0), 0);
  EXPECT_EQ(containers_for(4, 16), 2);
  EXPECT_DOUBLE_EQ(reclaimable(10, 4, 0.1), 5);
  EXPECT_DOUBLE_EQ(reclaimable(10, 9.5, 0.1), 0);  // clamped at 0
}

HostSeries constant_host(float cpu_use, float mem_use, std::size_t steps) {
  HostSeries h;
  h.id = "h";
  h.capacity = {16, 64};
  h.use[kResCpu].assign(steps, cpu_use);
  h.use[kResMem].assign(steps, mem_use);
  return h;
}

TEST(Accounting, FullMarginNeverViolatesAndSellsNothing) {
  // Use jumps to the full capacity every other step; the forecast is 0.
  HostSeries h = constant_host(0, 0, 2 * kStepsPerDay);
  for (std::size_t t = 0; t < h.steps(); t += 2) {
    h.use[kResCpu][t] = 16;
    h.use[kResMem][t] = 64;
  }
  std::vector<float> zero(h.steps(), 0.0f), full(h.steps(), 1.0f);
  std::vector<std::uint8_t> violated(h.steps(), 9);
  HostAccount a = account_host(h, {zero.data(), zero.data()}, {full.data(), full.data()}, 0, h.steps(), 300,
                               violated.data());
  EXPECT_EQ(a.container_steps, 0);
  EXPECT_DOUBLE_EQ(a.savings_usd, 0);
  EXPECT_DOUBLE_EQ(a.penalties_usd, 0);
  EXPECT_DOUBLE_EQ(a.violation_minutes, 0);
  for (std::uint8_t v : violated) EXPECT_EQ(v, 0);
  // The same host with no margin sells on the forecast of 0 and violates on
  // every other step: 144 steps a day = 720 minutes -> 15% a day.
  HostAccount b = account_host(h, {zero.data(), zero.data()}, {zero.data(), zero.data()}, 0, h.steps(), 300);
  EXPECT_EQ(b.container_steps, 8 * static_cast<std::int64_t>(h.steps()));  // min(16/2, 64/8) = 8
  EXPECT_DOUBLE_EQ(b.violation_minutes, 2 * 720.0);
  EXPECT_NEAR(b.penalties_usd, 0.15 * b.savings_usd, 1e-9);
  EXPECT_NEAR(b.savings_usd, 8 * 0.0317 * 48, 1e-9);  // 8 containers for 2 days
  // Both resources were in violation at the same steps: the penalty splits evenly.
  EXPECT_NEAR(b.res[kResCpu].penalties_usd, b.penalties_usd / 2, 1e-12);
}

TEST(Accounting, ViolationMinutesByResourceAndDay) {
  // Memory use 60 of 64 GB on the first 3 steps of day 0 only: with the
  // forecast at 0 and margin 0, 8 containers (64 GB) are sold -> memory
  // violation for 15 minutes on day 0 (10%), none on day 1.
  HostSeries h = constant_host(0, 0, 2 * kStepsPerDay);
  for (std::size_t t = 0; t < 3; ++t) h.use[kResMem][t] = 60;
  std::vector<float> zero(h.steps(), 0.0f);
  HostAccount a = account_host(h, {zero.data(), zero.data()}, {zero.data(), zero.data()}, 0, h.steps(), 300);
  EXPECT_DOUBLE_EQ(a.violation_minutes, 15);
  EXPECT_DOUBLE_EQ(a.res[kResMem].violation_minutes, 15);
  EXPECT_DOUBLE_EQ(a.res[kResCpu].violation_minutes, 0);
  const double day_sales = 8 * 0.0317 * 24;
  EXPECT_NEAR(a.penalties_usd, 0.10 * day_sales, 1e-9);
  EXPECT_NEAR(a.res[kResMem].penalties_usd, a.penalties_usd, 1e-12);
}

}  // namespace
}  // namespace fleetopt::reclaim
