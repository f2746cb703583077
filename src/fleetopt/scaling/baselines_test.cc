// The rule-based autoscalers on hand-made intervals: the Kubernetes HPA
// against the worked cases of its documentation and the controller's rules,
// RightScale's majority vote and calm time, CloudWatch-style threshold steps,
// static counts.
#include "fleetopt/scaling/baselines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/core/error.h"
#include "fleetopt/scaling/autoscaler.h"

namespace fleetopt::scaling {
namespace {

AppModel one_tier(int min_replicas, int max_replicas, int initial = 1) {
  AppModel app;
  app.tiers.push_back({"app", 1, min_replicas, max_replicas, initial});
  app.classes.push_back({"all", 1, {0.01}, {1}});
  app.max_total_vms = 1000;
  return app;
}

AppModel three_tiers() {
  AppModel app;
  app.tiers = {{"web", 1, 1, 20, 2}, {"app", 2, 1, 20, 4}, {"db", 1, 1, 20, 2}};
  app.classes.push_back({"all", 1, {0.001, 0.01, 0.005}, {1, 1, 1}});
  return app;
}

// Drives one autoscaler through hand-made intervals, applying its decisions.
class Driver {
 public:
  Driver(AppModel app, const std::string& spec, std::vector<int> replicas)
      : app_(std::move(app)), policy_(make_autoscaler(spec)), replicas_(std::move(replicas)) {}

  // One interval ending at now_s with the given per-tier utilisation; `booting`
  // of the paid replicas are not serving yet. Returns (and applies) the decision.
  std::vector<int> step(double now_s, const std::vector<double>& utilisation, const std::vector<int>& booting = {}) {
    IntervalStats s;
    s.seconds = 60;
    s.tier_utilisation = utilisation;
    s.tier_latency_ms.assign(utilisation.size(), 10);
    for (std::size_t t = 0; t < replicas_.size(); ++t) {
      const int b = t < booting.size() ? booting[t] : 0;
      s.booting.push_back(b);
      s.active.push_back(replicas_[t] - b);
    }
    history_.push_back(s);
    ScalingContext ctx{app_, 5000, now_s, 60, history_.back(), history_, replicas_, 0, {}, {}};
    replicas_ = policy_->decide(ctx);
    return replicas_;
  }
  Autoscaler& policy() { return *policy_; }

