// Clusters the rearrangement benchmarks share.
#pragma once

#include <cstdint>

#include "fleetopt/core/rng.h"
#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange::bench {

struct BenchCluster {
  Cluster cluster;
  Placement a;
};

// `hosts` hosts of 96 cores / 384 GB and `vms` VMs drawn from eight common
// flavours, placed least-loaded-first in random order (what spreading
// schedulers leave behind): with 10 VMs a host, about 59% of the cores and
// 49% of the memory used, on every host.
BenchCluster spread_cluster(std::int32_t hosts, std::int32_t vms, std::uint64_t seed);

// B reached from A by `moves` random valid migrations: swaps, chains and
// cycles appear, but B is reachable by construction.
Placement random_walk_target(const Cluster& c, const Placement& a, std::int32_t moves, std::uint64_t seed);

}  // namespace fleetopt::rearrange::bench
