#include "fleetopt/rearrange/packing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

// Sizes are shares of the mean host limit in scope, so orderings compare
// resources on one scale.
std::vector<double> item_keys(const TargetProblem& p, const std::vector<std::int32_t>& items, SizeOrder order) {
  const Cluster& c = p.cluster;
  Resources mean;
  int n = 0;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!p.scope.hosts[ix(h)]) continue;
    mean += c.limit(h);
    ++n;
  }
  for (int d = 0; d < kMaxDims; ++d) mean[d] = n > 0 ? mean[d] / n : 0;
  std::vector<double> keys;
  keys.reserve(items.size());
  for (std::int32_t v : items) {
    const Resources& dem = c.vm(v).demand;
    double mx = 0, sum = 0, vol = 1;
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(c.dims, d) || mean[d] <= 0) continue;
      double s = dem[d] / mean[d];
      mx = std::max(mx, s);
      sum += s;
      vol *= 1 + s;
    }
    switch (order) {
      case SizeOrder::kMaxShare: keys.push_back(mx); break;
      case SizeOrder::kSumShare: keys.push_back(sum); break;
      case SizeOrder::kVolume: keys.push_back(vol); break;
      case SizeOrder::kCpu: keys.push_back(mean[kCpu] > 0 ? dem[kCpu] / mean[kCpu] : 0); break;
      case SizeOrder::kMem: keys.push_back(mean[kMem] > 0 ? dem[kMem] / mean[kMem] : 0); break;
    }
  }
  return keys;
}

double fit_score(const Cluster& c, const Occupancy& occ, const Resources& lim, std::int32_t vm, std::int32_t h,
                 FitRule rule) {
  const Resources& load = occ.load(h);
  const Resources& dem = c.vm(vm).demand;
  double s = 0;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(c.dims, d) || lim[d] <= 0) continue;
    double residual = (lim[d] - load[d] - dem[d]) / lim[d];
    if (rule == FitRule::kBestL2) s += residual * residual;
    if (rule == FitRule::kDotProduct) s -= (dem[d] / lim[d]) * ((lim[d] - load[d]) / lim[d]);
  }
  return s;
}

// Swaps bin labels among hosts with identical limits so that each bin lands
// on the host already holding most of its VMs (greedy matching by memory).
void relabel(const TargetProblem& p, Placement& b) {
  const Cluster& c = p.cluster;
  std::vector<char> fixed(ix(c.num_hosts()), 0);
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (p.a[ix(v)] != kNoHost && !p.scope.movable[ix(v)]) fixed[ix(p.a[ix(v)])] = 1;
  }
  // Hosts are interchangeable when capacity and reserve are equal.
  std::map<std::vector<double>, std::vector<std::int32_t>> classes;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!p.scope.hosts[ix(h)] || fixed[ix(h)]) continue;  // a fixed host's bin holds VMs that cannot move
    std::vector<double> key(c.host(h).capacity.v.begin(), c.host(h).capacity.v.end());
    key.insert(key.end(), c.host(h).reserve.v.begin(), c.host(h).reserve.v.end());
    classes[key].push_back(h);
  }
  std::vector<std::int32_t> relabelled(ix(c.num_hosts()));
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) relabelled[ix(h)] = h;
  for (auto& [key, hosts] : classes) {
    if (hosts.size() < 2) continue;
    // overlap[(bin, host)] = memory of VMs in bin that A has on host.
    std::map<std::pair<std::int32_t, std::int32_t>, double> overlap;
    std::vector<char> in_class(ix(c.num_hosts()), 0);
    for (std::int32_t h : hosts) in_class[ix(h)] = 1;
    for (std::int32_t v = 0; v < c.num_vms(); ++v) {
      std::int32_t bin = b[ix(v)], home = p.a[ix(v)];
      if (bin == kNoHost || home == kNoHost || !in_class[ix(bin)] || !in_class[ix(home)]) continue;
      overlap[{bin, home}] += std::max(1e-6, p.cost.cost(c, v, home, bin));
    }
    std::vector<std::tuple<double, std::int32_t, std::int32_t>> pairs;
    for (const auto& [bh, w] : overlap) pairs.emplace_back(-w, bh.first, bh.second);
    std::sort(pairs.begin(), pairs.end());
    std::vector<char> bin_done(ix(c.num_hosts()), 0), host_done(ix(c.num_hosts()), 0);
    for (const auto& [w, bin, host] : pairs) {
      if (bin_done[ix(bin)] || host_done[ix(host)]) continue;
      bin_done[ix(bin)] = host_done[ix(host)] = 1;
      relabelled[ix(bin)] = host;
    }
    std::vector<std::int32_t> free_hosts;
    for (std::int32_t h : hosts) {
      if (!host_done[ix(h)]) free_hosts.push_back(h);
    }
    std::size_t next = 0;
    for (std::int32_t h : hosts) {
      if (!bin_done[ix(h)]) relabelled[ix(h)] = free_hosts[next++];
    }
  }
  for (auto& h : b) {
    if (h != kNoHost) h = relabelled[ix(h)];
  }
}

}  // namespace

