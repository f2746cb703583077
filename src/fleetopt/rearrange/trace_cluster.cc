#include "fleetopt/rearrange/trace_cluster.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/rearrange/rules.h"

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

// The time at which most instances run (a sweep over arrivals and departures).
double busiest_time(const Workload& w) {
  std::vector<std::pair<double, int>> events;
  events.reserve(2 * w.size());
  for (const auto& inst : w.instances) {
    events.emplace_back(inst.arrival, 1);
    events.emplace_back(inst.departure, -1);
  }
  std::sort(events.begin(), events.end());  // departures (-1) first at equal times
  int running = 0, best = -1;
  double at = w.start;
  for (const auto& [t, d] : events) {
    running += d;
    if (running > best) {
      best = running;
      at = t;
    }
  }
  return at;
}

}  // namespace

TraceCluster cluster_from_workload(const Workload& w, const TraceClusterOptions& opts) {
  if (opts.placement != "spread" && opts.placement != "first-fit") {
    throw InputError::field("placement", fmt::format("unknown '{}' (known: spread, first-fit)", opts.placement));
  }
  TraceCluster out;
  if (opts.at < 0) {
    out.at = opts.fill ? std::nextafter(w.end, w.start) : busiest_time(w);
  } else {
    out.at = w.start + opts.at;
  }
  auto departs = [&](std::size_t i) { return opts.fill ? w.end + 1 : w.instances[i].departure; };
  if (out.at < w.start || out.at >= w.end) {
    throw InputError::field("--at", fmt::format("{:g} s is outside the workload ({:g} s long)", out.at - w.start,
                                                w.end - w.start));
  }
  Cluster& c = out.cluster;
  c.dims = w.dims;
  // Instances that arrive by `at`; the replay decides who is left.
  std::vector<std::size_t> arrived;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w.instances[i].arrival > out.at) continue;
    arrived.push_back(i);
  }
  for (std::size_t i : arrived) {
    Vm vm;
    vm.id = w.ids[i];
    vm.demand = w.instances[i].request;
    vm.memory_gb = has_dim(w.dims, kMem) ? vm.demand[kMem] : 0;
    if (i < w.tags.size() && !w.tags[i].empty()) vm.tags = {w.tags[i]};
    c.vms.push_back(vm);
  }
  if (opts.hosts == 0 && !w.hosts.empty()) {
    for (const auto& spec : w.hosts) c.hosts.push_back(Host{spec.id, spec.capacity, {}, 10, {}});
  } else {
    Resources cap = opts.host;
    bool zero = true;
    for (int d = 0; d < kMaxDims; ++d) zero = zero && cap[d] == 0;
    if (zero) cap = w.default_host;
    std::int32_t n = opts.hosts;
    if (n == 0) {
      // 1.3 x the continuous bound of what runs at `at`, on hosts of this size.
      Resources total;
      for (std::size_t k = 0; k < arrived.size(); ++k) {
        if (departs(arrived[k]) > out.at) total += c.vms[k].demand;
      }
      double need = 1;
      for (int d = 0; d < kMaxDims; ++d) {
        if (has_dim(w.dims, d) && cap[d] > 0) need = std::max(need, std::ceil(total[d] / cap[d]));
      }
      n = static_cast<std::int32_t>(std::ceil(1.3 * need));
    }
    for (std::int32_t h = 0; h < n; ++h) c.hosts.push_back(Host{fmt::format("host-{}", h), cap, {}, 10, {}});
  }
  c.index();
  RuleSet rules = standard_rules(c);
  Occupancy occ(c);
  Placement p(c.vms.size(), kNoHost);
  // Replay: (time, +1 arrival / -1 departure, vm); departures first at equal times.
  std::vector<std::tuple<double, int, std::int32_t>> events;
  for (std::size_t k = 0; k < arrived.size(); ++k) {
    const auto& inst = w.instances[arrived[k]];
    events.emplace_back(inst.arrival, 1, static_cast<std::int32_t>(k));
    if (departs(arrived[k]) <= out.at) events.emplace_back(departs(arrived[k]), 0, static_cast<std::int32_t>(k));
  }
  std::sort(events.begin(), events.end());
  const bool spread = opts.placement == "spread";
  for (const auto& [t, kind, v] : events) {
    if (kind == 0) {
      if (p[ix(v)] != kNoHost) occ.remove(v, p[ix(v)]);
      p[ix(v)] = kNoHost;
      continue;
    }
    std::int32_t best = kNoHost;
    double best_load = 0;
    for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
      if (!rules.admits(occ, v, h)) continue;
      if (!spread) {
        best = h;
        break;
      }
      double load = normalised_load(c, h, occ.load(h));
      if (best == kNoHost || load < best_load) {
        best = h;
        best_load = load;
      }
    }
    if (best == kNoHost) {
      if (departs(arrived[ix(v)]) > out.at) ++out.rejected;
      continue;
    }
    p[ix(v)] = best;
    occ.add(v, best);
  }
  // Keep only the VMs running at `at`.
  Cluster kept = c;
  kept.vms.clear();
  for (std::size_t k = 0; k < c.vms.size(); ++k) {
    if (p[k] == kNoHost) continue;
    kept.vms.push_back(c.vms[k]);
    out.a.push_back(p[k]);
  }
  kept.index();
  out.cluster = std::move(kept);
  out.description = fmt::format("{} at {:g} s{}: {} VMs on {} hosts ({} placement{})", w.name, out.at - w.start,
                                opts.fill ? " (departures ignored)" : "", out.a.size(), out.cluster.num_hosts(),
                                opts.placement,
                                out.rejected > 0 ? fmt::format(", {} arrivals rejected", out.rejected) : "");
  return out;
}

}  // namespace fleetopt::rearrange
