// vScale (VMware): per-tier horizontal scaling by Q-learning bootstrapped with
// heuristics, and the same learner without them (vscale-noheur).
//
// State:   the configuration (replicas paid for per tier, booting included),
//          the performance, p99/SLO in 7 buckets (vscale_perf_bucket), and
//          each tier's utilisation in 4 buckets (a < 0.5 <= b < 0.7 <= c <
//          0.85 <= d; @util_state=0 leaves it out), e.g. "2,5,3|4acb". p99
//          alone says nothing until a tier saturates; the utilisation is the
//          per-tier performance that warns before.
// Actions: no-op, or one tier +k / -k for k = 1 .. @max_step (2): 1 + 4T
//          actions for T tiers; an action is possible in a state when it keeps
//          the tier within its min/max and the total within the VM limit.
// Reward:  of the interval that follows the action (vscale_reward, vscale.h).
// Update:  Q(s,a) += @alpha (0.3) * (r + @discount (0.8) * max_a' Q(s',a') - Q(s,a)),
//          a' over the actions possible in s'; the first update of (s,a)
//          takes the target whole (QTable::update).
// vscale:  the heuristics (vscale.h, vscale_heuristic_tier) propose an
//          action h: p99 above @gamma (0.7) x SLO -> scale the chosen tier
//          up by 1, or by @max_step when p99 is over the SLO; p99 below
//          (1 - @gamma) x SLO -> scale the chosen tier down by 1; in between
//          (the no-change band), no-op. The window is the last @window
//          (W = 32) intervals, one per action. @guard (0.6, HPA's default
//          target) is the utilisation a scale-down must not push a tier
//          above, and the one under which a tier's booting replicas are
//          awaited rather than added to.
//          Bootstrapping: where h was never tried in s, h. Else the learner
//          weighs h's neighbours (h's other step sizes, the no-op, one step
//          on the tier the heuristics would pick in each direction): with
//          probability @explore (0.1) an untried neighbour, else the
//          neighbour with the best Q. The heuristics confine the search to a
//          few sensible actions; the Q-table learns which of them pays.
// vscale-noheur: plain epsilon-greedy: with probability @epsilon (0.1) a
//          uniformly random possible action, else the best possible action of
//          the Q-table (untried actions count 0, ties to a random one of them).
// The Q-table, and the decision counters, persist across repetitions
// (new_repetition() only forgets the window and the pending transition) and
// save/load as JSON.
#include "fleetopt/scaling/vscale.h"

#include <algorithm>
#include <cmath>
#include <limits>
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
#include "fleetopt/scaling/q_learning.h"

