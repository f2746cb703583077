#include "fleetopt/rearrange/oracle.h"

#include <queue>

#include <fmt/format.h>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace fleetopt::rearrange {

OracleResult reference_search(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                              const Placement& start, const Placement& goal, std::int64_t max_states) {
  std::vector<std::int32_t> movable;
  Placement fixed = start;
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (start[static_cast<std::size_t>(v)] != kNoHost && !c.vm(v).pinned) {
      movable.push_back(v);
      fixed[static_cast<std::size_t>(v)] = kNoHost;
    }
  }
  if (movable.size() > 16 || c.num_hosts() > 15) throw std::logic_error("reference_search: instance too large");
  auto encode = [&](const Placement& p) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < movable.size(); ++i) {
      key |= static_cast<std::uint64_t>(p[static_cast<std::size_t>(movable[i])]) << (4 * i);
    }
    return key;
  };
  auto host_in = [](std::uint64_t key, std::size_t i) { return static_cast<std::int32_t>((key >> (4 * i)) & 0xf); };
  const std::uint64_t target = encode(goal);
  using Entry = std::pair<double, std::uint64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  std::unordered_map<std::uint64_t, double> best;
  const std::uint64_t origin = encode(start);
  best[origin] = 0;
  queue.push({0, origin});
  OracleResult out;
  Placement p;
  Occupancy occ(c);
  while (!queue.empty()) {
    auto [g, key] = queue.top();
    queue.pop();
    if (g > best.find(key)->second) continue;
    if (key == target) {
      out.reachable = true;
      out.optimal_cost = g;
      return out;
    }
    if (++out.states > max_states) {
      out.complete = false;
      return out;
    }
    p = fixed;
    for (std::size_t i = 0; i < movable.size(); ++i) p[static_cast<std::size_t>(movable[i])] = host_in(key, i);
    occ.load_placement(p);
    for (std::size_t i = 0; i < movable.size(); ++i) {
      std::int32_t vm = movable[i], from = host_in(key, i);
      for (std::int32_t to = 0; to < c.num_hosts(); ++to) {
        if (to == from || !rules.admits(occ, vm, to)) continue;
        std::uint64_t next = (key & ~(std::uint64_t{0xf} << (4 * i))) | (static_cast<std::uint64_t>(to) << (4 * i));
        double g2 = g + cost.cost(c, vm, from, to);
        auto [it, inserted] = best.try_emplace(next, g2);
        if (inserted || g2 < it->second - 1e-12) {
          it->second = g2;
          queue.push({g2, next});
        }
      }
    }
  }
  return out;  // exhausted: unreachable
}

namespace {

std::int32_t pick(Rng& rng, std::int32_t lo, std::int32_t hi) {  // inclusive
  return lo + static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
}

// Random admitting host for vm in occ, or kNoHost.
std::int32_t random_host(Rng& rng, const Cluster& c, const RuleSet& rules, const Occupancy& occ,
                         std::int32_t vm, std::int32_t except = kNoHost) {
  std::vector<std::int32_t> options;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (h != except && rules.admits(occ, vm, h)) options.push_back(h);
  }
  if (options.empty()) return kNoHost;
  return options[static_cast<std::size_t>(rng.below(options.size()))];
}

std::vector<std::int32_t> shuffled(Rng& rng, std::int32_t n) {
  std::vector<std::int32_t> order(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(i))]);
  return order;
}

}  // namespace

