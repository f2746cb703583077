#include "fleetopt/placement/baselines.h"

#include <limits>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/placement/candidates.h"

namespace fleetopt {

std::int32_t HeuristicPlacer::choose(const PlacementContext& ctx, Rng& rng) {
  const ClusterState& cluster = ctx.cluster;
  const DimMask mask = cluster.dims();
  if (options_.heuristic == Heuristic::kRandom) {
    sample_feasible_hosts(cluster, ctx.request, 1, rng, candidates_);
    return candidates_.empty() ? kNoHost : candidates_.front();
  }
  if (options_.candidates > 0) {
    sample_feasible_hosts(cluster, ctx.request, options_.candidates, rng, candidates_);
  } else if (options_.heuristic == Heuristic::kFirstFit) {
    auto n = static_cast<std::int32_t>(cluster.num_hosts());
    for (std::int32_t h = 0; h < n; ++h) {
      if (cluster.fits(h, ctx.request)) return h;
    }
    return kNoHost;
  } else {
    all_feasible_hosts(cluster, ctx.request, candidates_);
  }
  if (candidates_.empty()) return kNoHost;
  if (options_.heuristic == Heuristic::kFirstFit) return candidates_.front();

  const bool open_first = prefers_open_hosts(options_.heuristic);
  std::int32_t best = kNoHost;
  bool best_open = false;
  double best_score = -std::numeric_limits<double>::infinity();
  for (std::int32_t h : candidates_) {
    bool open = cluster.vm_count(h) > 0;
    if (open_first && best_open && !open) continue;
    Resources load = normalised_load(cluster, h, options_.basis);
    Resources req = normalised_request(cluster, h, ctx.request);
    double score = heuristic_score(options_.heuristic, load, req, mask);
    bool better = (open_first && open && !best_open) || score > best_score;
    if (best == kNoHost || better) {
      best = h;
      best_score = score;
      best_open = open;
    }
  }
  return best;
}

namespace {

LoadBasis parse_basis(const PlacerSpec& spec, LoadBasis fallback) {
  std::string b = spec.option("basis", fallback == LoadBasis::kUsage ? "usage" : "requests");
  if (b == "requests" || b == "request") return LoadBasis::kRequests;
  if (b == "usage") return LoadBasis::kUsage;
  throw InputError::field(fmt::format("policy {} option basis", spec.name),
                          fmt::format("expected 'requests' or 'usage', got '{}'", b));
}

PlacerFactory heuristic_factory(Heuristic heuristic) {
  return [heuristic](const PlacerSpec& spec) -> std::unique_ptr<Placer> {
    spec.check_options({"basis", "k"});
    HeuristicOptions o;
    o.heuristic = heuristic;
    o.basis = parse_basis(spec, LoadBasis::kRequests);
    o.candidates = spec.int_option("k", 0);
    limits::check_count(o.candidates, 0, limits::kMaxCandidates, "policy " + spec.text + " option k");
    return std::make_unique<HeuristicPlacer>(spec.text, o);
  };
}

std::unique_ptr<Placer> make_power_of_k(const PlacerSpec& spec) {
  long long k = 0;
  if (!parse_int64(spec.name.substr(1), k) || k < 1 || k > 1000) {
    throw InputError::field("policy", fmt::format("unknown placement policy '{}' (power-of-K is "
                                                  "written pK with 1 <= K <= 1000, e.g. p2)",
                                                  spec.name));
  }
  spec.check_options({"basis"});
  HeuristicOptions o;
  o.heuristic = Heuristic::kWorstFit;
  // Load balancing compares what hosts actually use, as in power-of-two
  // choices; @basis=requests gives the reservation-based variant.
  o.basis = parse_basis(spec, LoadBasis::kUsage);
  o.candidates = static_cast<int>(k);
  return std::make_unique<HeuristicPlacer>(spec.text, o);
}

}  // namespace

FLEETOPT_REGISTER_PLACER("first-fit", "lowest-index host that fits",
                         heuristic_factory(Heuristic::kFirstFit));
FLEETOPT_REGISTER_PLACER("best-fit", "host left with the least normalised room",
                         heuristic_factory(Heuristic::kBestFit));
FLEETOPT_REGISTER_PLACER("worst-fit", "least loaded host (most room left)",
                         heuristic_factory(Heuristic::kWorstFit));
FLEETOPT_REGISTER_PLACER("random", "uniformly random host that fits",
                         heuristic_factory(Heuristic::kRandom));
FLEETOPT_REGISTER_PLACER("dot-product", "open host maximising request . remaining room",
                         heuristic_factory(Heuristic::kDotProduct));
FLEETOPT_REGISTER_PLACER("l2", "open host minimising the L2 norm of the room left",
                         heuristic_factory(Heuristic::kL2));
FLEETOPT_REGISTER_PLACER("least-allocated", "Kubernetes LeastAllocated score",
                         heuristic_factory(Heuristic::kLeastAllocated));
FLEETOPT_REGISTER_PLACER("most-allocated", "Kubernetes MostAllocated score",
                         heuristic_factory(Heuristic::kMostAllocated));
FLEETOPT_REGISTER_PLACER("balanced-allocation", "Kubernetes BalancedAllocation score",
                         heuristic_factory(Heuristic::kBalancedAllocation));
FLEETOPT_REGISTER_PLACER("p*", "power of K choices: least loaded (by usage) of K random hosts, e.g. p2",
                         make_power_of_k);

}  // namespace fleetopt
