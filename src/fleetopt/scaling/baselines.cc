// Rule-based autoscalers: static, threshold (CloudWatch-style steps), hpa
// (the Kubernetes HorizontalPodAutoscaler rule) and rightscale (RightScale's
// voting). Each decides per tier from the interval just simulated; none
// learns, so new_repetition() only clears per-run memory (timers, windows).
#include "fleetopt/scaling/baselines.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/scaling/autoscaler.h"
#include "fleetopt/scaling/policy_options.h"

namespace fleetopt::scaling {

int hpa_replica_count(int current, int ready, int unready, double utilisation, double target,
                      double tolerance) {
  if (ready <= 0) return current;  // no metrics at all: the controller does not scale
  // GetResourceUtilizationRatio: currentUtilization = int32(sum usage * 100 / sum requests),
  // an integer percent; the ratio and the ceil below are the controller's own
  // float64 arithmetic (so a ratio of exactly 66/60 = 1.1 lands just outside
  // the 0.1 tolerance there and here alike).
  const auto target_pct = static_cast<double>(std::lround(target * 100));
  const double used = std::clamp(utilisation, 0.0, 1.0) * 100 * ready;  // percent-pods of CPU
  const double pct = std::floor(used / ready + 1e-9);
  const double ratio = pct / target_pct;
  const bool scale_up_with_unready = unready > 0 && ratio > 1.0;
  if (!scale_up_with_unready) {
    if (std::abs(1.0 - ratio) <= tolerance) return current;
    return static_cast<int>(std::ceil(ratio * ready));
  }
  // On a scale-up, unready pods count as using 0% of their request.
  const int pods = ready + unready;
  const double new_ratio = std::floor(used / pods + 1e-9) / target_pct;
  if (std::abs(1.0 - new_ratio) <= tolerance || new_ratio < 1.0) return current;
  const int replicas = static_cast<int>(std::ceil(new_ratio * pods));
  return replicas < current ? current : replicas;
}

int rightscale_vote(const std::vector<double>& vm_utilisation, double up, double down, double majority) {
  if (vm_utilisation.empty()) return 0;
  int grow = 0, shrink = 0;
  for (double u : vm_utilisation) {
    if (u > up) {
      ++grow;
    } else if (u < down) {
      ++shrink;
    }
  }
  const double n = static_cast<double>(vm_utilisation.size());
  // A share compared with a percentage: 1e-9 keeps "2 of 4 at 50%" a majority.
  if (grow / n >= majority - 1e-9) return 1;
  if (shrink / n >= majority - 1e-9) return -1;
  return 0;
}

namespace {

using detail::double_option;
using detail::no_argument;

const std::vector<double>& utilisation_of(const ScalingContext& ctx) {
  detail::check_tiers(ctx.app, ctx.last.tier_utilisation, "utilisation");
  if (ctx.current.size() != ctx.app.tiers.size()) {
    throw std::logic_error("autoscaler: current replicas do not cover every tier");
  }
  return ctx.last.tier_utilisation;
}

int active_of(const ScalingContext& ctx, std::size_t t) {
  // Replicas serving; without the simulator's count, everything paid for.
  if (t < ctx.last.active.size()) return ctx.last.active[t];
  return ctx.current[t];
}

// ---------------------------------------------------------------- static ---
// static[@TIER=N]...: a fixed count per tier; tiers not named keep their
// initial_replicas. Tier names are checked against the app on first use
// (the factory does not see the app).
class StaticAutoscaler final : public Autoscaler {
 public:
  explicit StaticAutoscaler(PlacerSpec spec) : spec_(std::move(spec)) {
    for (const auto& [tier, value] : spec_.options) counts_[tier] = spec_.int_option(tier, 0);
  }

  std::vector<int> decide(const ScalingContext& ctx) override {
    std::vector<std::string> names;
    for (const TierSpec& t : ctx.app.tiers) names.push_back(t.name);
    spec_.check_options(names);
    std::vector<int> out;
    for (const TierSpec& t : ctx.app.tiers) {
      auto it = counts_.find(t.name);
      out.push_back(it == counts_.end() ? t.initial_replicas : it->second);
    }
    return out;
  }
  std::string name() const override { return spec_.text; }

