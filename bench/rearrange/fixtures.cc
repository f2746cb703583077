#include "fixtures.h"

#include <fmt/format.h>

#include "fleetopt/rearrange/rules.h"

namespace fleetopt::rearrange::bench {

BenchCluster spread_cluster(std::int32_t hosts, std::int32_t vms, std::uint64_t seed) {
  BenchCluster out;
  Cluster& c = out.cluster;
  c.dims = kCpuMem;
  Rng rng(seed);
  for (std::int32_t h = 0; h < hosts; ++h) {
    Host host;
    host.id = fmt::format("h{}", h);
    host.capacity = make_resources(96, 384);
    c.hosts.push_back(host);
  }
  const double flavours[][2] = {{1, 2}, {2, 4}, {2, 8}, {4, 8}, {4, 16}, {8, 32}, {8, 16}, {16, 64}};
  for (std::int32_t v = 0; v < vms; ++v) {
    const auto& f = flavours[rng.below(8)];
    Vm vm;
    vm.id = fmt::format("v{}", v);
    vm.demand = make_resources(f[0], f[1]);
    vm.memory_gb = f[1];
    c.vms.push_back(vm);
  }
  c.index();
  RuleSet rules = standard_rules(c);
  Occupancy occ(c);
  out.a.assign(static_cast<std::size_t>(vms), kNoHost);
  for (std::int32_t v = 0; v < vms; ++v) {
    // Least loaded of a few random hosts (power of choices): spread, cheaply.
    std::int32_t best = kNoHost;
    for (int k = 0; k < 8; ++k) {
      std::int32_t h = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(hosts)));
      if (!rules.admits(occ, v, h)) continue;
      if (best == kNoHost || normalised_load(c, h, occ.load(h)) < normalised_load(c, best, occ.load(best))) best = h;
    }
    if (best == kNoHost) continue;
    out.a[static_cast<std::size_t>(v)] = best;
    occ.add(v, best);
  }
  return out;
}

Placement random_walk_target(const Cluster& c, const Placement& a, std::int32_t moves, std::uint64_t seed) {
  Rng rng(seed);
  RuleSet rules = standard_rules(c);
  Occupancy occ(c, a);
  Placement b = a;
  for (std::int32_t i = 0; i < moves; ++i) {
    std::int32_t v = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(c.num_vms())));
    std::int32_t from = b[static_cast<std::size_t>(v)];
    if (from == kNoHost) continue;
    std::int32_t to = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(c.num_hosts())));
    if (to == from || !rules.admits(occ, v, to)) continue;
    occ.add(v, to);
    occ.remove(v, from);
    b[static_cast<std::size_t>(v)] = to;
  }
  return b;
}

}  // namespace fleetopt::rearrange::bench