const char* to_string(SizeOrder o) {
  switch (o) {
    case SizeOrder::kMaxShare: return "max-share";
    case SizeOrder::kSumShare: return "sum-share";
    case SizeOrder::kVolume: return "volume";
    case SizeOrder::kCpu: return "cpu";
    case SizeOrder::kMem: return "mem";
  }
  return "?";
}

const char* to_string(FitRule r) {
  switch (r) {
    case FitRule::kFirst: return "ffd";
    case FitRule::kBestL2: return "l2";
    case FitRule::kDotProduct: return "dot";
    case FitRule::kLeastLoaded: return "least-loaded";
  }
  return "?";
}

ScratchPacking scratch_pack(const TargetProblem& p, SizeOrder order, FitRule rule) {
  const Cluster& c = p.cluster;
  ScratchPacking out;
  out.method = std::string(to_string(rule)) + "/" + to_string(order);
  Placement b = p.a;
  std::vector<std::int32_t> items;
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (p.scope.movable[ix(v)]) {
      items.push_back(v);
      b[ix(v)] = kNoHost;
    }
  }
  Occupancy occ(c, b);
  std::vector<double> keys = item_keys(p, items, order);
  std::vector<std::size_t> idx(items.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) { return keys[x] > keys[y]; });
  // Hosts holding VMs that stay are open from the start; others open largest first.
  std::vector<std::int32_t> open, closed;
  std::vector<double> stay(ix(c.num_hosts()), 0);
  const std::vector<double> size = host_values(p);
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!p.scope.hosts[ix(h)]) continue;
    (occ.vm_count(h) > 0 ? open : closed).push_back(h);
  }
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (p.a[ix(v)] != kNoHost) stay[ix(p.a[ix(v)])] += c.vm(v).memory_gb;
  }
  std::stable_sort(closed.begin(), closed.end(), [&](std::int32_t x, std::int32_t y) {
    if (size[ix(x)] != size[ix(y)]) return size[ix(x)] > size[ix(y)];
    return stay[ix(x)] > stay[ix(y)];
  });
  std::vector<Resources> limits(ix(c.num_hosts()));
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) limits[ix(h)] = c.limit(h);
  std::size_t next_closed = 0;
  for (std::size_t k : idx) {
    std::int32_t vm = items[k];
    std::int32_t best = kNoHost;
    double best_score = std::numeric_limits<double>::infinity();
    for (std::int32_t h : open) {
      if (!p.rules.admits(occ, vm, h)) continue;
      if (rule == FitRule::kFirst) {
        best = h;
        break;
      }
      double s = fit_score(c, occ, limits[ix(h)], vm, h, rule);
      if (s < best_score - 1e-12) {
        best = h;
        best_score = s;
      }
    }
    if (best == kNoHost) {
      // Open the next closed host that takes it (skipped ones stay closed).
      for (std::size_t j = next_closed; j < closed.size(); ++j) {
        if (p.rules.admits(occ, vm, closed[j])) {
          best = closed[j];
          std::swap(closed[j], closed[next_closed]);
          ++next_closed;
          open.push_back(best);
          break;
        }
      }
    }
    if (best == kNoHost) return out;  // fits nowhere
    b[ix(vm)] = best;
    occ.add(vm, best);
  }
  relabel(p, b);
  out.ok = true;
  out.b = std::move(b);
  out.hosts = active_hosts(c, out.b, &p.scope.hosts);
  return out;
}

ScratchPacking best_scratch_pack(const TargetProblem& p) {
  ScratchPacking best;
  double best_moved = 0;
  for (FitRule rule : {FitRule::kFirst, FitRule::kBestL2, FitRule::kDotProduct}) {
    for (SizeOrder order : {SizeOrder::kMaxShare, SizeOrder::kSumShare, SizeOrder::kVolume, SizeOrder::kCpu,
                            SizeOrder::kMem}) {
      if ((order == SizeOrder::kCpu && !has_dim(p.cluster.dims, kCpu)) ||
          (order == SizeOrder::kMem && !has_dim(p.cluster.dims, kMem))) {
        continue;
      }
      ScratchPacking r = scratch_pack(p, order, rule);
      if (!r.ok) continue;
      double moved = moved_memory_gb(p.cluster, p.a, r.b);
      if (!best.ok || r.hosts < best.hosts || (r.hosts == best.hosts && moved < best_moved)) {
        best = std::move(r);
        best_moved = moved;
      }
    }
  }
  return best;
}

}  // namespace fleetopt::rearrange
