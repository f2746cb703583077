// The candidate set a placement policy scores, as a knob: K hosts sampled
// among the feasible ones (power-of-K; cheap at any scale), every feasible
// host, or a cheap pre-filter that scans every feasible host and keeps the M
// with the lowest predicted post-placement load. K = 2 cannot see the heavy
// collisions that worst-fit avoids by looking at every host (issue 14); the
// pre-filter gives a learned scorer that view at a bounded cost per decision.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt {

// The pre-filter's score of placing `request` on host h (lower is better):
// the L2 norm over the cluster's resources of (observed use + pending
// requests + request) / capacity. Observed use is the hosts' summed use at
// the last step, the only per-host load the cluster keeps in O(1); VMs
// placed since then count at their request. Returns the squared norm (the
// order is the same, and the scan skips a sqrt per host).
double prefilter_score(const ClusterState& cluster, std::int32_t h, const Resources& request);

// Fills out with the (up to) m feasible hosts of lowest prefilter_score,
// best first; ties go to the lower host index, so the answer is
// deterministic. One pass over the hosts with a bounded heap: O(hosts log m).
void prefilter_hosts(const ClusterState& cluster, const Resources& request, int m,
                     std::vector<std::int32_t>& out);
// The same over the given (feasible) hosts only; out must not alias hosts.
void prefilter_among(const ClusterState& cluster, const Resources& request, int m,
                     const std::vector<std::int32_t>& hosts, std::vector<std::int32_t>& out);

struct CandidateSet {
  enum class Kind { kSample, kAll, kPrefilter };
  Kind kind = Kind::kSample;
  int n = 2;  // K for kSample, M for kPrefilter
  // kPrefilter only: score the hosts of this many random draws (with
  // replacement; the feasible ones, each once) instead of every host (0). A full scan reads ~200 bytes of cluster state per host (14 ns
  // a host, 140 us at 10,000 hosts on the 2-core test machine), too slow for
  // a 50 us decision; a sample of S bounds it, and on fleets of at most S
  // hosts it is the full scan (the same M hosts). When the draws find fewer
  // than M feasible hosts, the full scan is used.
  int sample = 0;

  // From a policy's options: @k=K (1..1000) or @k=all, or @prefilter=M
  // (1..1000); both (@k=S@prefilter=M, M < S): the pre-filter over S sampled
  // hosts. `fallback` when neither is given. Throws InputError naming the
  // policy and the option.
  static CandidateSet from_spec(const PlacerSpec& spec, CandidateSet fallback);
  // Parses "k=2", "all", "prefilter=16", "prefilter=8,k=512" (as written by
  // describe()).
  static CandidateSet parse(const std::string& text, const std::string& where);
  std::string describe() const;

  // Fills out with the candidates for this request; only kSample draws from rng.
  void fill(const ClusterState& cluster, const Resources& request, Rng& rng,
            std::vector<std::int32_t>& out) const;
};

}  // namespace fleetopt
