// vScale: Q-learning over (configuration, performance) states, bootstrapped by
// heuristics (vscale.cc registers `vscale` and `vscale-noheur`). This header
// exposes the parts worth testing on hand-made histories: the heuristics'
// choice of tier, the reward and the performance buckets.
#pragma once

#include <string>
#include <vector>

#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"

namespace fleetopt::scaling {

// p99 over the SLO for the state and the heuristics; an interval that fails
// the loop's SLO test only through drops or slow requests (p99 under the SLO)
// counts as just above it, one with load and no completions as infinite.
double vscale_slo_ratio(const IntervalStats& s, double slo_ms);

// The performance part of the state: the index of p99/SLO among the sorted
// boundaries {0.1, 0.25, 1 - gamma, gamma, 1, 2} (a ratio equal to a
// boundary falls below it), 0 .. 6.
int vscale_perf_bucket(double slo_ratio, double gamma);

struct VscaleRewardWeights {
  double waste = 0.5;      // per unit of idle share of the paid cores, when the SLO is met
  double violation = 0.5;  // per unit of p99/SLO above 1 (capped at 4), when it is not
  double drop = 1.0;       // per unit of dropped share of the requests issued, when it is not
};

// Reward of the interval that followed an action (docs/scaling.md):
//   SLO met:      r = 1 - waste * idle,  idle = 1 - busy cores / paid cores
//                 (the most constrained resource of the model, CPU, over the
//                 replicas paid for: active + booting);
//   SLO missed:   r = -1 - violation * min(p99/SLO - 1, 4) - drop * dropped/arrived.
double vscale_reward(const AppModel& app, const IntervalStats& s, double slo_ms, const VscaleRewardWeights& w);

// The heuristics' choice of tier, `direction` +1 (scale up) or -1 (down),
// from the W intervals before the last (`window`, oldest first) and the last.
// A tier's latency is its contribution to a request's latency: mean visits x
// per-visit residence (tier_latency_ms).
//  up:   among tiers below their max,
//        1. when the last interval dropped more requests than the window's
//           mean ("most increasing errors"; drops are not attributed to
//           tiers by the simulators, so the saturated tier takes them): the
//           tier with the highest utilisation;
//        2. else the greatest latency increase (last minus the window's mean)
//           among the slow tiers (latency at least half the highest), if one
//           increased;
//        3. else the highest latency.
//        Boot-aware: when the chosen tier has replicas booting that would
//        carry its present load at or under `guard` (u * active / paid <=
//        guard), -1: wait for them instead of piling on (a boot takes two
//        intervals by default).
//  down: among tiers above their min whose utilisation after losing one
//        serving replica, u * a / (a - 1), stays at or under `guard`
//        (a booting replica goes first: then u itself),
//        1. the greatest latency decrease (window's mean minus last), if any tier decreased;
//        2. else the lowest latency.
// -1 when no tier qualifies.
int vscale_heuristic_tier(const AppModel& app, const std::vector<IntervalStats>& window, const IntervalStats& last,
                          const std::vector<int>& current, int direction, double guard);

}  // namespace fleetopt::scaling
