// Lower bounds on the number of hosts any placement of a set of VMs needs,
// reported next to a defragmentation result so its quality can be judged.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange {

struct HostBounds {
  std::int32_t continuous = 0;  // per resource: fewest hosts whose capacity covers the demand
  std::int32_t l2 = 0;          // Martello-Toth L2 per resource (largest host size)
  // Gilmore-Gomory configuration LP per resource (rounded up), for resources
  // whose demands take few distinct values (VM flavours); 0 when not computed.
  std::int32_t configuration_lp = 0;
  // LP over VM classes (equal demand vectors) and host types (equal limits):
  // fractional hosts of each type, every dimension at once, and per type and
  // dimension at most k VMs larger than 1/(k+1) of the host (k = 1, 2, 3).
  // 0 when not computed (too many classes x types).
  std::int32_t assignment_lp = 0;
  std::int32_t structural = 0;  // anti-affinity group sizes, hosts holding VMs that cannot move
  std::int32_t best() const;
};

// Bound for placing `vms` (indices) on the hosts with in_scope[h] != 0, using
// each host's limit (capacity x overcommit - reserve). fixed_hosts: hosts that
// must stay active whatever happens (they hold VMs that cannot move).
HostBounds host_lower_bound(const Cluster& c, const std::vector<std::int32_t>& vms,
                            const std::vector<char>& in_scope, std::int32_t fixed_hosts = 0);

// The assignment LP of HostBounds::assignment_lp: demands one per VM,
// limits one per usable host, VMs (hosts) with equal vectors one class
// (type). Its value rounded up; 0 when not solved (more than max_columns
// columns, some VM fits no host).
std::int32_t assignment_lp_bound(const std::vector<Resources>& demands, const std::vector<Resources>& limits,
                                 DimMask dims, std::size_t max_columns = 200000);

// Martello-Toth L2 for one-dimensional sizes in bins of size capacity.
std::int64_t martello_toth_l2(std::vector<double> sizes, double capacity);

// Optimum of the configuration LP (min bins, each bin a maximal pattern of
// sizes that fits) for one-dimensional sizes, solved with COIN-OR CLP over
// every maximal pattern; -1 when the sizes take more than max_distinct values
// or the patterns exceed max_patterns.
double configuration_lp_bound(const std::vector<double>& sizes, double capacity, std::size_t max_distinct = 16,
                              std::size_t max_patterns = 20000);

}  // namespace fleetopt::rearrange