 private:
  PlacerSpec spec_;
  std::map<std::string, int> counts_;
};

// ------------------------------------------------------------- threshold ---
// CloudWatch alarm + simple scaling policy, one pair per tier: a tier whose
// utilisation was above @up (0.7) for @periods (2) consecutive intervals
// grows by @step (1); below @down (0.3) for @periods intervals, it shrinks by
// @step. After an action on a tier, that tier's alarms are ignored for
// @cooldown seconds (180: AWS's default is 300 s; 180 s = the default boot
// delay plus one interval to observe the new replica). As with CloudWatch,
// an alarm that stays in ALARM fires again once the cooldown ends.
class ThresholdAutoscaler final : public Autoscaler {
 public:
  explicit ThresholdAutoscaler(const PlacerSpec& spec) : text_(spec.text) {
    spec.check_options({"up", "down", "step", "periods", "cooldown"});
    no_argument(spec);
    up_ = double_option(spec, "up", 0.7, 0, 1);
    down_ = double_option(spec, "down", 0.3, 0, 1);
    step_ = detail::int_option(spec, "step", 1, 1, 1000);
    periods_ = detail::int_option(spec, "periods", 2, 1, 1000);
    cooldown_s_ = double_option(spec, "cooldown", 180, 0, 1e7);
    if (!(down_ < up_)) {
      throw InputError::field(fmt::format("autoscaler {}", spec.name), "needs down < up");
    }
  }

  std::vector<int> decide(const ScalingContext& ctx) override {
    const std::vector<double>& util = utilisation_of(ctx);
    const std::size_t n = ctx.app.tiers.size();
    if (high_.size() != n) reset(n);
    std::vector<int> out = ctx.current;
    for (std::size_t t = 0; t < n; ++t) {
      high_[t] = util[t] > up_ ? high_[t] + 1 : 0;
      low_[t] = util[t] < down_ ? low_[t] + 1 : 0;
      if (ctx.now_s - last_action_s_[t] < cooldown_s_ - 1e-9) continue;
      int delta = 0;
      if (high_[t] >= periods_) {
        delta = step_;
      } else if (low_[t] >= periods_) {
        delta = -step_;
      }
      const int wanted = std::clamp(out[t] + delta, ctx.app.tiers[t].min_replicas, ctx.app.tiers[t].max_replicas);
      if (wanted != out[t]) {
        out[t] = wanted;
        last_action_s_[t] = ctx.now_s;
      }
    }
    return out;
  }
  void new_repetition() override { reset(0); }
  std::string name() const override { return text_; }

 private:
  void reset(std::size_t n) {
    high_.assign(n, 0);
    low_.assign(n, 0);
    last_action_s_.assign(n, -std::numeric_limits<double>::infinity());
  }

  std::string text_;
  double up_ = 0.7, down_ = 0.3, cooldown_s_ = 180;
  int step_ = 1, periods_ = 2;
  std::vector<int> high_, low_;
  std::vector<double> last_action_s_;
};

// ------------------------------------------------------------------- hpa ---
// The Kubernetes HorizontalPodAutoscaler, autoscaling/v2, one HPA per tier on
// CPU utilisation (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale,
// "Algorithm details", "Default behavior"; controller code in
// pkg/controller/podautoscaler/horizontal.go and replica_calculator.go):
//  1. desiredReplicas = ceil(currentReplicas * currentMetricValue / desiredMetricValue),
//     skipped when the ratio is within the tolerance (0.1) of 1.0; booting
//     replicas are the not-yet-ready pods: on a scale-up they count as 0%
//     (hpa_replica_count above). @target (0.6) is the averageUtilization.
//  2. Stabilisation: the recommendation of every decision is kept; a scale-down
//     uses the highest recommendation of the last @window seconds (default
//     scaleDown.stabilizationWindowSeconds = 300; a record exactly 300 s old
//     has left the window, as in the controller's timestamp.After(cutoff)),
//     a scale-up the lowest of the last @up_window seconds (default 0: none).
//  3. Rate limits, default behavior: scaleUp policies {Percent 100, Pods 4}
//     per 15 s with selectPolicy Max; scaleDown {Percent 100} per 15 s. The
//     limit is computed from the replicas at the start of each policy's
//     period (current minus changes made within the last periodSeconds), so
//     with 60-s control intervals every decision starts a fresh period:
//     per interval the scale-up limit is max(2 x current, current + 4) and a
//     scale-down may go to minReplicas. (A real HPA syncs every 15 s and can
//     compound the scale-up limit 4 times within 60 s; this policy decides
//     once per control interval and applies the rule once.)
//  4. Clamped to the tier's min/max replicas.
// Options: @target @tolerance @window @up_window @up_percent @up_pods
// @down_percent @period (all policies' periodSeconds).
class HpaAutoscaler final : public Autoscaler {
 public:
  explicit HpaAutoscaler(const PlacerSpec& spec) : text_(spec.text) {
    spec.check_options({"target", "tolerance", "window", "up_window", "up_percent", "up_pods", "down_percent",
                        "period"});
    no_argument(spec);
    target_ = double_option(spec, "target", 0.6, 0.01, 1);
    tolerance_ = double_option(spec, "tolerance", 0.1, 0, 10);
    down_window_s_ = double_option(spec, "window", 300, 0, 3600);
    up_window_s_ = double_option(spec, "up_window", 0, 0, 3600);
    up_percent_ = double_option(spec, "up_percent", 100, 0, 10000);
    up_pods_ = detail::int_option(spec, "up_pods", 4, 0, 100000);
    down_percent_ = double_option(spec, "down_percent", 100, 0, 100);
    period_s_ = double_option(spec, "period", 15, 1, 1800);
  }

