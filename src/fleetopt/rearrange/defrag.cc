// defrag: pack the VMs in scope onto as few hosts as possible, moving as
// little as possible.
//
// 1. Empty hosts one by one (least loaded first, under a few orderings) into
//    the other hosts still running VMs, best fit, with a one-VM ejection when
//    a VM fits nowhere; a host is emptied only if all its VMs find room and
//    the budget allows, else its moves are rolled back.
// 2. Keep-K repacking: keep the K hosts holding the most (cheapest to keep),
//    re-place the VMs of the others into them, then run step 1 again as a
//    local search. K is searched between the lower bound and step 1's count.
// 3. The best from-scratch packing (FFD orderings, dot-product, L2), used
//    only if it needs fewer hosts than both.
// The winner has the fewest hosts, then the least migration cost; with a
// budget only results within it count (steps 1 and 2 stay within it).
#include <algorithm>
#include <numeric>

#include "fleetopt/core/error.h"
#include "fleetopt/rearrange/bounds.h"
#include "fleetopt/rearrange/packing.h"
#include "fleetopt/rearrange/strategies.h"

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

enum class EmptyOrder { kLeastLoaded, kFewestVms, kSmallestHost };

double host_load_share(const Packer& pk, std::int32_t h) {
  return normalised_load(pk.cluster(), h, pk.occupancy().load(h));
}

// When no VM-by-VM placement empties s: re-pack s's VMs with those of a few
// running hosts whose free room best matches s's load (2, then 3, then 5 of
// them) -- the free room of one host is often too fragmented, that of a few
// together is not.
bool repack_with_neighbours(Packer& pk, std::int32_t s, const std::vector<std::int32_t>& dests) {
  const Cluster& c = pk.cluster();
  const Resources need = pk.occupancy().load(s);
  std::vector<std::pair<double, std::int32_t>> ranked;
  for (std::int32_t h : dests) {
    if (h == s || pk.vms_on(h).empty()) continue;
    Resources lim = c.limit(h), free = lim - pk.occupancy().load(h);
    double align = 0;
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(c.dims, d) && lim[d] > 0) align += std::max(0.0, free[d]) / lim[d] * need[d] / lim[d];
    }
    if (align > 0) ranked.emplace_back(-align, h);
  }
  const std::size_t keep = std::min<std::size_t>(ranked.size(), 5);
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end());
  for (std::size_t t : {2, 3, 5}) {
    if (t > keep) break;
    std::vector<std::int32_t> with;
    for (std::size_t i = 0; i < t; ++i) with.push_back(ranked[i].second);
    if (pk.empty_by_repacking(s, with)) return true;
  }
  return false;
}

// Step 1. Returns the number of hosts emptied.
std::int32_t empty_hosts(Packer& pk, FitRule rule, EmptyOrder order) {
  const Cluster& c = pk.cluster();
  std::vector<std::int32_t> candidates, dests;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!pk.host_in_scope(h) || pk.vms_on(h).empty()) continue;
    dests.push_back(h);
    bool all_movable = true;
    for (std::int32_t v : pk.vms_on(h)) all_movable = all_movable && pk.movable(v);
    if (all_movable) candidates.push_back(h);
  }
  std::vector<double> key(ix(c.num_hosts()), 0);
  const std::vector<double> value = host_values(pk.problem());
  for (std::int32_t h : candidates) {
    double load = host_load_share(pk, h);
    double cap = value[ix(h)];
    switch (order) {
      case EmptyOrder::kLeastLoaded: key[ix(h)] = load; break;
      case EmptyOrder::kFewestVms: key[ix(h)] = static_cast<double>(pk.vms_on(h).size()) + load; break;
      case EmptyOrder::kSmallestHost: key[ix(h)] = cap * (1 + load); break;
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](std::int32_t x, std::int32_t y) { return key[ix(x)] < key[ix(y)]; });
  std::int32_t emptied = 0;
  std::vector<std::int32_t> vms;
  for (std::int32_t s : candidates) {
    if (pk.vms_on(s).empty()) continue;
    vms = pk.vms_on(s);
    bool all_movable = true;
    for (std::int32_t v : vms) all_movable = all_movable && pk.movable(v);
    if (!all_movable) continue;
    std::stable_sort(vms.begin(), vms.end(), [&](std::int32_t x, std::int32_t y) { return pk.size_of(x) > pk.size_of(y); });
    auto allowed = [&](std::int32_t h) { return h != s && !pk.vms_on(h).empty(); };
    std::size_t mark = pk.mark();
    bool ok = true;
    for (std::int32_t x : vms) {
      std::int32_t h = pk.choose_host(x, dests, rule, allowed);
      if (h != kNoHost) {
        pk.move(x, h);
      } else if (!pk.place_with_ejection(x, dests, allowed)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      pk.rollback(mark);
      ok = repack_with_neighbours(pk, s, dests);
    }
    if (ok && pk.within_budget()) {
      ++emptied;
    } else {
      pk.rollback(mark);
    }
  }
  return emptied;
}

