#include "fleetopt/placement/candidate_filter.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/candidates.h"

namespace fleetopt {

double prefilter_score(const ClusterState& cluster, std::int32_t h, const Resources& request) {
  const Resources& cap = cluster.capacity(h);
  const Resources& used = cluster.used(h);
  const Resources& pending = cluster.pending(h);
  const DimMask dims = cluster.dims();
  double sum = 0;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(dims, d) || cap[d] <= 0) continue;
    const double x = (used[d] + pending[d] + request[d]) / cap[d];
    sum += x * x;
  }
  return sum;
}

void prefilter_hosts(const ClusterState& cluster, const Resources& request, int m,
                     std::vector<std::int32_t>& out) {
  out.clear();
  if (m <= 0) return;
  // A max-heap of the best m so far, keyed by (score, host): a host enters
  // only when it beats the worst kept one, which after the first m hosts is
  // one comparison for most hosts.
  thread_local std::vector<std::pair<double, std::int32_t>> heap;
  heap.clear();
  const auto limit = static_cast<std::size_t>(m);
  const auto n = static_cast<std::int32_t>(cluster.num_hosts());
  for (std::int32_t h = 0; h < n; ++h) {
    if (!cluster.fits(h, request)) continue;
    std::pair<double, std::int32_t> item{prefilter_score(cluster, h, request), h};
    if (heap.size() < limit) {
      heap.push_back(item);
      std::push_heap(heap.begin(), heap.end());
    } else if (item < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = item;
      std::push_heap(heap.begin(), heap.end());
    }
  }
  std::sort_heap(heap.begin(), heap.end());
  for (const auto& [score, h] : heap) out.push_back(h);
}

namespace {

int bounded(const std::string& where, const std::string& text) {
  long long value = 0;
  if (!parse_int64(text, value) || value < 1 || value > 1000) {
    throw InputError::field(where, fmt::format("'{}' is not an integer in [1, 1000]", text));
  }
  return static_cast<int>(value);
}

}  // namespace

CandidateSet CandidateSet::from_spec(const PlacerSpec& spec, CandidateSet fallback) {
  const std::string where = fmt::format("policy {} option ", spec.name);
  const bool has_k = spec.options.count("k") != 0, has_pre = spec.options.count("prefilter") != 0;
  if (has_k && has_pre) {
    throw InputError::field(where + "prefilter", "give either @k=K|all or @prefilter=M, not both");
  }
  if (has_pre) return {Kind::kPrefilter, bounded(where + "prefilter", spec.options.at("prefilter"))};
  if (!has_k) return fallback;
  const std::string& k = spec.options.at("k");
  if (k == "all") return {Kind::kAll, 0};
  return {Kind::kSample, bounded(where + "k", k)};
}

CandidateSet CandidateSet::parse(const std::string& text, const std::string& where) {
  if (text == "all") return {Kind::kAll, 0};
  if (text.rfind("k=", 0) == 0) return {Kind::kSample, bounded(where, text.substr(2))};
  if (text.rfind("prefilter=", 0) == 0) return {Kind::kPrefilter, bounded(where, text.substr(10))};
  throw InputError::field(where, fmt::format("'{}' is not k=K, all or prefilter=M", text));
}

std::string CandidateSet::describe() const {
  switch (kind) {
    case Kind::kAll: return "all";
    case Kind::kPrefilter: return fmt::format("prefilter={}", n);
    case Kind::kSample: break;
  }
  return fmt::format("k={}", n);
}

void CandidateSet::fill(const ClusterState& cluster, const Resources& request, Rng& rng,
                        std::vector<std::int32_t>& out) const {
  switch (kind) {
    case Kind::kAll: all_feasible_hosts(cluster, request, out); return;
    case Kind::kPrefilter: prefilter_hosts(cluster, request, n, out); return;
    case Kind::kSample: break;
  }
  sample_feasible_hosts(cluster, request, n, rng, out);
}

}  // namespace fleetopt