namespace fleetopt::scaling {

double vscale_slo_ratio(const IntervalStats& s, double slo_ms) {
  if (s.arrived > 0 && s.completed == 0) return std::numeric_limits<double>::infinity();
  const double ratio = slo_ms > 0 ? s.p99_ms / slo_ms : 0;
  if (!detail::meets_slo(s, slo_ms)) return std::max(ratio, 1.0 + 1e-9);
  return ratio;
}

int vscale_perf_bucket(double slo_ratio, double gamma) {
  const double lo = std::min(gamma, 1 - gamma), hi = std::max(gamma, 1 - gamma);
  const double bounds[] = {0.1, 0.25, lo, hi, 1.0, 2.0};
  std::vector<double> sorted(std::begin(bounds), std::end(bounds));
  std::sort(sorted.begin(), sorted.end());
  int bucket = 0;
  for (double b : sorted) bucket += slo_ratio > b ? 1 : 0;
  return bucket;
}

double vscale_reward(const AppModel& app, const IntervalStats& s, double slo_ms, const VscaleRewardWeights& w) {
  if (detail::meets_slo(s, slo_ms)) {
    double busy = 0, paid = 0;
    for (std::size_t t = 0; t < app.tiers.size(); ++t) {
      const double cores = app.tiers[t].cores;
      const double active = t < s.active.size() ? s.active[t] : 0;
      const double booting = t < s.booting.size() ? s.booting[t] : 0;
      const double util = t < s.tier_utilisation.size() ? s.tier_utilisation[t] : 0;
      busy += std::clamp(util, 0.0, 1.0) * active * cores;
      paid += (active + booting) * cores;
    }
    const double idle = paid > 0 ? 1 - busy / paid : 0;
    return 1 - w.waste * idle;
  }
  const double over = std::min(vscale_slo_ratio(s, slo_ms) - 1, 4.0);
  const double drops =
      s.arrived > 0 ? std::min(1.0, static_cast<double>(s.dropped) / static_cast<double>(s.arrived)) : 0;
  return -1 - w.violation * std::max(over, 0.0) - w.drop * drops;
}

namespace {

std::vector<double> mean_visits(const AppModel& app) {
  std::vector<double> visits(app.tiers.size(), 0);
  double shares = 0;
  for (const RequestClass& c : app.classes) shares += c.share;
  for (const RequestClass& c : app.classes) {
    for (std::size_t t = 0; t < visits.size() && t < c.visits.size(); ++t) {
      visits[t] += (shares > 0 ? c.share / shares : 0) * c.visits[t];
    }
  }
  return visits;
}

double latency(const IntervalStats& s, const std::vector<double>& visits, std::size_t t) {
  return t < s.tier_latency_ms.size() ? visits[t] * s.tier_latency_ms[t] : 0;
}

}  // namespace

int vscale_heuristic_tier(const AppModel& app, const std::vector<IntervalStats>& window, const IntervalStats& last,
                          const std::vector<int>& current, int direction, double guard) {
  const std::size_t n = app.tiers.size();
  const std::vector<double> visits = mean_visits(app);
  std::vector<double> window_mean(n, 0);
  double window_drops = 0;
  for (const IntervalStats& s : window) {
    for (std::size_t t = 0; t < n; ++t) window_mean[t] += latency(s, visits, t) / static_cast<double>(window.size());
    window_drops += static_cast<double>(s.dropped) / static_cast<double>(window.size());
  }
  auto util = [&](std::size_t t) { return t < last.tier_utilisation.size() ? last.tier_utilisation[t] : 0.0; };

  std::vector<std::size_t> candidates;
  for (std::size_t t = 0; t < n && t < current.size(); ++t) {
    if (direction > 0 && current[t] < app.tiers[t].max_replicas) candidates.push_back(t);
    if (direction < 0 && current[t] > app.tiers[t].min_replicas) {
      const int active = t < last.active.size() ? last.active[t] : current[t];
      double projected = util(t);
      if (current[t] <= active) projected = active > 1 ? util(t) * active / (active - 1) : 2.0;
      if (projected <= guard + 1e-12) candidates.push_back(t);
    }
  }
  if (candidates.empty()) return -1;

  // argmax of score over candidates, first on ties; -1 when the best is not above `floor`.
  auto best_by = [&](auto score, double floor) {
    int best = -1;
    double best_score = floor;
    for (std::size_t t : candidates) {
      const double v = score(t);
      if (v > best_score) {
        best = static_cast<int>(t);
        best_score = v;
      }
    }
    return best;
  };
  const double kNone = -std::numeric_limits<double>::infinity();
  if (direction > 0) {
    int pick = -1;
    if (!window.empty() && static_cast<double>(last.dropped) > window_drops && last.dropped > 0) {
      pick = best_by(util, kNone);
    } else {
      double slowest = 0;
      for (std::size_t t : candidates) slowest = std::max(slowest, latency(last, visits, t));
      if (!window.empty()) {
        pick = best_by(
            [&](std::size_t k) {
              const double l = latency(last, visits, k);
              return l >= 0.5 * slowest ? l - window_mean[k] : kNone;
            },
            1e-9);
      }
      if (pick < 0) pick = best_by([&](std::size_t k) { return latency(last, visits, k); }, kNone);
    }
    // Boot-aware: replicas already booting on the chosen tier would carry its
    // present load at or under the guard: wait for them rather than pile on.
    if (pick >= 0) {
      const auto t = static_cast<std::size_t>(pick);
      const int active = t < last.active.size() ? last.active[t] : current[t];
      if (current[t] > active && util(t) * active / current[t] <= guard + 1e-12) return -1;
    }
    return pick;
  }
  if (!window.empty()) {
    const int t = best_by([&](std::size_t k) { return window_mean[k] - latency(last, visits, k); }, 1e-9);
    if (t >= 0) return t;
  }
  return best_by([&](std::size_t k) { return -latency(last, visits, k); }, kNone);
}

namespace {

using detail::double_option;

struct VscaleOptions {
  double gamma = 0.7;
  int window = 32;
  double alpha = 0.3, discount = 0.8;
  int max_step = 2;
  VscaleRewardWeights reward;
  double guard = 0.6;
  double epsilon = 0.1;  // vscale-noheur only
  bool util_state = true;
  double explore = 0.1;  // vscale only: share of decisions that try an untried neighbour of the heuristics
  int seed = 1;
};

class VscaleAutoscaler final : public Autoscaler {
 public:
  VscaleAutoscaler(const PlacerSpec& spec, bool heuristics)
      : text_(spec.text), kind_(spec.name), heuristics_(heuristics) {
    std::vector<std::string> known = {"gamma", "window", "alpha", "discount", "max_step", "waste", "violation",
                                      "drop", "seed", "util_state"};
    if (heuristics) known.push_back("guard");
    if (heuristics) known.push_back("explore");
    if (!heuristics) known.push_back("epsilon");
    spec.check_options(known);
    detail::no_argument(spec);
    o_.gamma = double_option(spec, "gamma", 0.7, 0.5, 1);
    o_.window = detail::int_option(spec, "window", 32, 1, 100000);
    o_.alpha = double_option(spec, "alpha", 0.3, 1e-6, 1);
    o_.discount = double_option(spec, "discount", 0.8, 0, 1);
    o_.max_step = detail::int_option(spec, "max_step", 2, 1, 100);
    o_.reward.waste = double_option(spec, "waste", 0.5, 0, 100);
    o_.reward.violation = double_option(spec, "violation", 0.5, 0, 100);
    o_.reward.drop = double_option(spec, "drop", 1, 0, 100);
    o_.guard = double_option(spec, "guard", 0.6, 0, 1);
    o_.epsilon = double_option(spec, "epsilon", 0.1, 0, 1);
    o_.explore = double_option(spec, "explore", 0.1, 0, 1);
    o_.util_state = spec.int_option("util_state", 1) != 0;
    o_.seed = spec.int_option("seed", 1);
    rng_ = Rng(static_cast<std::uint64_t>(o_.seed));
  }