// Step 2 for one K and one keep order. False when some VM found no room.
bool keep_k(Packer& pk, std::int32_t k, bool by_size, FitRule rule) {
  const Cluster& c = pk.cluster();
  std::vector<std::int32_t> active;
  std::vector<double> stay(ix(c.num_hosts()), 0);
  const std::vector<double> size = host_values(pk.problem());
  std::vector<char> keep(ix(c.num_hosts()), 0);
  std::int32_t kept = 0;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!pk.host_in_scope(h) || pk.vms_on(h).empty()) continue;
    bool fixed = false;
    for (std::int32_t v : pk.vms_on(h)) {
      stay[ix(h)] += pk.problem().cost.cost(c, v, h, h);
      fixed = fixed || !pk.movable(v);
    }
    if (fixed) {
      keep[ix(h)] = 1;
      ++kept;
    } else {
      active.push_back(h);
    }
  }
  if (kept > k) return false;
  std::stable_sort(active.begin(), active.end(), [&](std::int32_t x, std::int32_t y) {
    if (by_size && size[ix(x)] != size[ix(y)]) return size[ix(x)] > size[ix(y)];
    return stay[ix(x)] > stay[ix(y)];
  });
  std::vector<std::int32_t> evictees, dests;
  for (std::int32_t h : active) {
    if (kept < k) {
      keep[ix(h)] = 1;
      ++kept;
    } else {
      for (std::int32_t v : pk.vms_on(h)) evictees.push_back(v);
    }
  }
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (keep[ix(h)]) dests.push_back(h);
  }
  std::stable_sort(evictees.begin(), evictees.end(),
                   [&](std::int32_t x, std::int32_t y) { return pk.size_of(x) > pk.size_of(y); });
  auto allowed = [&](std::int32_t h) { return keep[ix(h)] != 0; };
  for (std::int32_t x : evictees) {
    std::int32_t h = pk.choose_host(x, dests, rule, allowed);
    if (h != kNoHost) {
      pk.move(x, h);
    } else if (!pk.place_with_ejection(x, dests, allowed)) {
      return false;
    }
  }
  return pk.within_budget();
}

struct Candidate {
  Placement b;
  std::vector<Migration> sequence;
  std::int32_t hosts = 0;
  double cost = 0;
  bool valid = false;
};

void consider(Candidate& best, Candidate c) {
  if (!c.valid) return;
  if (!best.valid || c.hosts < best.hosts || (c.hosts == best.hosts && c.cost < best.cost - 1e-9)) best = std::move(c);
}

Candidate from_packer(const Packer& pk) {
  Candidate c;
  c.b = pk.placement();
  c.sequence = pk.log();
  c.hosts = active_hosts(pk.cluster(), c.b, &pk.problem().scope.hosts);
  c.cost = pk.moved_cost();
  c.valid = pk.within_budget();
  return c;
}

// Whether the direct moves from A to b fit the budget (temporary moves the
// planner may add are not counted here).
bool fits_budget(const TargetProblem& p, const Placement& b) {
  std::int64_t moves = 0;
  double cost = 0;
  for (std::int32_t v = 0; v < p.cluster.num_vms(); ++v) {
    const std::int32_t from = p.a[ix(v)], to = b[ix(v)];
    if (from == to || from == kNoHost || to == kNoHost) continue;
    ++moves;
    cost += p.cost.cost(p.cluster, v, from, to);
  }
  return (p.options.max_migrations < 0 || moves <= p.options.max_migrations) &&
         (p.options.max_cost < 0 || cost <= p.options.max_cost + 1e-9);
}

class Defrag final : public TargetStrategy {
 public:
  explicit Defrag(FitRule rule, bool scratch) : rule_(rule), scratch_(scratch) {}
  std::string name() const override { return "defrag"; }

