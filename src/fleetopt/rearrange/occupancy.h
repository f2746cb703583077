// What each host holds in one state of the cluster: summed demand, VM count
// and anti-affinity group counts, updated in O(1) per add/remove. A migrating
// VM is simply added to its target before it is removed from its source, so
// a state "during" a migration counts it on both.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange {

class Occupancy {
 public:
  explicit Occupancy(const Cluster& cluster);
  // Occupancy of a whole placement.
  Occupancy(const Cluster& cluster, const Placement& p);

  const Cluster& cluster() const { return *cluster_; }
  const Resources& load(std::int32_t h) const { return load_[idx(h)]; }
  std::int32_t vm_count(std::int32_t h) const { return count_[idx(h)]; }
  std::int32_t group_count(std::int32_t h, std::int32_t group) const {
    return groups_ == 0 ? 0 : group_count_[idx(h) * groups_ + idx(group)];
  }

  void add(std::int32_t vm, std::int32_t h);
  void remove(std::int32_t vm, std::int32_t h);
  void clear();
  void load_placement(const Placement& p);

 private:
  static std::size_t idx(std::int32_t i) { return static_cast<std::size_t>(i); }
  const Cluster* cluster_;
  std::size_t groups_ = 0;
  std::vector<Resources> load_;
  std::vector<std::int32_t> count_;
  std::vector<std::uint16_t> group_count_;  // [host][group]
};

}  // namespace fleetopt::rearrange
