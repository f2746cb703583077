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

// Sends VMs back to their host in A when that host stays active in b and
// still has room: the host count is unchanged, the migrations fewer. Most
// costly moves first.
void return_home(const TargetProblem& p, Placement& b) {
  const Cluster& c = p.cluster;
  Occupancy occ(c, b);
  std::vector<std::int32_t> moved;
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (b[ix(v)] != kNoHost && p.a[ix(v)] != kNoHost && b[ix(v)] != p.a[ix(v)] && p.scope.hosts[ix(p.a[ix(v)])]) {
      moved.push_back(v);
    }
  }
  std::vector<double> cost(moved.size());
  for (std::size_t i = 0; i < moved.size(); ++i) {
    const std::int32_t v = moved[i];
    cost[i] = p.cost.cost(c, v, p.a[ix(v)], b[ix(v)]);
  }
  std::vector<std::size_t> order(moved.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return cost[x] > cost[y]; });
  for (std::size_t i : order) {
    const std::int32_t v = moved[i], home = p.a[ix(v)], there = b[ix(v)];
    if (occ.vm_count(home) == 0) continue;  // would reopen a host
    occ.remove(v, there);
    if (p.rules.admits(occ, v, home)) {
      occ.add(v, home);
      b[ix(v)] = home;
    } else {
      occ.add(v, there);
    }
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

namespace {

// One bin-centric pass for one price vector; VMs of a class are equal in
// demand, so the choice is among classes, and within the class a VM already
// on the host is taken first (fewer moves).
ScratchPacking bin_centric_pass(const TargetProblem& p, const std::vector<std::vector<std::int32_t>>& classes,
                                const std::vector<std::int32_t>& host_order, const Resources& price,
                                double home_bonus) {
  const Cluster& c = p.cluster;
  ScratchPacking out;
  Placement b = p.a;
  for (const auto& members : classes) {
    for (std::int32_t v : members) b[ix(v)] = kNoHost;
  }
  Occupancy occ(c, b);
  // Unplaced members per class; the members each host holds in A, and those
  // of the host being filled per class (filled and cleared host by host, so
  // the innermost loop looks them up in O(1)).
  std::vector<std::vector<std::int32_t>> pool = classes;
  std::vector<std::vector<std::pair<std::size_t, std::int32_t>>> home_of(ix(c.num_hosts()));
  for (std::size_t k = 0; k < classes.size(); ++k) {
    for (std::int32_t v : classes[k]) {
      if (p.a[ix(v)] != kNoHost) home_of[ix(p.a[ix(v)])].emplace_back(k, v);
    }
  }
  std::vector<std::vector<std::int32_t>> at_home(classes.size());
  std::vector<char> placed(ix(c.num_vms()), 0);
  std::vector<std::size_t> remaining(classes.size());
  std::vector<double> value(classes.size(), 0);
  for (std::size_t k = 0; k < classes.size(); ++k) {
    remaining[k] = classes[k].size();
    const Resources& dem = c.vm(classes[k].front()).demand;
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(c.dims, d)) value[k] += price[d] * dem[d];
    }
  }
  auto take = [&](std::vector<std::int32_t>& list) {
    while (!list.empty() && placed[ix(list.back())]) list.pop_back();
    if (list.empty()) return kNoHost;
    return list.back();
  };
  std::size_t left = 0;
  for (const auto& members : classes) left += members.size();
  for (std::int32_t h : host_order) {
    if (left == 0) break;
    const Resources lim = c.limit(h);
    for (const auto& [k, v] : home_of[ix(h)]) at_home[k].push_back(v);
    while (left > 0) {
      const Resources room = lim - occ.load(h);
      std::size_t best = classes.size();
      std::int32_t best_vm = kNoHost;
      double best_score = -1;
      for (std::size_t k = 0; k < classes.size(); ++k) {
        if (remaining[k] == 0) continue;
        const Resources& dem = c.vm(classes[k].front()).demand;
        double tightest = 0;
        bool fits = true;
        for (int d = 0; d < kMaxDims && fits; ++d) {
          if (!has_dim(c.dims, d) || dem[d] <= 0) continue;
          if (dem[d] > room[d] + 1e-9 * std::max(1.0, lim[d])) {
            fits = false;
          } else {
            tightest = std::max(tightest, dem[d] / std::max(room[d], 1e-12));
          }
        }
        if (!fits) continue;
        double score = tightest > 0 ? value[k] / tightest : std::numeric_limits<double>::max();
        std::int32_t vm = take(at_home[k]);
        if (vm != kNoHost) score *= home_bonus;
        if (score <= best_score) continue;
        if (vm == kNoHost) vm = take(pool[k]);
        if (vm != kNoHost && p.rules.admits(occ, vm, h)) {
          best_score = score;
          best = k;
          best_vm = vm;
        }
      }
      if (best == classes.size()) break;
      placed[ix(best_vm)] = 1;
      --remaining[best];
      b[ix(best_vm)] = h;
      occ.add(best_vm, h);
      --left;
    }
    for (const auto& [k, v] : home_of[ix(h)]) at_home[k].clear();
  }
  if (left > 0) return out;  // some VM fits nowhere (or the rules refuse the rest)
  relabel(p, b);
  return_home(p, b);
  out.ok = true;
  out.b = std::move(b);
  out.hosts = active_hosts(c, out.b, &p.scope.hosts);
  return out;
}

}  // namespace