  std::vector<int> decide(const ScalingContext& ctx) override {
    init(ctx.app);
    if (ctx.current.size() != ctx.app.tiers.size()) {
      throw std::logic_error("autoscaler: current replicas do not cover every tier");
    }
    const double ratio = vscale_slo_ratio(ctx.last, ctx.slo_ms);
    std::string state = state_key(ctx.current, vscale_perf_bucket(ratio, o_.gamma));
    if (o_.util_state) {
      for (double u : ctx.last.tier_utilisation) state += u < 0.5 ? 'a' : u < 0.7 ? 'b' : u < 0.85 ? 'c' : 'd';
    }
    const std::vector<int> possible = possible_actions(ctx.app, ctx.current);
    if (pending_action_ >= 0) {
      table_->update(pending_state_, pending_action_, vscale_reward(ctx.app, ctx.last, ctx.slo_ms, o_.reward), state,
                     possible);
    }
    const int action = heuristics_ ? choose_bootstrapped(ctx, state, possible, ratio) : choose_greedy(state, possible);
    window_.push_back(ctx.last);
    if (static_cast<int>(window_.size()) > o_.window) window_.erase(window_.begin());
    pending_state_ = state;
    pending_action_ = action;
    std::vector<int> out = ctx.current;
    out[static_cast<std::size_t>(actions_[static_cast<std::size_t>(action)].tier)] +=
        actions_[static_cast<std::size_t>(action)].delta;
    return out;
  }

  void new_repetition() override {
    window_.clear();
    pending_action_ = -1;
    pending_state_.clear();
  }

  nlohmann::json save_state() const override {
    nlohmann::json j = {{"autoscaler", kind_},
                        {"version", 1},
                        {"gamma", o_.gamma},
                        {"max_step", o_.max_step},
                        {"decisions", {{"heuristic", by_heuristic_}, {"table", by_table_}, {"random", by_random_}}}};
    j["tiers"] = tiers_ >= 0 ? nlohmann::json(tiers_) : nlohmann::json(nullptr);
    j["q_table"] = table_ ? table_->to_json() : nlohmann::json(nullptr);
    return j;
  }