 private:
  AppModel app_;
  std::unique_ptr<Autoscaler> policy_;
  std::vector<int> replicas_;
  std::vector<IntervalStats> history_;
};

// ------------------------------------------------------------------- hpa ---

TEST(Hpa, DocumentationExampleFiftyReplicasAtNinetyPercent) {
  // kubernetes.io, HPA configurable tolerance (v1.33 blog) and "Algorithm
  // details": 50 replicas at 90% CPU with a 75% target -> ceil(50 * 90/75) = 60.
  EXPECT_EQ(hpa_replica_count(50, 50, 0, 0.90, 0.75, 0.1), 60);
  Driver d(one_tier(1, 100), "hpa@target=0.75", {50});
  EXPECT_EQ(d.step(60, {0.90}), std::vector<int>{60});
}

TEST(Hpa, DocumentationRatioDoublesAndHalves) {
  // "if the current metric value is 200m, and the desired value is 100m, the
  // number of replicas will be doubled ... 50m, you'll halve the number".
  EXPECT_EQ(hpa_replica_count(4, 4, 0, 1.0, 0.5, 0.1), 8);
  EXPECT_EQ(hpa_replica_count(4, 4, 0, 0.25, 0.5, 0.1), 2);
}

TEST(Hpa, InsideToleranceNoChange) {
  // |ratio - 1| <= 0.1: 65/60 = 1.083 and 55/60 = 0.917 keep the count; 67/60 = 1.117 acts.
  EXPECT_EQ(hpa_replica_count(10, 10, 0, 0.65, 0.6, 0.1), 10);
  EXPECT_EQ(hpa_replica_count(10, 10, 0, 0.55, 0.6, 0.1), 10);
  EXPECT_EQ(hpa_replica_count(10, 10, 0, 0.67, 0.6, 0.1), 12);
  Driver d(one_tier(1, 100), "hpa", {10});
  EXPECT_EQ(d.step(60, {0.65}), std::vector<int>{10});
  EXPECT_EQ(d.step(120, {0.55}), std::vector<int>{10});
}

TEST(Hpa, UtilisationTruncatedToIntegerPercent) {
  // The controller computes int32(usage * 100 / request): 49.99% reads as
  // 49%, so 100 pods -> ceil(100 * 49/60) = 82 (not ceil(83.3) = 84).
  EXPECT_EQ(hpa_replica_count(100, 100, 0, 0.4999, 0.6, 0.1), 82);
}

TEST(Hpa, BootingReplicasCountAsZeroOnScaleUp) {
  // 4 ready at 70% + 4 booting, target 60%: ratio 1.17 on the ready pods, but
  // 0.58 with the booting pods at 0% -> the direction reverses: no change.
  EXPECT_EQ(hpa_replica_count(8, 4, 4, 0.70, 0.6, 0.1), 8);
  // 8 ready at 90% + 2 booting: 72% over 10 pods -> ratio 1.2 -> ceil(12) = 12.
  EXPECT_EQ(hpa_replica_count(10, 8, 2, 0.90, 0.6, 0.1), 12);
  Driver d(one_tier(1, 100), "hpa", {8});
  EXPECT_EQ(d.step(60, {0.70}, {4}), std::vector<int>{8});
}

TEST(Hpa, ScaleDownHeldByFiveMinuteWindowThenReleased) {
  Driver d(one_tier(1, 100), "hpa", {10});
  EXPECT_EQ(d.step(60, {0.6}), std::vector<int>{10});  // recommendation 10 at t=60
  // Load halves: the raw recommendation is 5, but the highest of the last 300 s is 10.
  for (double t : {120.0, 180.0, 240.0, 300.0}) EXPECT_EQ(d.step(t, {0.3}), std::vector<int>{10}) << t;
  // At t=360 the t=60 record is exactly 300 s old and has left the window.
  EXPECT_EQ(d.step(360, {0.3}), std::vector<int>{5});
}

TEST(Hpa, ScaleDownWindowTakesHighestRecentRecommendation) {
  Driver d(one_tier(1, 100), "hpa", {10});
  EXPECT_EQ(d.step(60, {0.6}), std::vector<int>{10});
  EXPECT_EQ(d.step(120, {0.48}), std::vector<int>{10});  // raw 8
  EXPECT_EQ(d.step(180, {0.3}), std::vector<int>{10});   // raw 5
  EXPECT_EQ(d.step(360, {0.3}), std::vector<int>{8});    // t=60 left; t=120's 8 is the highest
  EXPECT_EQ(d.step(420, {0.3}), std::vector<int>{5});    // raw 4; t=180's and t=360's 5 hold it at 5
}

TEST(Hpa, ScaleUpLimitedToDoubleOrFourPods) {
  // Default scaleUp policies: max(100%, 4 pods) per 15 s.
  Driver small(one_tier(1, 100), "hpa@target=0.1", {2});
  EXPECT_EQ(small.step(60, {1.0}), std::vector<int>{6});   // raw 20, limit max(4, 6)
  EXPECT_EQ(small.step(120, {1.0}), std::vector<int>{12});  // raw 60, limit max(12, 10)
  Driver pods(one_tier(1, 100), "hpa@target=0.1@up_percent=0@up_pods=1", {2});
  EXPECT_EQ(pods.step(60, {1.0}), std::vector<int>{3});
}

TEST(Hpa, ClampedToMinAndMax) {
  Driver down(one_tier(2, 10), "hpa@window=0", {5});
  EXPECT_EQ(down.step(60, {0.05}), std::vector<int>{2});  // raw 1 < min 2
  Driver up(one_tier(1, 10), "hpa@target=0.5", {8});
  EXPECT_EQ(up.step(60, {1.0}), std::vector<int>{10});  // raw 16 > max 10
}

TEST(Hpa, NewRepetitionForgetsRecommendations) {
  Driver d(one_tier(1, 100), "hpa", {10});
  EXPECT_EQ(d.step(60, {0.6}), std::vector<int>{10});
  d.policy().new_repetition();
  EXPECT_EQ(d.step(60, {0.3}), std::vector<int>{5});
}

TEST(Hpa, RejectsBadOptions) {
  EXPECT_THROW(make_autoscaler("hpa@target=0"), InputError);
  EXPECT_THROW(make_autoscaler("hpa@target=abc"), InputError);
  EXPECT_THROW(make_autoscaler("hpa@speed=2"), InputError);
  EXPECT_THROW(make_autoscaler("hpa:x"), InputError);
}

// ------------------------------------------------------------ rightscale ---

TEST(RightScale, MinorityVoteDoesNothing) {
  EXPECT_EQ(rightscale_vote({0.9, 0.5, 0.5}, 0.8, 0.3, 0.51), 0);       // 1 of 3 up
  EXPECT_EQ(rightscale_vote({0.9, 0.9, 0.1, 0.1}, 0.8, 0.3, 0.51), 0);  // 2 of 4 each way
  EXPECT_EQ(rightscale_vote({0.1, 0.5, 0.5}, 0.8, 0.3, 0.51), 0);
}

TEST(RightScale, MajorityActs) {
  EXPECT_EQ(rightscale_vote({0.9, 0.85, 0.5}, 0.8, 0.3, 0.51), 1);
  EXPECT_EQ(rightscale_vote({0.1, 0.2, 0.5}, 0.8, 0.3, 0.51), -1);
  EXPECT_EQ(rightscale_vote({0.9, 0.9, 0.1, 0.1}, 0.8, 0.3, 0.5), 1);  // threshold 50%: 2 of 4 suffice
  EXPECT_EQ(rightscale_vote({0.8, 0.8}, 0.8, 0.3, 0.51), 0);           // exactly at the threshold abstains
}

TEST(RightScale, CalmTimeHoldsNextResize) {
  Driver d(three_tiers(), "rightscale", {2, 3, 2});
  EXPECT_EQ(d.step(60, {0.5, 0.9, 0.5}), (std::vector<int>{2, 4, 2}));
  EXPECT_EQ(d.step(120, {0.5, 0.9, 0.5}), (std::vector<int>{2, 4, 2}));  // calm (180 s)
  EXPECT_EQ(d.step(180, {0.5, 0.9, 0.1}), (std::vector<int>{2, 4, 1}));  // db is calm, app still
  EXPECT_EQ(d.step(240, {0.5, 0.9, 0.5}), (std::vector<int>{2, 5, 1}));  // app's calm time over
}

TEST(RightScale, StepAndCalmOptions) {
  Driver d(three_tiers(), "rightscale@step=2@calm=0", {2, 3, 2});
  EXPECT_EQ(d.step(60, {0.5, 0.9, 0.5}), (std::vector<int>{2, 5, 2}));
  EXPECT_EQ(d.step(120, {0.5, 0.9, 0.5}), (std::vector<int>{2, 7, 2}));
}

TEST(RightScale, JitterSplitsTheVoteAroundTheThreshold) {
  // Tier utilisation at the threshold: with per-VM noise about half the VMs
  // vote up, so over many intervals some resize and some do not.
  Driver d(one_tier(1, 1000), "rightscale@jitter=0.05@calm=0", {40});
  int resized = 0, held = 0;
  std::vector<int> before = {40};
  for (int i = 1; i <= 40; ++i) {
    std::vector<int> after = d.step(60.0 * i, {0.8});
    (after == before ? held : resized) += 1;
    before = after;
  }
  EXPECT_GT(resized, 0);
  EXPECT_GT(held, 0);
}

// ------------------------------------------------------------- threshold ---

TEST(Threshold, StepsAfterConsecutivePeriodsAndCooldown) {
  Driver d(three_tiers(), "threshold", {2, 2, 2});
  EXPECT_EQ(d.step(60, {0.5, 0.8, 0.5}), (std::vector<int>{2, 2, 2}));   // 1 period above 0.7
  EXPECT_EQ(d.step(120, {0.5, 0.8, 0.5}), (std::vector<int>{2, 3, 2}));  // 2 periods: +1
  EXPECT_EQ(d.step(180, {0.5, 0.8, 0.5}), (std::vector<int>{2, 3, 2}));  // cooldown 180 s
  EXPECT_EQ(d.step(240, {0.5, 0.8, 0.5}), (std::vector<int>{2, 3, 2}));
  EXPECT_EQ(d.step(300, {0.5, 0.8, 0.5}), (std::vector<int>{2, 4, 2}));  // alarm still on: +1
  EXPECT_EQ(d.step(360, {0.2, 0.5, 0.5}), (std::vector<int>{2, 4, 2}));  // web low once
  EXPECT_EQ(d.step(420, {0.2, 0.5, 0.5}), (std::vector<int>{1, 4, 2}));  // twice: -1
}

TEST(Threshold, InterruptedStreakDoesNotFire) {
  Driver d(three_tiers(), "threshold@periods=3@cooldown=0", {2, 2, 2});
  d.step(60, {0.5, 0.8, 0.5});
  d.step(120, {0.5, 0.8, 0.5});
  EXPECT_EQ(d.step(180, {0.5, 0.6, 0.5}), (std::vector<int>{2, 2, 2}));
  d.step(240, {0.5, 0.8, 0.5});
  d.step(300, {0.5, 0.8, 0.5});
  EXPECT_EQ(d.step(360, {0.5, 0.8, 0.5}), (std::vector<int>{2, 3, 2}));
}

TEST(Threshold, StepOptionAndLimits) {
  Driver d(three_tiers(), "threshold@periods=1@step=3@up=0.6@down=0.2", {19, 2, 1});
  EXPECT_EQ(d.step(60, {0.9, 0.65, 0.1}), (std::vector<int>{20, 5, 1}));
  EXPECT_THROW(make_autoscaler("threshold@up=0.2@down=0.5"), InputError);
}

// ---------------------------------------------------------------- static ---

TEST(Static, DefaultsToInitialReplicas) {
  Driver d(three_tiers(), "static", {1, 1, 1});
  EXPECT_EQ(d.step(60, {0.9, 0.9, 0.9}), (std::vector<int>{2, 4, 2}));
}

TEST(Static, NamedTiers) {
  Driver d(three_tiers(), "static@web=3@db=5", {1, 1, 1});
  EXPECT_EQ(d.step(60, {0.1, 0.1, 0.1}), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(d.step(120, {1, 1, 1}), (std::vector<int>{3, 4, 5}));
}

TEST(Static, UnknownTierOrBadCount) {
  Driver d(three_tiers(), "static@cache=2", {1, 1, 1});
  EXPECT_THROW(d.step(60, {0.1, 0.1, 0.1}), InputError);
  EXPECT_THROW(make_autoscaler("static@web=-1"), InputError);
  EXPECT_THROW(make_autoscaler("static@web=two"), InputError);
}

// ---------------------------------------------------------------- oracle ---

// A what-if model where tier t needs ceil(level * work[t]) replicas: utilisation
// level * work[t] / replicas, the SLO met when no tier is above 100%.
IntervalStats toy_what_if(const std::vector<double>& work, const std::vector<int>& replicas, double level) {
  IntervalStats s;
  s.seconds = 60;
  s.arrived = s.completed = 100;
  bool ok = true;
  for (std::size_t t = 0; t < work.size(); ++t) {
    const double u = level * work[t] / replicas[t];
    s.tier_utilisation.push_back(std::min(u, 1.0));
    s.tier_latency_ms.push_back(10);
    ok = ok && u <= 1.0;
  }
  s.p99_ms = ok ? 100 : 1e6;
  return s;
}

TEST(Oracle, FewestReplicasForThePeakOfTheLookahead) {
  AppModel app = three_tiers();
  app.boot_delay_s = 120;
  const std::vector<double> work = {0.1, 0.5, 0.25};
  int calls = 0;
  IntervalStats last;
  std::vector<IntervalStats> history = {last};
  ScalingContext ctx{app, 5000, 600, 60, history.back(), history, {2, 4, 2}, 0, {}, {}};
  // Load 10 until t=700, then 20: the lookahead [600, 780) sees the peak.
  ctx.future_level = [](double t) { return t < 700 ? 10.0 : 20.0; };
  ctx.what_if = [&](const std::vector<int>& r, double level) {
    ++calls;
    return toy_what_if(work, r, level);
  };
  auto oracle = make_autoscaler("oracle");
  EXPECT_EQ(oracle->decide(ctx), (std::vector<int>{2, 10, 5}));
  EXPECT_GT(calls, 0);
  // Looking only 60 s ahead, the load is 10.
  EXPECT_EQ(make_autoscaler("oracle@lookahead=60")->decide(ctx), (std::vector<int>{1, 5, 3}));
}

TEST(Oracle, StopsAtTheLimits) {
  AppModel app = three_tiers();
  app.max_total_vms = 12;
  IntervalStats last;
  std::vector<IntervalStats> history = {last};
  ScalingContext ctx{app, 5000, 60, 60, history.back(), history, {2, 4, 2}, 0, {}, {}};
  ctx.future_level = [](double) { return 100.0; };
  ctx.what_if = [](const std::vector<int>& r, double level) { return toy_what_if({0.1, 0.5, 0.25}, r, level); };
  std::vector<int> got = make_autoscaler("oracle")->decide(ctx);
  EXPECT_EQ(got[0] + got[1] + got[2], 12);
  ScalingContext bare{app, 5000, 60, 60, history.back(), history, {2, 4, 2}, 0, {}, {}};
  EXPECT_THROW(make_autoscaler("oracle")->decide(bare), InputError);
}

TEST(Registry, AllPoliciesRegistered) {
  std::vector<std::string> names;
  for (const auto& [name, summary] : registered_autoscalers()) names.push_back(name);
  for (const char* want : {"static", "threshold", "hpa", "rightscale", "vscale", "vscale-noheur", "oracle"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  EXPECT_EQ(make_autoscaler("hpa@target=0.5")->name(), "hpa@target=0.5");
}

}  // namespace
}  // namespace fleetopt::scaling
