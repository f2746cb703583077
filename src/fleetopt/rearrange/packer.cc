#include "fleetopt/rearrange/packer.h"

#include "fleetopt/rearrange/plan.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fleetopt/core/slot_list.h"

namespace fleetopt::rearrange {

Packer::Packer(const TargetProblem& p) : p_(p), cur_(p.a), occ_(p.cluster, p.a) {
  const Cluster& c = p.cluster;
  on_.assign(ix(c.num_hosts()), {});
  slot_.assign(ix(c.num_vms()), -1);
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    std::int32_t h = cur_[ix(v)];
    if (h == kNoHost) continue;
    slot_[ix(v)] = static_cast<std::int32_t>(on_[ix(h)].size());
    on_[ix(h)].push_back(v);
  }
  limit_.resize(ix(c.num_hosts()));
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) limit_[ix(h)] = c.limit(h);
}

void Packer::apply(std::int32_t vm, std::int32_t h) {
  std::int32_t from = cur_[ix(vm)];
  occ_.add(vm, h);
  occ_.remove(vm, from);
  slot_list_erase(on_[ix(from)], slot_, vm);
  slot_list_insert(on_[ix(h)], slot_, vm);
  cur_[ix(vm)] = h;
  std::int32_t home = p_.a[ix(vm)];
  bool was_moved = from != home, now_moved = h != home;
  if (was_moved) {
    --moved_;
    moved_cost_ -= p_.cost.cost(p_.cluster, vm, home, from);
  }
  if (now_moved) {
    ++moved_;
    moved_cost_ += p_.cost.cost(p_.cluster, vm, home, h);
  }
}

void Packer::move(std::int32_t vm, std::int32_t h) {
  Migration m;
  m.vm = vm;
  m.from = cur_[ix(vm)];
  m.to = h;
  m.cost = p_.cost.cost(p_.cluster, vm, m.from, h);
  log_.push_back(m);
  apply(vm, h);
}

void Packer::rollback(std::size_t mark) {
  while (log_.size() > mark) {
    Migration m = log_.back();
    log_.pop_back();
    apply(m.vm, m.from);
  }
  if (log_.empty()) moved_cost_ = 0;  // exact again
}

bool Packer::within_budget() const {
  const auto& o = p_.options;
  if (o.max_migrations >= 0 && moved_ > o.max_migrations) return false;
  if (o.max_cost >= 0 && moved_cost_ > o.max_cost + 1e-9) return false;
  return true;
}

double Packer::size_of(std::int32_t vm) const {
  const Cluster& c = p_.cluster;
  std::int32_t h = cur_[ix(vm)];
  const Resources& lim = h == kNoHost ? limit_.front() : limit_[ix(h)];
  double s = 0;
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(c.dims, d) && lim[d] > 0) s = std::max(s, c.vm(vm).demand[d] / lim[d]);
  }
  return s;
}

double Packer::score(std::int32_t vm, std::int32_t h, FitRule rule) const {
  const Cluster& c = p_.cluster;
  const Resources& lim = limit_[ix(h)];
  const Resources& load = occ_.load(h);
  const Resources& dem = c.vm(vm).demand;
  double s = 0;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(c.dims, d) || lim[d] <= 0) continue;
    double residual = (lim[d] - load[d] - dem[d]) / lim[d];
    switch (rule) {
      case FitRule::kBestL2: s += residual * residual; break;
      case FitRule::kDotProduct: s -= (dem[d] / lim[d]) * ((lim[d] - load[d]) / lim[d]); break;
      case FitRule::kLeastLoaded: s = std::max(s, 1 - residual); break;
      case FitRule::kFirst: break;
    }
  }
  return s;  // lower is better
}

std::int32_t Packer::choose_host(std::int32_t vm, const std::vector<std::int32_t>& candidates, FitRule rule,
                                 const std::function<bool(std::int32_t)>& allowed) const {
  const Cluster& c = p_.cluster;
  std::int32_t best = kNoHost;
  double best_score = std::numeric_limits<double>::infinity();
  bool best_same_image = false;
  const std::int32_t image = c.vm(vm).image;
  for (std::int32_t h : candidates) {
    if (h == cur_[ix(vm)] || (allowed && !allowed(h)) || !fits(vm, h)) continue;
    if (rule == FitRule::kFirst) return h;
    double s = score(vm, h, rule);
    bool same_image = false;
    if (p_.options.image_affinity && image >= 0) {
      for (std::int32_t other : on_[ix(h)]) same_image = same_image || c.vm(other).image == image;
    }
    if (best == kNoHost || (same_image && !best_same_image) ||
        (same_image == best_same_image && s < best_score - 1e-12)) {
      best = h;
      best_score = s;
      best_same_image = same_image;
    }
  }
  return best;
}