  void load_state(const nlohmann::json& j) override {
    if (j.is_null()) return;
    const std::string where = "autoscaler state";
    if (!j.is_object() || j.value("version", 0) != 1 || !j.contains("tiers") || !j.contains("q_table")) {
      throw InputError::field(where, "expected the JSON written by vscale's save_state (version 1)");
    }
    if (!j["max_step"].is_number_integer() || j["max_step"].get<int>() != o_.max_step) {
      throw InputError::field(where + ".max_step", fmt::format("the state was learned with another max_step; "
                                                               "this policy has {}", o_.max_step));
    }
    if (!j["gamma"].is_number() || std::abs(j["gamma"].get<double>() - o_.gamma) > 1e-12) {
      throw InputError::field(where + ".gamma", fmt::format("the state was learned with another gamma (its "
                                                            "performance buckets differ); this policy has {}",
                                                            o_.gamma));
    }
    if (j["tiers"].is_null() || j["q_table"].is_null()) return;  // saved before any decision
    if (!j["tiers"].is_number_integer() || j["tiers"].get<int>() < 1 || j["tiers"].get<int>() > 1000) {
      throw InputError::field(where + ".tiers", "expected a tier count");
    }
    if (tiers_ >= 0 && j["tiers"].get<int>() != tiers_) {
      throw InputError::field(where + ".tiers", fmt::format("the state has {} tiers; the app has {}",
                                                            j["tiers"].get<int>(), tiers_));
    }
    const int tiers = j["tiers"].get<int>();
    auto table = std::make_unique<QTable>(1 + 2 * o_.max_step * tiers, o_.alpha, o_.discount);
    table->load_json(j["q_table"]);
    if (j.contains("decisions") && j["decisions"].is_object()) {
      by_heuristic_ = j["decisions"].value("heuristic", 0LL);
      by_table_ = j["decisions"].value("table", 0LL);
      by_random_ = j["decisions"].value("random", 0LL);
    }
    tiers_ = tiers;
    build_actions();
    table_ = std::move(table);
  }

  std::string name() const override { return text_; }

 private:
  struct Action {
    int tier = 0, delta = 0;
  };

  void build_actions() {
    actions_.assign(1, Action{});
    for (int t = 0; t < tiers_; ++t) {
      for (int k = 1; k <= o_.max_step; ++k) {
        actions_.push_back({t, +k});
        actions_.push_back({t, -k});
      }
    }
  }

  void init(const AppModel& app) {
    if (table_) {
      if (tiers_ != app.num_tiers()) {
        throw InputError::field("autoscaler state.tiers", fmt::format("the loaded state has {} tiers; the app has {}",
                                                                      tiers_, app.num_tiers()));
      }
      return;
    }
    tiers_ = app.num_tiers();
    build_actions();
    table_ = std::make_unique<QTable>(static_cast<int>(actions_.size()), o_.alpha, o_.discount);
  }

  static std::string state_key(const std::vector<int>& replicas, int bucket) {
    std::string key;
    for (int r : replicas) key += std::to_string(r) + ",";
    key.back() = '|';
    key += std::to_string(bucket);
    return key;
  }

  std::vector<int> possible_actions(const AppModel& app, const std::vector<int>& current) const {
    int total = 0;
    for (int r : current) total += r;
    std::vector<int> out;
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      const Action& act = actions_[a];
      if (act.delta == 0) {
        out.push_back(static_cast<int>(a));
        continue;
      }
      const TierSpec& tier = app.tiers[static_cast<std::size_t>(act.tier)];
      const int next = current[static_cast<std::size_t>(act.tier)] + act.delta;
      if (next < tier.min_replicas || next > tier.max_replicas) continue;
      if (act.delta > 0 && total + act.delta > app.max_total_vms) continue;
      out.push_back(static_cast<int>(a));
    }
    return out;
  }

  int action_index(int tier, int delta) const {
    if (delta == 0) return 0;
    const int k = std::abs(delta);
    return 1 + 2 * o_.max_step * tier + 2 * (k - 1) + (delta > 0 ? 0 : 1);
  }

  int heuristic_action(const ScalingContext& ctx, const std::vector<int>& possible, double ratio) const {
    int direction = 0, amount = 1;
    if (ratio > o_.gamma) {
      direction = 1;
      amount = ratio > 1 ? o_.max_step : 1;
    } else if (ratio < 1 - o_.gamma) {
      direction = -1;
    }
    if (direction == 0) return 0;
    const int tier = vscale_heuristic_tier(ctx.app, window_, ctx.last, ctx.current, direction, o_.guard);
    if (tier < 0) return 0;
    for (int k = amount; k >= 1; --k) {
      const int a = action_index(tier, direction * k);
      if (std::find(possible.begin(), possible.end(), a) != possible.end()) return a;
    }
    return 0;
  }

