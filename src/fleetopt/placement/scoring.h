// The classic placement heuristics as score functions over one candidate
// host. Loads are normalised by the host's physical capacity; the load basis
// is either the reservations (requests) or the observed usage.
#pragma once

#include <cstdint>
#include <string>

#include "fleetopt/core/cluster.h"

namespace fleetopt {

enum class LoadBasis { kRequests, kUsage };

// Normalised load of host h (before placing anything) per dimension.
Resources normalised_load(const ClusterState& cluster, std::int32_t h, LoadBasis basis);
// Request normalised by host h's capacity.
Resources normalised_request(const ClusterState& cluster, std::int32_t h, const Resources& request);

enum class Heuristic {
  kFirstFit,            // lowest host index
  kBestFit,             // least total normalised room left after placing
  kWorstFit,            // most total normalised room left (least loaded)
  kRandom,              // uniformly random feasible host
  kDotProduct,          // open hosts first; max request . remaining room
  kL2,                  // open hosts first; min ||remaining room after placing||^2
  kLeastAllocated,      // Kubernetes: max mean free fraction after placing
  kMostAllocated,       // Kubernetes: max mean used fraction after placing
  kBalancedAllocation,  // Kubernetes: min std of used fractions after placing
};

// Higher is better. `load` and `req` are normalised; `mask` selects dims.
double heuristic_score(Heuristic h, const Resources& load, const Resources& req, DimMask mask);
// Whether the heuristic prefers hosts that already run VMs (bin-packing
// heuristics open a new bin only when no open one fits).
bool prefers_open_hosts(Heuristic h);

}  // namespace fleetopt