SmallInstance random_small_instance(Rng& rng, const SmallInstanceParams& params) {
  SmallInstance inst;
  Cluster& c = inst.cluster;
  c.dims = kCpuMem;
  const std::int32_t hosts = pick(rng, 2, params.max_hosts);
  std::int32_t vms = pick(rng, 1, params.max_vms);
  const bool startup = rng.bernoulli(params.startup_probability) && vms >= 2;
  for (std::int32_t h = 0; h < hosts; ++h) {
    Host host;
    host.id = fmt::format("h{}", h);
    host.capacity = make_resources(pick(rng, 8, 12), pick(rng, 8, 16));
    c.hosts.push_back(host);
  }
  for (std::int32_t v = 0; v < vms; ++v) {
    Vm vm;
    vm.id = fmt::format("v{}", v);
    vm.demand = make_resources(pick(rng, 1, 6), pick(rng, 1, 6));
    vm.memory_gb = vm.demand[kMem];
    c.vms.push_back(vm);
  }
  if (rng.bernoulli(params.anti_affinity_probability) && vms >= 2) {
    std::int32_t g = c.intern_group("g");
    std::int32_t members = std::min(vms, pick(rng, 2, 3));
    for (std::int32_t i = 0; i < members; ++i) c.vms[static_cast<std::size_t>(i)].anti_affinity = g;
  }
  RuleSet rules = standard_rules(c);
  // A: random sane placement; VMs that fit nowhere are left out of the cluster.
  Occupancy occ(c);
  Placement a(static_cast<std::size_t>(vms), kNoHost);
  for (std::int32_t v : shuffled(rng, vms)) {
    if (startup && v == vms - 1) continue;  // placed only in B
    std::int32_t h = random_host(rng, c, rules, occ, v);
    if (h == kNoHost) continue;
    a[static_cast<std::size_t>(v)] = h;
    occ.add(v, h);
  }
  if (rng.bernoulli(params.pinned_probability)) {
    std::int32_t v = pick(rng, 0, vms - 1);
    if (a[static_cast<std::size_t>(v)] != kNoHost) c.vms[static_cast<std::size_t>(v)].pinned = true;
  }
  Placement b = a;
  if (rng.bernoulli(params.shutdown_probability)) {
    std::int32_t v = pick(rng, 0, vms - 1);
    if (b[static_cast<std::size_t>(v)] != kNoHost) b[static_cast<std::size_t>(v)] = kNoHost;
  }
  Occupancy occ_b(c, b);
  inst.reachable_by_construction = rng.bernoulli(0.5);
  if (inst.reachable_by_construction) {
    // Random walk of valid migrations (the migrating VM counted on both hosts).
    std::int32_t steps = pick(rng, 1, 2 * vms);
    for (std::int32_t s = 0; s < steps; ++s) {
      std::int32_t v = pick(rng, 0, vms - 1);
      std::int32_t from = b[static_cast<std::size_t>(v)];
      if (from == kNoHost || c.vm(v).pinned) continue;
      std::int32_t to = random_host(rng, c, rules, occ_b, v, from);
      if (to == kNoHost) continue;
      occ_b.add(v, to);
      occ_b.remove(v, from);
      b[static_cast<std::size_t>(v)] = to;
    }
  } else {
    for (int attempt = 0; attempt < 20; ++attempt) {
      Placement draw(b.size(), kNoHost);
      Occupancy occ_draw(c);
      for (std::int32_t v = 0; v < vms; ++v) {
        if (b[static_cast<std::size_t>(v)] != kNoHost && c.vm(v).pinned) {
          draw[static_cast<std::size_t>(v)] = b[static_cast<std::size_t>(v)];
          occ_draw.add(v, draw[static_cast<std::size_t>(v)]);
        }
      }
      bool ok = true;
      for (std::int32_t v : shuffled(rng, vms)) {
        if (b[static_cast<std::size_t>(v)] == kNoHost || c.vm(v).pinned) continue;
        std::int32_t h = random_host(rng, c, rules, occ_draw, v);
        if (h == kNoHost) {
          ok = false;
          break;
        }
        draw[static_cast<std::size_t>(v)] = h;
        occ_draw.add(v, h);
      }
      if (ok) {
        b = draw;
        occ_b.load_placement(b);
        break;
      }
    }
  }
  if (startup) {
    std::int32_t v = vms - 1;
    b[static_cast<std::size_t>(v)] = random_host(rng, c, rules, occ_b, v);  // may stay kNoHost
  }
  // Drop VMs that run in neither A nor B.
  Cluster kept = c;
  kept.vms.clear();
  for (std::int32_t v = 0; v < vms; ++v) {
    if (a[static_cast<std::size_t>(v)] == kNoHost && b[static_cast<std::size_t>(v)] == kNoHost) continue;
    kept.vms.push_back(c.vms[static_cast<std::size_t>(v)]);
    inst.a.push_back(a[static_cast<std::size_t>(v)]);
    inst.b.push_back(b[static_cast<std::size_t>(v)]);
  }
  inst.cluster = std::move(kept);
  inst.cluster.index();
  return inst;
}

}  // namespace fleetopt::rearrange
