// The economics of reselling reclaimed capacity, exactly as issue 11 and
// DESIGN.md state them: containers of 2 vCPU / 8 GB at $0.0317 per hour; per
// host and day, the minutes in which a resold container's SLA was violated
// set a discount on that day's sales.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "fleetopt/reclaim/host_series.h"

namespace fleetopt::reclaim {

inline constexpr double kContainerSize[kResources] = {2.0, 8.0};  // vCPU, GB
inline constexpr double kContainerPricePerHour = 0.0317;
inline constexpr std::size_t kStepsPerDay = 288;  // of 5 minutes

// The day's discount for `minutes` in violation. Edges: a tier starts just
// above the previous tier's upper edge, and its upper edge is inclusive:
//   minutes < 15 -> 0;  15 <= m <= 120 -> 0.10;  120 < m <= 720 -> 0.15;
//   m > 720 -> 0.30   (so 14:0, 15:10%, 120:10%, 121:15%, 720:15%, 721:30%).
double daily_discount(double minutes);

// What can be resold of one resource: capacity - forecast - margin (margin a
// fraction of capacity), never below 0.
inline double reclaimable(double capacity, double forecast, double margin_fraction) {
  const double r = capacity - forecast - margin_fraction * capacity;
  return r > 0 ? r : 0;
}
// Whole containers that fit both resources: floor(min(cpu/2, mem/8)).
std::int64_t containers_for(double reclaimable_cpu, double reclaimable_mem);

struct ResourceAccount {
  double savings_usd = 0;    // this resource's half of the container revenue
  double penalties_usd = 0;  // the day's discount split by violation minutes
  double violation_minutes = 0;
  double margin_sum = 0;     // of margin fractions, over the steps
};

struct HostAccount {
  double savings_usd = 0;    // revenue of the containers sold (before discounts)
  double penalties_usd = 0;  // the daily discounts
  double net_usd() const { return savings_usd - penalties_usd; }
  double violation_minutes = 0;   // minutes with a violation in any resource
  std::int64_t container_steps = 0;
  std::size_t steps = 0;
  std::array<ResourceAccount, kResources> res;

  void add(const HostAccount& o);
};

// Accounts steps [begin, end) of one host. forecast[r] and margin[r] are
// indexed by absolute step (margin by t - begin). Days are blocks of
// kStepsPerDay steps counted from the host's step 0; a day cut by begin or
// end counts the minutes of the part inside. Savings are split 50/50 between
// the resources (a container needs both); a day's penalty is split by each
// resource's violation minutes.
// `violated`, when not null, receives per step (t - begin) a bit mask of the
// resources in violation.
HostAccount account_host(const HostSeries& host, const std::array<const float*, kResources>& forecast,
                         const std::array<const float*, kResources>& margin, std::size_t begin, std::size_t end,
                         double step_seconds, std::uint8_t* violated = nullptr);

}  // namespace fleetopt::reclaim
