// Which hosts a policy considers: all feasible hosts, or K feasible hosts
// sampled uniformly at random (the power-of-K setting).
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/rng.h"

namespace fleetopt {

// Fills out with up to k distinct hosts that fit `request`, sampled uniformly
// among the feasible ones. Tries rejection sampling first (cheap when most
// hosts fit) and falls back to a scan, so the answer is exact either way.
void sample_feasible_hosts(const ClusterState& cluster, const Resources& request, int k, Rng& rng,
                           std::vector<std::int32_t>& out);

// Fills out with every feasible host, in index order.
void all_feasible_hosts(const ClusterState& cluster, const Resources& request,
                        std::vector<std::int32_t>& out);

}  // namespace fleetopt