bool Packer::place_with_ejection(std::int32_t vm, const std::vector<std::int32_t>& candidates,
                                 const std::function<bool(std::int32_t)>& allowed) {
  const Cluster& c = p_.cluster;
  const std::int32_t home = cur_[ix(vm)];
  const double vm_size = size_of(vm);
  struct Option {
    std::int32_t host = kNoHost, evicted = -1, refuge = kNoHost;
    double cost = std::numeric_limits<double>::infinity();
  } best;
  // Where a VM of a given demand could go, found once per demand (VMs of one
  // flavour share it) and looked up again only if it is the host being freed.
  struct Refuge {
    Resources demand;
    std::int32_t group;
    std::int32_t host;
  };
  std::vector<Refuge> refuges;
  auto refuge_for = [&](std::int32_t y, std::int32_t freed) {
    const Vm& vy = c.vm(y);
    for (const Refuge& r : refuges) {
      if (r.demand == vy.demand && r.group == vy.anti_affinity && r.host != freed) return r.host;
    }
    std::int32_t found = kNoHost;
    for (std::int32_t r : candidates) {
      if (r == freed || r == home || (allowed && !allowed(r)) || !fits(y, r)) continue;
      found = r;
      break;
    }
    if (found != kNoHost || refuges.size() < 64) refuges.push_back({vy.demand, vy.anti_affinity, found});
    return found;
  };
  int pairs_tried = 0;  // bounds the work on very full clusters
  for (std::int32_t h : candidates) {
    if (pairs_tried >= 256) break;
    if (h == home || (allowed && !allowed(h)) || !host_in_scope(h)) continue;
    for (std::int32_t y : on_[ix(h)]) {
      if (!movable(y) || size_of(y) >= vm_size) continue;
      double cost = p_.cost.cost(c, y, h, h);
      if (cost >= best.cost) continue;
      occ_.remove(y, h);
      bool room = p_.rules.admits(occ_, vm, h);
      occ_.add(y, h);
      if (!room) continue;
      ++pairs_tried;
      std::int32_t r = refuge_for(y, h);
      if (r != kNoHost) best = {h, y, r, cost};
    }
  }
  if (best.host == kNoHost) return false;
  move(best.evicted, best.refuge);
  move(vm, best.host);
  return true;
}

bool Packer::empty_by_repacking(std::int32_t s, const std::vector<std::int32_t>& with) {
  std::vector<std::int32_t> pool;
  for (std::int32_t v : on_[ix(s)]) {
    if (!movable(v)) return false;
    pool.push_back(v);
  }
  for (std::int32_t h : with) {
    if (h == s || !host_in_scope(h)) return false;
    for (std::int32_t v : on_[ix(h)]) {
      if (movable(v)) pool.push_back(v);
    }
  }
  std::stable_sort(pool.begin(), pool.end(), [&](std::int32_t x, std::int32_t y) { return size_of(x) > size_of(y); });
  // Assign on the occupancy with the pool lifted out, then put it back.
  for (std::int32_t v : pool) occ_.remove(v, cur_[ix(v)]);
  std::vector<std::int32_t> target(pool.size(), kNoHost);
  bool ok = true;
  for (std::size_t i = 0; i < pool.size() && ok; ++i) {
    std::int32_t v = pool[i], best = kNoHost;
    double best_score = std::numeric_limits<double>::infinity();
    for (std::int32_t h : with) {
      if (!p_.rules.admits(occ_, v, h)) continue;
      double sc = score(v, h, FitRule::kBestL2);
      if (h == cur_[ix(v)]) sc -= 1e-6;  // staying put wins ties
      if (sc < best_score) {
        best = h;
        best_score = sc;
      }
    }
    if (best == kNoHost) {
      ok = false;
    } else {
      target[i] = best;
      occ_.add(v, best);
    }
  }
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (target[i] != kNoHost) occ_.remove(pool[i], target[i]);
    occ_.add(pool[i], cur_[ix(pool[i])]);
  }
  if (!ok) return false;
  // Carry it out in an order in which each move fits when made, stepping
  // VMs aside (to s, which is emptying, or any host with room) to break swaps.
  Placement goal = cur_;
  for (std::size_t i = 0; i < pool.size(); ++i) goal[ix(pool[i])] = target[i];
  auto order = order_migrations(p_.cluster, p_.rules, p_.cost, cur_, goal);
  if (!order) return false;
  for (const Migration& m : *order) move(m.vm, m.to);
  return true;
}

std::vector<double> host_values(const TargetProblem& p) {
  auto ix = [](std::int32_t i) { return static_cast<std::size_t>(i); };
  const Cluster& c = p.cluster;
  Resources capacity, demand;
  std::int32_t n = 0;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!p.scope.hosts[ix(h)]) continue;
    capacity += c.limit(h);
    ++n;
  }
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    std::int32_t h = p.a[ix(v)];
    if (h != kNoHost && p.scope.hosts[ix(h)]) demand += c.vm(v).demand;
  }
  std::vector<double> value(ix(c.num_hosts()), 0);
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    Resources lim = c.limit(h);
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(c.dims, d) || capacity[d] <= 0 || n == 0) continue;
      double mean = capacity[d] / n;
      value[ix(h)] += (lim[d] / mean) * (demand[d] / capacity[d]);
    }
  }
  return value;
}

}  // namespace fleetopt::rearrange