ScratchPacking bin_centric_pack(const TargetProblem& p, double home_bonus) {
  const Cluster& c = p.cluster;
  std::map<std::vector<double>, std::vector<std::int32_t>> by_demand;
  Resources demand, capacity;
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (!p.scope.movable[ix(v)]) continue;
    const Resources& dem = c.vm(v).demand;
    by_demand[std::vector<double>(dem.v.begin(), dem.v.end())].push_back(v);
    demand += dem;
  }
  ScratchPacking best;
  if (by_demand.empty() || by_demand.size() > 4000) return best;
  std::vector<std::vector<std::int32_t>> classes;
  for (auto& [key, members] : by_demand) classes.push_back(std::move(members));
  // Most valuable hosts first, then those holding the most (fewer moves).
  std::vector<std::int32_t> order;
  std::vector<double> stay(ix(c.num_hosts()), 0);
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (p.a[ix(v)] != kNoHost) stay[ix(p.a[ix(v)])] += c.vm(v).memory_gb;
  }
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!p.scope.hosts[ix(h)]) continue;
    order.push_back(h);
    capacity += c.limit(h);
  }
  const std::vector<double> value = host_values(p);
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t x, std::int32_t y) {
    if (value[ix(x)] != value[ix(y)]) return value[ix(x)] > value[ix(y)];
    return stay[ix(x)] > stay[ix(y)];
  });
  // Hosts holding VMs that cannot move are open whatever happens: fill them first.
  std::vector<char> fixed(ix(c.num_hosts()), 0);
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (p.a[ix(v)] != kNoHost && !p.scope.movable[ix(v)]) fixed[ix(p.a[ix(v)])] = 1;
  }
  std::stable_partition(order.begin(), order.end(), [&](std::int32_t h) { return fixed[ix(h)] != 0; });
  int scarce = -1;
  std::vector<int> dims;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(c.dims, d) || demand[d] <= 0 || capacity[d] <= 0) continue;
    dims.push_back(d);
    if (scarce < 0 || demand[d] / capacity[d] > demand[scarce] / capacity[scarce]) scarce = d;
  }
  if (scarce < 0) return best;
  // Two host orders: by value, and by the scarce resource first.
  std::vector<std::int32_t> scarce_first = order;
  std::stable_sort(scarce_first.begin(), scarce_first.end(), [&](std::int32_t x, std::int32_t y) {
    if (fixed[ix(x)] != fixed[ix(y)]) return fixed[ix(x)] > fixed[ix(y)];
    return c.limit(x)[scarce] > c.limit(y)[scarce];
  });
  double best_moved = 0;
  // Each pass costs about classes x hosts x VMs per host: a coarser grid for
  // large problems, none for huge ones.
  const double work = static_cast<double>(classes.size()) * static_cast<double>(order.size());
  if (work > 2e7) return best;
  const std::vector<double> grid = work > 2e6 ? std::vector<double>{0.0, 0.1} : std::vector<double>{0.0, 0.03, 0.1, 0.3};
  for (const auto* host_order : {&order, &scarce_first}) {
    std::vector<std::size_t> pick(dims.size(), 0);
    while (true) {
      Resources price;
      for (std::size_t i = 0; i < dims.size(); ++i) {
        const int d = dims[i];
        price[d] = (d == scarce ? 1.0 : grid[pick[i]]) / demand[d];
      }
      ScratchPacking r = bin_centric_pass(p, classes, *host_order, price, home_bonus);
      if (r.ok) {
        const double moved = moved_memory_gb(c, p.a, r.b);
        if (!best.ok || r.hosts < best.hosts || (r.hosts == best.hosts && moved < best_moved)) {
          best = std::move(r);
          best_moved = moved;
        }
      }
      // Next price vector (the scarce resource's digit stays 0).
      std::size_t i = 0;
      for (; i < dims.size(); ++i) {
        if (dims[i] == scarce) continue;
        if (++pick[i] < grid.size()) break;
        pick[i] = 0;
      }
      if (i == dims.size()) break;
    }
  }
  best.method = "bin-centric";
  return best;
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