  // The heuristics' neighbourhood in this state: their own action first,
  // then the other step sizes on the same tier in the same direction, the
  // no-op, and one step on the tier the heuristics would pick in each
  // direction. These are the actions the learner weighs against each other:
  // the heuristics bootstrap the search, the Q-table learns which of their
  // neighbours pays (e.g. holding headroom where a scale-down was followed by
  // a violation).
  std::vector<int> candidate_actions(const ScalingContext& ctx, const std::vector<int>& possible, int h) const {
    std::vector<int> out;
    auto add = [&](int a) {
      if (a >= 0 && std::find(possible.begin(), possible.end(), a) != possible.end() &&
          std::find(out.begin(), out.end(), a) == out.end()) {
        out.push_back(a);
      }
    };
    add(h);
    if (h > 0) {
      const Action& act = actions_[static_cast<std::size_t>(h)];
      const int sign = act.delta > 0 ? 1 : -1;
      for (int k = 1; k <= o_.max_step; ++k) add(action_index(act.tier, sign * k));
    }
    add(0);
    for (int direction : {+1, -1}) {
      const int tier = vscale_heuristic_tier(ctx.app, window_, ctx.last, ctx.current, direction, o_.guard);
      if (tier >= 0) add(action_index(tier, direction));
    }
    return out;
  }

  // Bootstrapping: in a state where the heuristics' own action was never
  // tried, take it. Otherwise, with probability `explore`, try an untried
  // neighbour; else the neighbour with the best Q (only tried ones).
  int choose_bootstrapped(const ScalingContext& ctx, const std::string& state, const std::vector<int>& possible,
                          double ratio) {
    const int h = heuristic_action(ctx, possible, ratio);
    if (table_->visits(state, h) == 0) {
      ++by_heuristic_;
      return h;
    }
    const std::vector<int> candidates = candidate_actions(ctx, possible, h);
    if (o_.explore > 0 && rng_.uniform() < o_.explore) {
      std::vector<int> untried;
      for (int a : candidates) {
        if (table_->visits(state, a) == 0) untried.push_back(a);
      }
      if (!untried.empty()) {
        ++by_random_;
        return untried[static_cast<std::size_t>(rng_.below(untried.size()))];
      }
    }
    const int a = table_->greedy(state, candidates, /*only_explored=*/true);
    ++(a == h ? by_heuristic_ : by_table_);
    return a;
  }

  int choose_greedy(const std::string& state, const std::vector<int>& possible) {
    if (rng_.uniform() < o_.epsilon) {
      ++by_random_;
      return possible[static_cast<std::size_t>(rng_.below(possible.size()))];
    }
    ++by_table_;
    // Ties (in an unseen state every value is 0) go to a uniformly random
    // action, as plain Q-learning breaks them; action order sent every new
    // state to the no-op and, after a penalty, to the first tier's scale-up
    // whatever the bottleneck: a bias, not a learned choice.
    table_->best(state, possible, ties_);
    return ties_[static_cast<std::size_t>(rng_.below(ties_.size()))];
  }

  std::string text_, kind_;
  bool heuristics_;
  VscaleOptions o_;
  Rng rng_;
  int tiers_ = -1;
  std::vector<Action> actions_;
  std::unique_ptr<QTable> table_;
  std::vector<int> ties_;  // choose_greedy's best actions, reused
  std::vector<IntervalStats> window_;
  std::string pending_state_;
  int pending_action_ = -1;
  long long by_heuristic_ = 0, by_table_ = 0, by_random_ = 0;
};

}  // namespace

FLEETOPT_REGISTER_AUTOSCALER("vscale",
                             "Q-learning bootstrapped by vScale's heuristics: @gamma=0.7 @window=32 @alpha=0.3 "
                             "@discount=0.8 @max_step=2 @guard=0.6 @explore=0.1 @util_state=1",
                             [](const std::string& text) -> std::unique_ptr<Autoscaler> {
                               return std::make_unique<VscaleAutoscaler>(PlacerSpec::parse(text), true);
                             });
FLEETOPT_REGISTER_AUTOSCALER("vscale-noheur",
                             "plain epsilon-greedy Q-learning, vscale's states/actions/reward: @epsilon=0.1",
                             [](const std::string& text) -> std::unique_ptr<Autoscaler> {
                               return std::make_unique<VscaleAutoscaler>(PlacerSpec::parse(text), false);
                             });

}  // namespace fleetopt::scaling
