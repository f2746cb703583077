#include "fleetopt/rearrange/occupancy.h"

#include <stdexcept>

namespace fleetopt::rearrange {

Occupancy::Occupancy(const Cluster& cluster) : cluster_(&cluster) {
  groups_ = cluster.groups.size();
  load_.assign(idx(cluster.num_hosts()), Resources{});
  count_.assign(idx(cluster.num_hosts()), 0);
  group_count_.assign(idx(cluster.num_hosts()) * groups_, 0);
}

Occupancy::Occupancy(const Cluster& cluster, const Placement& p) : Occupancy(cluster) {
  load_placement(p);
}

void Occupancy::add(std::int32_t vm, std::int32_t h) {
  const Vm& v = cluster_->vm(vm);
  load_[idx(h)] += v.demand;
  ++count_[idx(h)];
  if (v.anti_affinity >= 0) ++group_count_[idx(h) * groups_ + idx(v.anti_affinity)];
}

void Occupancy::remove(std::int32_t vm, std::int32_t h) {
  const Vm& v = cluster_->vm(vm);
  if (count_[idx(h)] <= 0) throw std::logic_error("Occupancy::remove from an empty host");
  if (--count_[idx(h)] == 0) {
    load_[idx(h)] = Resources{};  // no float drift on empty hosts
  } else {
    load_[idx(h)] -= v.demand;
  }
  if (v.anti_affinity >= 0) --group_count_[idx(h) * groups_ + idx(v.anti_affinity)];
}

void Occupancy::clear() {
  for (auto& l : load_) l = Resources{};
  for (auto& c : count_) c = 0;
  for (auto& g : group_count_) g = 0;
}

void Occupancy::load_placement(const Placement& p) {
  clear();
  for (std::size_t v = 0; v < p.size(); ++v) {
    if (p[v] != kNoHost) add(static_cast<std::int32_t>(v), p[v]);
  }
}

}  // namespace fleetopt::rearrange
