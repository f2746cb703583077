// oracle: a bound for the autoscalers, not a policy. It reads the future load
// (ctx.future_level) and evaluates allocations with the analytic model
// (ctx.what_if), so it knows what no online policy can.
//
// Rule, at the end of each interval (time now):
//  level  = the highest load over [now - interval, now + @lookahead) sampled
//           every quarter interval. @lookahead defaults to the app's boot
//           delay plus one interval: a replica asked for now serves after the
//           boot delay, so the allocation chosen now must already carry the
//           load until a later decision could take effect. The interval just
//           ended is included because replicas removed now leave their queued
//           work behind: after a drop in load the backlog of the higher level
//           still has to drain (without it the bound misses the SLO on the
//           first minute after each drop).
//  alloc  = fewest VMs by local search on the what-if model, from the last
//           allocation (clamped to the tiers' min/max): while what_if(alloc,
//           level) misses the SLO (the loop's test: p99 <= SLO and at most 1%
//           of requests slow or dropped), add one replica to the tier with the
//           highest utilisation among those below their max (ties: the first
//           tier), until it meets the SLO or no tier may grow (tier max or the
//           total VM limit: then the largest allocation reached). Then prune:
//           remove one replica from a tier (lowest utilisation first) as long
//           as what_if still meets the SLO. The result is a local minimum: no
//           single replica can be removed. Starting from the last allocation
//           keeps the what-if calls per decision to a handful.
// Options: @lookahead=SECONDS.
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/scaling/autoscaler.h"
#include "fleetopt/scaling/policy_options.h"

namespace fleetopt::scaling {
namespace {

class OracleAutoscaler final : public Autoscaler {
 public:
  explicit OracleAutoscaler(const PlacerSpec& spec) : text_(spec.text) {
    spec.check_options({"lookahead"});
    detail::no_argument(spec);
    lookahead_s_ = detail::double_option(spec, "lookahead", -1, 0, 1e7);
  }

  std::vector<int> decide(const ScalingContext& ctx) override {
    if (!ctx.future_level || !ctx.what_if) {
      throw InputError::field("autoscaler oracle", "needs the scaling loop's future load and what-if model");
    }
    const AppModel& app = ctx.app;
    const double horizon = lookahead_s_ >= 0 ? lookahead_s_ : app.boot_delay_s + ctx.interval_s;
    const double step = ctx.interval_s / 4;
    double level = ctx.future_level(std::max(0.0, ctx.now_s - ctx.interval_s));
    for (double dt = -ctx.interval_s + step; dt < horizon - 1e-9; dt += step) {
      level = std::max(level, ctx.future_level(std::max(0.0, ctx.now_s + dt)));
    }

    const std::size_t n = app.tiers.size();
    std::vector<int> alloc(n);
    auto total = [&] { return std::accumulate(alloc.begin(), alloc.end(), 0); };
    for (std::size_t t = 0; t < n; ++t) {
      const int last = t < ctx.current.size() ? ctx.current[t] : app.tiers[t].min_replicas;
      alloc[t] = std::clamp(last, app.tiers[t].min_replicas, app.tiers[t].max_replicas);
    }
    while (total() > app.max_total_vms) {
      auto t = static_cast<std::size_t>(std::max_element(alloc.begin(), alloc.end()) - alloc.begin());
      if (alloc[t] <= app.tiers[t].min_replicas) break;
      --alloc[t];
    }

    IntervalStats s = ctx.what_if(alloc, level);
    while (!detail::meets_slo(s, ctx.slo_ms)) {
      detail::check_tiers(app, s.tier_utilisation, "utilisation");
      int pick = -1;
      for (std::size_t t = 0; t < n; ++t) {
        if (alloc[t] >= app.tiers[t].max_replicas || total() >= app.max_total_vms) continue;
        if (pick < 0 || s.tier_utilisation[t] > s.tier_utilisation[static_cast<std::size_t>(pick)]) {
          pick = static_cast<int>(t);
        }
      }
      if (pick < 0) return alloc;  // the SLO is out of reach: the most the limits allow
      ++alloc[static_cast<std::size_t>(pick)];
      s = ctx.what_if(alloc, level);
    }

    detail::check_tiers(app, s.tier_utilisation, "utilisation");
    // Prune: the last allocation may be more than this level needs, and the
    // greedy may have overshot on a tier that a later addition relieved.
    bool removed = true;
    while (removed) {
      removed = false;
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return s.tier_utilisation[a] < s.tier_utilisation[b];
      });
      for (std::size_t t : order) {
        if (alloc[t] <= app.tiers[t].min_replicas) continue;
        --alloc[t];
        IntervalStats probe = ctx.what_if(alloc, level);
        if (detail::meets_slo(probe, ctx.slo_ms)) {
          s = std::move(probe);
          removed = true;
          break;
        }
        ++alloc[t];
      }
    }
    return alloc;
  }
  std::string name() const override { return text_; }

 private:
  std::string text_;
  double lookahead_s_ = -1;
};

}  // namespace

FLEETOPT_REGISTER_AUTOSCALER("oracle",
                             "bound, not a policy: fewest VMs per tier meeting the SLO for the peak load of the "
                             "next boot delay + interval (future load + analytic what-if)",
                             [](const std::string& text) -> std::unique_ptr<Autoscaler> {
                               return std::make_unique<OracleAutoscaler>(PlacerSpec::parse(text));
                             });

}  // namespace fleetopt::scaling
