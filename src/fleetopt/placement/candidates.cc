#include "fleetopt/placement/candidates.h"

#include <algorithm>

namespace fleetopt {

void all_feasible_hosts(const ClusterState& cluster, const Resources& request,
                        std::vector<std::int32_t>& out) {
  out.clear();
  auto n = static_cast<std::int32_t>(cluster.num_hosts());
  for (std::int32_t h = 0; h < n; ++h) {
    if (cluster.fits(h, request)) out.push_back(h);
  }
}

void sample_feasible_hosts(const ClusterState& cluster, const Resources& request, int k, Rng& rng,
                           std::vector<std::int32_t>& out) {
  out.clear();
  const auto n = cluster.num_hosts();
  if (n == 0 || k <= 0) return;
  // More candidates than hosts means every host: capping keeps the draws
  // below bounded (k = 1e6 on 30 hosts once meant 8e6 draws per decision).
  k = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(k), n));
  // Rejection sampling: a bounded number of draws keeps it O(k) when hosts
  // mostly fit; duplicates are skipped so the k picks are distinct.
  const int max_draws = 8 * k + 16;
  for (int draw = 0; draw < max_draws && static_cast<int>(out.size()) < k; ++draw) {
    auto h = static_cast<std::int32_t>(rng.below(n));
    if (!cluster.fits(h, request)) continue;
    if (std::find(out.begin(), out.end(), h) != out.end()) continue;
    out.push_back(h);
  }
  if (static_cast<int>(out.size()) == k) return;
  // Few hosts fit: sample exactly among the feasible ones (partial
  // Fisher-Yates), so sparse feasibility never reads as "nothing fits".
  all_feasible_hosts(cluster, request, out);
  auto m = out.size();
  auto want = std::min<std::size_t>(static_cast<std::size_t>(k), m);
  for (std::size_t i = 0; i < want; ++i) {
    std::size_t j = i + static_cast<std::size_t>(rng.below(m - i));
    std::swap(out[i], out[j]);
  }
  out.resize(want);
}

}  // namespace fleetopt