  std::vector<int> decide(const ScalingContext& ctx) override {
    const std::vector<double>& util = utilisation_of(ctx);
    const std::size_t n = ctx.app.tiers.size();
    if (tiers_.size() != n || ctx.now_s < last_now_s_) tiers_.assign(n, TierState{});
    last_now_s_ = ctx.now_s;
    std::vector<int> out = ctx.current;
    for (std::size_t t = 0; t < n; ++t) {
      const TierSpec& spec = ctx.app.tiers[t];
      const int current = ctx.current[t];
      const int ready = std::min(active_of(ctx, t), current);
      const int desired = hpa_replica_count(current, ready, current - ready, util[t], target_, tolerance_);
      const int wanted = normalise(tiers_[t], ctx.now_s, current, desired, spec.min_replicas, spec.max_replicas);
      if (wanted > current) tiers_[t].up_events.push_back({ctx.now_s, wanted - current});
      if (wanted < current) tiers_[t].down_events.push_back({ctx.now_s, current - wanted});
      out[t] = wanted;
    }
    return out;
  }
  void new_repetition() override {
    tiers_.clear();
    last_now_s_ = -std::numeric_limits<double>::infinity();
  }
  std::string name() const override { return text_; }

 private:
  struct Stamped {
    double t;
    int value;
  };
  struct TierState {
    std::vector<Stamped> recommendations, up_events, down_events;
  };

  static int changed_within(const std::vector<Stamped>& events, double now, double period) {
    int sum = 0;
    for (const Stamped& e : events) {
      if (e.t > now - period) sum += e.value;
    }
    return sum;
  }

  // normalizeDesiredReplicasWithBehaviors: stabilise, then rate-limit and clamp.
  int normalise(TierState& s, double now, int current, int desired, int min_replicas, int max_replicas) const {
    int up_rec = desired, down_rec = desired;
    for (const Stamped& r : s.recommendations) {
      if (r.t > now - up_window_s_) up_rec = std::min(up_rec, r.value);
      if (r.t > now - down_window_s_) down_rec = std::max(down_rec, r.value);
    }
    int rec = current;
    if (rec < up_rec) rec = up_rec;
    if (rec > down_rec) rec = down_rec;
    const double keep = std::max({up_window_s_, down_window_s_, period_s_});
    std::erase_if(s.recommendations, [&](const Stamped& r) { return r.t <= now - keep; });
    s.recommendations.push_back({now, desired});
    std::erase_if(s.up_events, [&](const Stamped& e) { return e.t <= now - period_s_; });
    std::erase_if(s.down_events, [&](const Stamped& e) { return e.t <= now - period_s_; });

    const int period_start = current - changed_within(s.up_events, now, period_s_) +
                             changed_within(s.down_events, now, period_s_);
    int lo = min_replicas, hi = max_replicas;
    if (rec > current) {
      // selectPolicy Max: the larger of the policies' limits.
      const int by_percent = static_cast<int>(std::ceil(period_start * (1 + up_percent_ / 100) - 1e-9));
      const int limit = std::max({by_percent, period_start + up_pods_, current});
      hi = std::min(hi, limit);
    } else if (rec < current) {
      const int limit = std::min(static_cast<int>(period_start * (1 - down_percent_ / 100) + 1e-9), current);
      lo = std::max(lo, limit);
    }
    return std::clamp(rec, lo, std::max(lo, hi));
  }

