#include "fleetopt/placement/scoring.h"

#include <cmath>

namespace fleetopt {

Resources normalised_load(const ClusterState& cluster, std::int32_t h, LoadBasis basis) {
  const Resources& cap = cluster.capacity(h);
  Resources load = basis == LoadBasis::kRequests ? cluster.reserved(h) : cluster.observed(h);
  for (int d = 0; d < kMaxDims; ++d) load[d] = cap[d] > 0 ? load[d] / cap[d] : 0;
  return load;
}

Resources normalised_request(const ClusterState& cluster, std::int32_t h, const Resources& request) {
  const Resources& cap = cluster.capacity(h);
  Resources r;
  for (int d = 0; d < kMaxDims; ++d) r[d] = cap[d] > 0 ? request[d] / cap[d] : 0;
  return r;
}

bool prefers_open_hosts(Heuristic h) { return h == Heuristic::kDotProduct || h == Heuristic::kL2; }

double heuristic_score(Heuristic h, const Resources& load, const Resources& req, DimMask mask) {
  double sum = 0, sq = 0;
  int dims = 0;
  switch (h) {
    case Heuristic::kFirstFit:
    case Heuristic::kRandom:
      return 0;
    case Heuristic::kBestFit:
    case Heuristic::kWorstFit: {
      for (int d = 0; d < kMaxDims; ++d) {
        if (has_dim(mask, d)) sum += 1.0 - load[d] - req[d];
      }
      return h == Heuristic::kBestFit ? -sum : sum;
    }
    case Heuristic::kDotProduct: {
      for (int d = 0; d < kMaxDims; ++d) {
        if (has_dim(mask, d)) sum += req[d] * (1.0 - load[d]);
      }
      return sum;
    }
    case Heuristic::kL2: {
      for (int d = 0; d < kMaxDims; ++d) {
        if (!has_dim(mask, d)) continue;
        double room = 1.0 - load[d] - req[d];
        sq += room * room;
      }
      return -sq;
    }
    case Heuristic::kLeastAllocated:
    case Heuristic::kMostAllocated: {
      for (int d = 0; d < kMaxDims; ++d) {
        if (!has_dim(mask, d)) continue;
        sum += load[d] + req[d];
        ++dims;
      }
      double used = dims ? sum / dims : 0;
      return h == Heuristic::kMostAllocated ? used : 1.0 - used;
    }
    case Heuristic::kBalancedAllocation: {
      for (int d = 0; d < kMaxDims; ++d) {
        if (!has_dim(mask, d)) continue;
        sum += load[d] + req[d];
        ++dims;
      }
      if (dims == 0) return 0;
      double m = sum / dims;
      for (int d = 0; d < kMaxDims; ++d) {
        if (!has_dim(mask, d)) continue;
        double x = load[d] + req[d] - m;
        sq += x * x;
      }
      return 1.0 - std::sqrt(sq / dims);
    }
  }
  return 0;
}

}  // namespace fleetopt
