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

namespace {

// A max-heap of the best m so far, keyed by (score, host): a host enters
// only when it beats the worst kept one, which after the first m hosts is
// one comparison for most hosts.
class BestM {
 public:
  explicit BestM(int m) : limit_(static_cast<std::size_t>(m)) { heap_.clear(); }
  // Whether offer(score, h) would keep h (before asking contains(h)).
  bool would_keep(double score, std::int32_t h) const {
    return heap_.size() < limit_ || std::pair<double, std::int32_t>{score, h} < heap_.front();
  }
  void offer(double score, std::int32_t h) {
    std::pair<double, std::int32_t> item{score, h};
    if (heap_.size() < limit_) {
      heap_.push_back(item);
      std::push_heap(heap_.begin(), heap_.end());
    } else if (item < heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.back() = item;
      std::push_heap(heap_.begin(), heap_.end());
    }
  }
  bool contains(std::int32_t h) const {
    for (const auto& item : heap_) {
      if (item.second == h) return true;
    }
    return false;
  }
  std::size_t size() const { return heap_.size(); }
  void write(std::vector<std::int32_t>& out) {
    std::sort_heap(heap_.begin(), heap_.end());
    for (const auto& [score, h] : heap_) out.push_back(h);
  }

 private:
  std::size_t limit_;
  static thread_local std::vector<std::pair<double, std::int32_t>> heap_;
};
thread_local std::vector<std::pair<double, std::int32_t>> BestM::heap_;

}  // namespace

void prefilter_hosts(const ClusterState& cluster, const Resources& request, int m,
                     std::vector<std::int32_t>& out) {
  out.clear();
  if (m <= 0) return;
  BestM best(m);
  const auto n = static_cast<std::int32_t>(cluster.num_hosts());
  for (std::int32_t h = 0; h < n; ++h) {
    if (cluster.fits(h, request)) best.offer(prefilter_score(cluster, h, request), h);
  }
  best.write(out);
}

void prefilter_among(const ClusterState& cluster, const Resources& request, int m,
                     const std::vector<std::int32_t>& hosts, std::vector<std::int32_t>& out) {
  out.clear();
  if (m <= 0) return;
  BestM best(m);
  for (std::int32_t h : hosts) best.offer(prefilter_score(cluster, h, request), h);
  best.write(out);
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
  if (has_pre) {
    CandidateSet set{Kind::kPrefilter, bounded(where + "prefilter", spec.options.at("prefilter"))};
    if (has_k && spec.options.at("k") != "all") {
      set.sample = bounded(where + "k", spec.options.at("k"));
      if (set.sample <= set.n) {
        throw InputError::field(where + "k", "with @prefilter=M, @k=S samples S > M hosts to filter");
      }
    }
    return set;
  }
  if (!has_k) return fallback;
  const std::string& k = spec.options.at("k");
  if (k == "all") return {Kind::kAll, 0};
  return {Kind::kSample, bounded(where + "k", k)};
}

CandidateSet CandidateSet::parse(const std::string& text, const std::string& where) {
  const auto comma = text.find(',');
  if (comma != std::string::npos) {
    CandidateSet set = parse(text.substr(0, comma), where);
    const CandidateSet sample = parse(text.substr(comma + 1), where);
    if (set.kind != Kind::kPrefilter || sample.kind != Kind::kSample || sample.n <= set.n) {
      throw InputError::field(where, fmt::format("'{}' is not prefilter=M,k=S with S > M", text));
    }
    set.sample = sample.n;
    return set;
  }
  if (text == "all") return {Kind::kAll, 0};
  if (text.rfind("k=", 0) == 0) return {Kind::kSample, bounded(where, text.substr(2))};
  if (text.rfind("prefilter=", 0) == 0) return {Kind::kPrefilter, bounded(where, text.substr(10))};
  throw InputError::field(where, fmt::format("'{}' is not k=K, all or prefilter=M", text));
}

std::string CandidateSet::describe() const {
  switch (kind) {
    case Kind::kAll: return "all";
    case Kind::kPrefilter: return sample > 0 ? fmt::format("prefilter={},k={}", n, sample) : fmt::format("prefilter={}", n);
    case Kind::kSample: break;
  }
  return fmt::format("k={}", n);
}

void CandidateSet::fill(const ClusterState& cluster, const Resources& request, Rng& rng,
                        std::vector<std::int32_t>& out) const {
  switch (kind) {
    case Kind::kAll: all_feasible_hosts(cluster, request, out); return;
    case Kind::kPrefilter: {
      if (sample == 0) {
        prefilter_hosts(cluster, request, n, out);
        return;
      }
      const auto hosts = cluster.num_hosts();
      if (hosts <= static_cast<std::size_t>(sample)) {
        prefilter_hosts(cluster, request, n, out);  // a sample would see every host anyway
        return;
      }
      // S draws with replacement (distinct draws cost O(S^2) checks: 29 us
      // for S = 256), feasible ones offered once; too few feasible hosts
      // seen falls back to the full scan, so "nothing fits" is never a guess.
      out.clear();
      BestM best(n);
      for (int draw = 0; draw < sample; ++draw) {
        const auto h = static_cast<std::int32_t>(rng.below(hosts));
        if (!cluster.fits(h, request)) continue;
        // A host drawn twice is offered once; most draws lose to the kept
        // worst, so that is asked before the scan for a repeat.
        const double score = prefilter_score(cluster, h, request);
        if (!best.would_keep(score, h) || best.contains(h)) continue;
        best.offer(score, h);
      }
      if (best.size() < static_cast<std::size_t>(n)) {
        prefilter_hosts(cluster, request, n, out);
        return;
      }
      best.write(out);
      return;
    }
    case Kind::kSample: break;
  }
  sample_feasible_hosts(cluster, request, n, rng, out);
}

}  // namespace fleetopt
