#include "fleetopt/sim/fleet_sizing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include <tbb/parallel_for.h>

#include "fleetopt/core/error.h"

namespace fleetopt {

std::int32_t request_lower_bound(const Workload& workload, const Resources& host_capacity,
                                 const Resources& overcommit) {
  // Sweep over arrival/departure steps; departures at a step free room
  // before that step's arrivals, as in the simulator.
  std::vector<std::pair<std::int64_t, std::size_t>> events;  // (2*step + kind, vm); kind 0 = leave
  const std::int64_t steps = workload.steps();
  for (std::size_t i = 0; i < workload.size(); ++i) {
    std::int64_t a = workload.arrival_step(i);
    if (a >= steps) continue;
    events.emplace_back(2 * a + 1, i);
    events.emplace_back(2 * workload.departure_step(i), i);
  }
  std::sort(events.begin(), events.end());
  Resources current, peak;
  for (const auto& [key, vm] : events) {
    const Resources& r = workload.instances[vm].request;
    if (key % 2 == 1) {
      current += r;
      for (int d = 0; d < kMaxDims; ++d) peak[d] = std::max(peak[d], current[d]);
    } else {
      current -= r;
    }
  }
  double bound = 1;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(workload.dims, d)) continue;
    double limit = host_capacity[d] * (overcommit[d] > 0 ? overcommit[d] : 1.0);
    if (limit > 0) bound = std::max(bound, std::ceil(peak[d] / limit - 1e-9));
  }
  return static_cast<std::int32_t>(std::min(bound, 2e9));
}

SizingResult size_fleet(const Workload& workload, const PlacerMaker& make_placer,
                        const SimConfig& base, const SizingOptions& options) {
  if (!(options.overload_limit >= 0 && options.overload_limit <= 1)) {
    throw InputError::field("overload-limit", "must be in [0, 1]");
  }
  SizingResult result;
  const Resources host = effective_host(workload, base);
  result.lower_bound = request_lower_bound(workload, host, base.overcommit);

  std::map<std::int32_t, SimMetrics> runs;
  auto passes = [&](std::int32_t n) {
    auto it = runs.find(n);
    if (it == runs.end()) {
      SimConfig config = base;
      config.hosts = n;
      auto placer = make_placer();
      it = runs.emplace(n, simulate(workload, *placer, config)).first;
      ++result.simulations;
    }
    return it->second.rejected == 0 && it->second.overload_rate <= options.overload_limit;
  };

  // More hosts than VMs never helps: every VM could already run alone.
  const std::int32_t max_hosts = std::max<std::int32_t>(
      1, std::min<std::int64_t>(options.max_hosts, static_cast<std::int64_t>(workload.size())));
  std::int32_t lo = std::max<std::int32_t>(1, result.lower_bound) - 1;  // known or assumed failing
  std::int32_t hi = std::max<std::int32_t>(1, result.lower_bound);
  while (!passes(hi)) {
    lo = hi;
    if (hi >= max_hosts) {
      result.largest_tried = hi;
      result.at_size = runs.at(hi);
      result.set_by = result.at_size.rejected > 0 ? "rejections" : "overload";
      return result;  // not found
    }
    hi = static_cast<std::int32_t>(std::min<std::int64_t>(std::int64_t{hi} * 2, max_hosts));
  }
  while (hi - lo > 1) {
    std::int32_t mid = lo + (hi - lo) / 2;
    if (passes(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  for (std::int32_t below = 1; below <= options.scan_below; ++below) {
    std::int32_t n = hi - below;
    if (n < std::max<std::int32_t>(1, result.lower_bound)) break;  // under the bound: rejections
    if (passes(n)) {
      hi = n;
      below = 0;  // restart the scan under the new answer
    }
  }
  result.found = true;
  result.servers_needed = hi;
  result.largest_tried = hi;
  result.at_size = runs.at(hi);
  if (hi <= std::max<std::int32_t>(1, result.lower_bound)) {
    result.set_by = "requests";
  } else if (auto below = runs.find(hi - 1); below != runs.end()) {
    result.set_by = below->second.rejected > 0 ? "rejections" : "overload";
  }
  return result;
}

SeededSizing summarise_seeds(std::vector<std::uint64_t> seeds, std::vector<SizingResult> per_seed) {
  if (seeds.empty() || seeds.size() != per_seed.size()) {
    throw std::invalid_argument("summarise_seeds: one sizing result per seed, at least one");
  }
  SeededSizing s;
  s.seeds = std::move(seeds);
  s.per_seed = std::move(per_seed);
  std::vector<std::size_t> order(s.per_seed.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto size_of = [&](std::size_t i) {
    return s.per_seed[i].found ? static_cast<double>(s.per_seed[i].servers_needed)
                               : std::numeric_limits<double>::infinity();
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size_of(a) < size_of(b); });
  const std::size_t n = order.size();
  const std::size_t lower = order[(n - 1) / 2];
  const std::size_t upper = order[n / 2];
  s.representative = lower;
  s.found = s.per_seed[lower].found && s.per_seed[upper].found;
  s.median_servers = s.found ? (size_of(lower) + size_of(upper)) / 2 : 0.0;
  return s;
}

SeededSizing size_fleet_seeds(const Workload& workload, const PlacerMaker& make_placer,
                              const SimConfig& base, const SizingOptions& options, int count) {
  if (count < 1 || count > 1000) throw InputError::field("--seeds", "must be in [1, 1000]");
  std::vector<std::uint64_t> seeds(static_cast<std::size_t>(count));
  std::iota(seeds.begin(), seeds.end(), base.seed);
  std::vector<SizingResult> results(seeds.size());
  // The searches are independent; TBB spreads them over the cores (and nests
  // inside a caller's parallel loop over policies).
  tbb::parallel_for(std::size_t{0}, seeds.size(), [&](std::size_t k) {
    SimConfig config = base;
    config.seed = seeds[k];
    results[k] = size_fleet(workload, make_placer, config, options);
  });
  return summarise_seeds(std::move(seeds), std::move(results));
}

}  // namespace fleetopt
