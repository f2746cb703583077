#include "fleetopt/reclaim/accounting.h"

#include <algorithm>
#include <cmath>

namespace fleetopt::reclaim {

double daily_discount(double minutes) {
  if (minutes < 15) return 0.0;
  if (minutes <= 120) return 0.10;
  if (minutes <= 720) return 0.15;
  return 0.30;
}

std::int64_t containers_for(double reclaimable_cpu, double reclaimable_mem) {
  const double n = std::min(reclaimable_cpu / kContainerSize[kResCpu], reclaimable_mem / kContainerSize[kResMem]);
  // The small tolerance keeps 8.0 GB - a float rounding from flipping a whole container.
  return n <= 0 ? 0 : static_cast<std::int64_t>(std::floor(n + 1e-9));
}

void HostAccount::add(const HostAccount& o) {
  savings_usd += o.savings_usd;
  penalties_usd += o.penalties_usd;
  violation_minutes += o.violation_minutes;
  container_steps += o.container_steps;
  steps += o.steps;
  for (int r = 0; r < kResources; ++r) {
    auto& a = res[static_cast<std::size_t>(r)];
    const auto& b = o.res[static_cast<std::size_t>(r)];
    a.savings_usd += b.savings_usd;
    a.penalties_usd += b.penalties_usd;
    a.violation_minutes += b.violation_minutes;
    a.margin_sum += b.margin_sum;
  }
}

HostAccount account_host(const HostSeries& host, const std::array<const float*, kResources>& forecast,
                         const std::array<const float*, kResources>& margin, std::size_t begin, std::size_t end,
                         double step_seconds, std::uint8_t* violated) {
  HostAccount acc;
  const double step_minutes = step_seconds / 60.0;
  const double price_per_step = kContainerPricePerHour * step_seconds / 3600.0;
  const double cap[kResources] = {host.capacity[kResCpu], host.capacity[kResMem]};
  end = std::min(end, host.steps());
  std::size_t t = begin;
  while (t < end) {
    const std::size_t day_end = std::min(end, (t / kStepsPerDay + 1) * kStepsPerDay);
    double day_sales = 0, day_minutes = 0, res_minutes[kResources] = {0, 0};
    for (; t < day_end; ++t) {
      const std::size_t k = t - begin;
      double rec[kResources];
      for (int r = 0; r < kResources; ++r) {
        const double m = margin[static_cast<std::size_t>(r)][k];
        acc.res[static_cast<std::size_t>(r)].margin_sum += m;
        rec[r] = reclaimable(cap[r], forecast[static_cast<std::size_t>(r)][t], m);
      }
      const std::int64_t sold = containers_for(rec[kResCpu], rec[kResMem]);
      std::uint8_t mask = 0;
      for (int r = 0; r < kResources; ++r) {
        const double total = static_cast<double>(host.use[static_cast<std::size_t>(r)][t]) +
                             static_cast<double>(sold) * kContainerSize[r];
        if (sold > 0 && total > cap[r] * (1 + 1e-9)) {
          mask |= static_cast<std::uint8_t>(1u << r);
          res_minutes[r] += step_minutes;
        }
      }
      if (mask != 0) day_minutes += step_minutes;
      if (violated != nullptr) violated[k] = mask;
      acc.container_steps += sold;
      day_sales += static_cast<double>(sold) * price_per_step;
    }
    const double penalty = daily_discount(day_minutes) * day_sales;
    acc.savings_usd += day_sales;
    acc.penalties_usd += penalty;
    acc.violation_minutes += day_minutes;
    const double split = res_minutes[kResCpu] + res_minutes[kResMem];
    for (int r = 0; r < kResources; ++r) {
      auto& ra = acc.res[static_cast<std::size_t>(r)];
      ra.savings_usd += day_sales / kResources;
      ra.violation_minutes += res_minutes[r];
      if (split > 0) ra.penalties_usd += penalty * res_minutes[r] / split;
    }
  }
  acc.steps = end > begin ? end - begin : 0;
  return acc;
}

}  // namespace fleetopt::reclaim