  std::string text_;
  double target_ = 0.6, tolerance_ = 0.1, down_window_s_ = 300, up_window_s_ = 0;
  double up_percent_ = 100, down_percent_ = 100, period_s_ = 15;
  int up_pods_ = 4;
  std::vector<TierState> tiers_;
  double last_now_s_ = -std::numeric_limits<double>::infinity();
};

// ------------------------------------------------------------ rightscale ---
// RightScale server-array voting, one array per tier: every serving VM votes
// grow when its utilisation is above @up (0.8), shrink when below @down
// (0.3), else abstains; the array resizes by @step (1) when the votes for one
// side reach @majority (0.51, RightScale's default decision threshold) of its
// serving VMs (booting VMs do not vote). After a resize the array is calm for
// @calm seconds (180). RightScale's default calm time is 15 minutes; the
// paper's World Cup setting squeezes a day into 5 minutes, where 15 minutes
// would be 3 days of trace, so the default here is the boot delay (120 s)
// plus one interval.
// Per-VM utilisation: the simulators balance a tier's load evenly, so every VM
// reports the tier's utilisation (@jitter=0, the default: the vote is then
// unanimous). @jitter=S adds per-VM Gaussian noise of standard deviation S
// (clamped to [0, 1]), seeded by @seed (1) and restarted each repetition.
class RightScaleAutoscaler final : public Autoscaler {
 public:
  explicit RightScaleAutoscaler(const PlacerSpec& spec) : text_(spec.text) {
    spec.check_options({"up", "down", "majority", "step", "calm", "jitter", "seed"});
    no_argument(spec);
    up_ = double_option(spec, "up", 0.8, 0, 1);
    down_ = double_option(spec, "down", 0.3, 0, 1);
    majority_ = double_option(spec, "majority", 0.51, 0.5, 1);
    step_ = detail::int_option(spec, "step", 1, 1, 1000);
    calm_s_ = double_option(spec, "calm", 180, 0, 1e7);
    jitter_ = double_option(spec, "jitter", 0, 0, 1);
    seed_ = static_cast<std::uint64_t>(detail::int_option(spec, "seed", 1, 0, 1000000));
    if (!(down_ < up_)) {
      throw InputError::field(fmt::format("autoscaler {}", spec.name), "needs down < up");
    }
    rng_ = Rng(seed_);
  }

  std::vector<int> decide(const ScalingContext& ctx) override {
    const std::vector<double>& util = utilisation_of(ctx);
    const std::size_t n = ctx.app.tiers.size();
    if (last_resize_s_.size() != n) last_resize_s_.assign(n, -std::numeric_limits<double>::infinity());
    std::vector<int> out = ctx.current;
    for (std::size_t t = 0; t < n; ++t) {
      votes_.assign(static_cast<std::size_t>(std::max(active_of(ctx, t), 0)), util[t]);
      if (jitter_ > 0) {
        for (double& v : votes_) v = std::clamp(v + jitter_ * rng_.normal(), 0.0, 1.0);
      }
      if (ctx.now_s - last_resize_s_[t] < calm_s_ - 1e-9) continue;
      const int vote = rightscale_vote(votes_, up_, down_, majority_);
      const int wanted = std::clamp(out[t] + vote * step_, ctx.app.tiers[t].min_replicas,
                                    ctx.app.tiers[t].max_replicas);
      if (wanted != out[t]) {
        out[t] = wanted;
        last_resize_s_[t] = ctx.now_s;
      }
    }
    return out;
  }
  void new_repetition() override {
    last_resize_s_.clear();
    rng_ = Rng(seed_);
  }
  std::string name() const override { return text_; }

 private:
  std::string text_;
  double up_ = 0.8, down_ = 0.3, majority_ = 0.51, calm_s_ = 180, jitter_ = 0;
  int step_ = 1;
  std::uint64_t seed_ = 1;
  Rng rng_;
  std::vector<double> last_resize_s_;
  std::vector<double> votes_;
};

template <typename T>
AutoscalerFactory factory() {
  return [](const std::string& text) -> std::unique_ptr<Autoscaler> {
    return std::make_unique<T>(PlacerSpec::parse(text));
  };
}

}  // namespace

FLEETOPT_REGISTER_AUTOSCALER("static", "fixed replicas per tier: static@web=2@app=4 (default: initial_replicas)",
                             factory<StaticAutoscaler>());
FLEETOPT_REGISTER_AUTOSCALER("threshold",
                             "CloudWatch-style per-tier steps: @up=0.7 @down=0.3 @step=1 @periods=2 @cooldown=180",
                             factory<ThresholdAutoscaler>());
FLEETOPT_REGISTER_AUTOSCALER("hpa",
                             "Kubernetes HPA per tier: ceil(n*u/@target=0.6), 10% tolerance, 300-s scale-down "
                             "window, +max(100%,4) per 15 s",
                             factory<HpaAutoscaler>());
FLEETOPT_REGISTER_AUTOSCALER("rightscale",
                             "RightScale voting per tier: @up=0.8 @down=0.3 @majority=0.51 @step=1 @calm=180",
                             factory<RightScaleAutoscaler>());

}  // namespace fleetopt::scaling
