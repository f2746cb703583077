// Option helpers shared by the autoscaling policies (baselines.cc, vscale.cc,
// oracle.cc): PlacerSpec (placement/placer.h) parses the NAME[:ARG][@KEY=VALUE]
// grammar and has int_option; autoscalers also take fractions and seconds.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"

namespace fleetopt::scaling::detail {

// A finite number in [lo, hi]; InputError naming policy and option otherwise.
inline double double_option(const PlacerSpec& spec, const std::string& key, double fallback, double lo,
                            double hi) {
  auto it = spec.options.find(key);
  if (it == spec.options.end()) return fallback;
  double v = 0;
  if (!parse_double(it->second, v) || v < lo || v > hi) {
    throw InputError::field(fmt::format("autoscaler {} option {}", spec.name, key),
                            fmt::format("expected a number in [{}, {}], got '{}'", lo, hi, it->second));
  }
  return v;
}

// An integer in [lo, hi] (int_option checks [0, 1e6]; this narrows it).
inline int int_option(const PlacerSpec& spec, const std::string& key, int fallback, int lo, int hi) {
  int v = spec.int_option(key, fallback);
  if (v < lo || v > hi) {
    throw InputError::field(fmt::format("autoscaler {} option {}", spec.name, key),
                            fmt::format("expected an integer in [{}, {}], got {}", lo, hi, v));
  }
  return v;
}

// Policies of this module take no ':' argument.
inline void no_argument(const PlacerSpec& spec) {
  if (!spec.arg.empty()) {
    throw InputError::field(fmt::format("autoscaler {}", spec.name),
                            fmt::format("takes no ':' argument, got '{}'", spec.arg));
  }
}

// The statistics a policy reads must cover every tier of the app.
// The SLO test of the scaling loop (scaling_run.cc), restated for the
// policies that reason about it: p99 at or under the SLO and at most 1% of the
// finished requests slow or dropped; an interval without requests meets it.
inline bool meets_slo(const IntervalStats& s, double slo_ms) {
  const std::int64_t finished = s.completed + s.dropped;
  if (finished == 0) return s.arrived == 0;
  const double slow_share = static_cast<double>(s.over_slo + s.dropped) / static_cast<double>(finished);
  return s.p99_ms <= slo_ms && slow_share <= 0.01;
}

inline void check_tiers(const AppModel& app, const std::vector<double>& per_tier, const char* what) {
  if (static_cast<int>(per_tier.size()) != app.num_tiers()) {
    throw std::logic_error(fmt::format("autoscaler: interval statistics give {} {} values for {} tiers",
                                       per_tier.size(), what, app.num_tiers()));
  }
}

}  // namespace fleetopt::scaling::detail
