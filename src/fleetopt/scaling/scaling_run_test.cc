#include "fleetopt/scaling/scaling_run.h"

#include <gtest/gtest.h>

#include <functional>
#include <numeric>

namespace fleetopt::scaling {
namespace {

// An autoscaler that answers from a script: f(interval index, current).
class Scripted : public Autoscaler {
 public:
  explicit Scripted(std::function<std::vector<int>(int, const std::vector<int>&)> f) : f_(std::move(f)) {}
  std::vector<int> decide(const ScalingContext& ctx) override {
    return f_(static_cast<int>(ctx.history.size()) - 1, ctx.current);
  }
  std::string name() const override { return "scripted"; }

 private:
  std::function<std::vector<int>(int, const std::vector<int>&)> f_;
};

LoadTrace constant_clients(double clients, int minutes) {
  LoadTrace t;
  t.kind = LoadKind::kClosed;
  t.step_seconds = 60;
  t.values.assign(static_cast<std::size_t>(minutes), clients);
  return t;
}

TEST(ScalingRun, KeepingTheAllocationPaysExactlyItsVmMinutes) {
  const AppModel app = default_app();
  Scripted keep([](int, const std::vector<int>& current) { return current; });
  ScaleOptions o;
  o.repeat = 2;
  ScaleResult r = run_scaling(app, constant_clients(100, 30), keep, o);
  ASSERT_EQ(r.repetitions.size(), 2u);
  int initial = 0;
  for (const TierSpec& t : app.tiers) initial += t.initial_replicas;
  for (const RepetitionResult& rep : r.repetitions) {
    EXPECT_EQ(rep.minutes, 30);
    EXPECT_DOUBLE_EQ(rep.vm_minutes, 30.0 * initial);
    EXPECT_EQ(rep.actions, 0);
    EXPECT_EQ(rep.flaps, 0);
    EXPECT_EQ(rep.slo_minutes, 30);  // 100 clients are light load for the default app
    EXPECT_GT(rep.requests_served, 0);
    EXPECT_EQ(rep.series.size(), 30u);
  }
}

TEST(ScalingRun, ReversalsWithinTenMinutesAreFlaps) {
  const AppModel app = default_app();
  // Tier "app" goes 2 -> 3 -> 2 -> 3 ... every minute: each change after the
  // first reverses the previous one within ten minutes.
  Scripted flip([](int i, const std::vector<int>& current) {
    std::vector<int> next = current;
    next[1] = i % 2 == 0 ? 3 : 2;
    return next;
  });
  ScaleResult r = run_scaling(app, constant_clients(100, 12), flip, {});
  EXPECT_EQ(r.repetitions[0].actions, 12);
  EXPECT_EQ(r.repetitions[0].flaps, 11);
}

TEST(ScalingRun, AllocationsAreClampedToTierAndTotalLimits) {
  AppModel app = default_app();
  app.max_total_vms = 12;
  Scripted greedy([](int, const std::vector<int>&) { return std::vector<int>{1000, 1000, 0}; });
  ScaleResult r = run_scaling(app, constant_clients(100, 3), greedy, {});
  const std::vector<int>& vms = r.repetitions[0].series.back().vms;
  EXPECT_EQ(std::accumulate(vms.begin(), vms.end(), 0), 12);
  EXPECT_GE(vms[2], app.tiers[2].min_replicas);
  EXPECT_LE(vms[0], app.tiers[0].max_replicas);
}

TEST(ScalingRun, OverloadViolatesTheSlo) {
  const AppModel app = default_app();
  Scripted keep([](int, const std::vector<int>& current) { return current; });
  ScaleOptions o;
  o.slo_ms = 500;
  // 5,000 clients with the initial two app replicas: far past saturation.
  ScaleResult r = run_scaling(app, constant_clients(5000, 10), keep, o);
  EXPECT_LT(r.repetitions[0].slo_minutes, 5);
}

}  // namespace
}  // namespace fleetopt::scaling