  TargetResult choose(const TargetProblem& p) override {
    const Cluster& c = p.cluster;
    Candidate best;
    for (EmptyOrder order : {EmptyOrder::kLeastLoaded, EmptyOrder::kFewestVms, EmptyOrder::kSmallestHost}) {
      Packer pk(p);
      empty_hosts(pk, rule_, order);
      consider(best, from_packer(pk));
    }
    // Lower bound over everything running in scope.
    std::vector<std::int32_t> vms;
    std::int32_t fixed_hosts = 0;
    std::vector<char> fixed(ix(c.num_hosts()), 0);
    for (std::int32_t v = 0; v < c.num_vms(); ++v) {
      std::int32_t h = p.a[ix(v)];
      if (h == kNoHost || !p.scope.hosts[ix(h)]) continue;
      vms.push_back(v);
      if (!p.scope.movable[ix(v)] && !fixed[ix(h)]) {
        fixed[ix(h)] = 1;
        ++fixed_hosts;
      }
    }
    std::int32_t lower = host_lower_bound(c, vms, p.scope.hosts, fixed_hosts).best();
    std::int32_t lo = lower, hi = best.hosts - 1;
    while (lo <= hi) {
      std::int32_t k = lo + (hi - lo) / 2;
      bool any = false;
      for (bool by_size : {false, true}) {
        Packer pk(p);
        if (!keep_k(pk, k, by_size, rule_)) continue;
        empty_hosts(pk, rule_, EmptyOrder::kLeastLoaded);
        Candidate cand = from_packer(pk);
        any = any || (cand.valid && cand.hosts <= k);
        consider(best, std::move(cand));
      }
      if (any) {
        hi = std::min(k, best.hosts) - 1;
      } else {
        lo = k + 1;
      }
    }
    TargetResult out;
    if (scratch_ && (p.options.max_migrations >= 0 || p.options.max_cost >= 0)) {
      // Under a budget, a packing that prefers to leave VMs where they are
      // may still free more hosts than the migration-aware steps (its direct
      // moves must fit the budget; rearrange() tightens the budget and
      // retries if the planner's temporary moves push the plan over).
      ScratchPacking within;
      for (double home_bonus : {1.0, 1.5, 3.0, 10.0}) {
        ScratchPacking r = bin_centric_pack(p, home_bonus);
        if (!r.ok || r.hosts >= best.hosts || (within.ok && r.hosts >= within.hosts)) continue;
        if (fits_budget(p, r.b)) within = std::move(r);
      }
      if (within.ok) {
        out.note = "bin-centric packing within the budget beat the migration-aware steps";
        out.b = std::move(within.b);
        return out;
      }
    }
    if (scratch_ && p.options.max_migrations < 0 && p.options.max_cost < 0) {
      ScratchPacking s = best_scratch_pack(p);
      ScratchPacking bins = bin_centric_pack(p);
      if (bins.ok) {
        // Step 1 as a local search from the bin-centric packing.
        TargetProblem from_bins{p.cluster, p.rules, p.cost, bins.b, p.scope, p.options};
        for (EmptyOrder order : {EmptyOrder::kLeastLoaded, EmptyOrder::kFewestVms}) {
          Packer pk(from_bins);
          empty_hosts(pk, rule_, order);
          const std::int32_t hosts = active_hosts(c, pk.placement(), &p.scope.hosts);
          if (hosts < bins.hosts) {
            bins.b = pk.placement();
            bins.hosts = hosts;
          }
        }
      }
      if (bins.ok && (!s.ok || bins.hosts < s.hosts)) s = std::move(bins);
      if (s.ok && s.hosts < best.hosts) {
        out.note = "from-scratch packing (" + s.method + ") beat the migration-aware steps";
        out.b = std::move(s.b);
        return out;
      }
    }
    out.b = std::move(best.b);
    out.sequence = std::move(best.sequence);
    return out;
  }

 private:
  FitRule rule_;
  bool scratch_;
};

FitRule parse_rule(const StrategySpec& spec) {
  std::string r = spec.options.count("fit") ? spec.options.at("fit") : "l2";
  if (r == "l2") return FitRule::kBestL2;
  if (r == "dot") return FitRule::kDotProduct;
  if (r == "first") return FitRule::kFirst;
  throw InputError::field("strategy defrag option fit", "expected l2, dot or first, got '" + r + "'");
}

class FfdBaseline final : public TargetStrategy {
 public:
  std::string name() const override { return "ffd"; }
  TargetResult choose(const TargetProblem& p) override {
    TargetResult out;
    ScratchPacking s = best_scratch_pack(p);
    if (!s.ok) {
      out.ok = false;
      out.note = "some VM fits no host in scope";
      out.b = p.a;
      return out;
    }
    out.b = std::move(s.b);
    out.note = s.method;
    return out;
  }
};

}  // namespace

std::unique_ptr<TargetStrategy> make_defrag(const StrategySpec& spec) {
  spec.check_options({"fit", "scratch"});
  return std::make_unique<Defrag>(parse_rule(spec), spec.number("scratch", 1) != 0);
}
std::unique_ptr<TargetStrategy> make_ffd(const StrategySpec& spec) {
  spec.check_options({});
  return std::make_unique<FfdBaseline>();
}

}  // namespace fleetopt::rearrange
