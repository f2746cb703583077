#include "fleetopt/reclaim/margin_strategy.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/reclaim/reclaim_run.h"
#include "fleetopt/reclaim/scavenger.h"

namespace fleetopt::reclaim {
namespace {

// One host whose forecast is 0 and whose use is `cpu` (cores of 10) / same
// pattern on memory (GB of 40): errors are use / capacity.
struct HandHost {
  HostSet set;
  Forecasts fc;
  explicit HandHost(const std::vector<float>& frac) {
    HostSeries h;
    h.id = "hand";
    h.capacity = {10, 40};
    for (float f : frac) {
      h.use[kResCpu].push_back(f * 10);
      h.use[kResMem].push_back(f * 40);
    }
    set.hosts.push_back(h);
    fc.values.resize(1);
    for (auto& v : fc.values[0]) v.assign(frac.size(), 0.0f);
  }
};

TEST(Scavenger, MeanPlusKStdOnAHandSeries) {
  HandHost hh({0.1f, 0.3f, 0.1f, 0.3f, 0.2f, 0.0f});
  ReclaimProblem p{hh.set, hh.fc, {0}, 1};
  std::vector<float> m(5);
  scavenger_margins(p, 0, kResCpu, 1, 6, {1.0, 4}, m);
  // t=1: {0.1} -> 0.1; t=2: {0.1,0.3} mean 0.2 std 0.1 -> 0.3; t=3: {0.1,0.3,0.1}
  // mean 0.1667 std 0.0943 -> 0.2610; t=4: {.1,.3,.1,.3} -> 0.3;
  // t=5: window 4 = {.3,.1,.3,.2} mean 0.225 std 0.0829 -> 0.3079.
  EXPECT_NEAR(m[0], 0.1, 1e-6);
  EXPECT_NEAR(m[1], 0.3, 1e-6);
  EXPECT_NEAR(m[2], 0.1 / 0.6 + std::sqrt(0.08 / 9.0), 1e-5);
  EXPECT_NEAR(m[3], 0.3, 1e-6);
  EXPECT_NEAR(m[4], 0.225 + std::sqrt(0.006875), 1e-5);
}

TEST(Strategies, RegistryKnowsEveryBaselineAndRejectsUnknown) {
  for (const char* name : {"none", "fixed", "fixed:0.1", "random", "feedback", "scavenger", "scavenger@k=1", "oracle"}) {
    EXPECT_NE(make_margin_strategy(name), nullptr) << name;
  }
  EXPECT_THROW(make_margin_strategy("nope"), InputError);
  EXPECT_THROW(make_margin_strategy("fixed:1.5"), InputError);
  EXPECT_THROW(make_margin_strategy("scavenger@k=-1"), InputError);
}

TEST(Strategies, FeedbackAddsTheLastUnderForecast) {
  HandHost hh({0.0f, 0.2f, 0.0f});
  ReclaimProblem p{hh.set, hh.fc, {1}, 1};
  auto s = make_margin_strategy("feedback");
  std::vector<float> c(2), m(2);
  s->choose(MarginContext{p, 0, 1, 3}, {std::span<float>(c), std::span<float>(m)});
  EXPECT_NEAR(c[0], 0.05, 1e-6);  // error at t=0 is 0
  EXPECT_NEAR(c[1], 0.25, 1e-6);  // error at t=1 is 0.2
}

TEST(Strategies, OracleEarnsAtLeastEveryConstantMarginOnItsGrid) {
  // Busy in the first half of each day, idle in the second.
  std::vector<float> frac(3 * kStepsPerDay);
  for (std::size_t t = 0; t < frac.size(); ++t) frac[t] = (t % kStepsPerDay) < 144 ? 0.5f : 0.1f;
  HandHost hh(frac);
  for (std::size_t t = 0; t < frac.size(); ++t) {  // forecast a little low
    hh.fc.values[0][0][t] = std::max(0.0f, hh.set.hosts[0].use[0][t] - 1.0f);
    hh.fc.values[0][1][t] = std::max(0.0f, hh.set.hosts[0].use[1][t] - 4.0f);
  }
  ReclaimProblem p = make_problem(hh.set, hh.fc, 1.0 / 3.0, 1);
  const double oracle = evaluate(*make_margin_strategy("oracle"), p, true, false).total.net_usd();
  for (const char* name : {"none", "fixed", "fixed:0.1", "fixed:0.2", "fixed:0.5"}) {
    EXPECT_GE(oracle + 1e-9, evaluate(*make_margin_strategy(name), p, true, false).total.net_usd()) << name;
  }
  EXPECT_GT(oracle, 0);
}

}  // namespace
}  // namespace fleetopt::reclaim
