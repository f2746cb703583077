// Cluster bookkeeping: hosts, where each VM runs, and per-host reserved
// totals, all updated in O(1) per place/remove. Dense integer ids only.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/core/resources.h"

namespace fleetopt {

inline constexpr std::int32_t kNoHost = -1;

class ClusterState {
 public:
  ClusterState() = default;
  // overcommit[d] scales the capacity that requests may reserve.
  ClusterState(std::vector<Resources> capacity, const Resources& overcommit, DimMask dims,
               std::size_t max_vms);

  std::size_t num_hosts() const { return capacity_.size(); }
  std::size_t max_vms() const { return host_of_.size(); }
  DimMask dims() const { return dims_; }

  const Resources& capacity(std::int32_t h) const { return capacity_[idx(h)]; }
  const Resources& admit_limit(std::int32_t h) const { return limit_[idx(h)]; }
  const Resources& reserved(std::int32_t h) const { return reserved_[idx(h)]; }
  // Actual usage summed over the host's VMs at the last observed step.
  const Resources& used(std::int32_t h) const { return used_[idx(h)]; }
  Resources& mutable_used(std::int32_t h) { return used_[idx(h)]; }
  // Requests placed since the last observation: their usage is not yet seen,
  // so usage-based decisions count them at their request.
  const Resources& pending(std::int32_t h) const { return pending_[idx(h)]; }
  Resources observed(std::int32_t h) const { return used_[idx(h)] + pending_[idx(h)]; }
  void clear_pending();
  std::int32_t vm_count(std::int32_t h) const {
    return static_cast<std::int32_t>(vms_on_[idx(h)].size());
  }
  const std::vector<std::int32_t>& vms_on(std::int32_t h) const { return vms_on_[idx(h)]; }
  std::int32_t host_of(std::int32_t vm) const { return host_of_[idx(vm)]; }
  const Resources& request_of(std::int32_t vm) const { return request_[idx(vm)]; }

  // Whether host h can admit a request under the overcommit ratios.
  bool fits(std::int32_t h, const Resources& request) const {
    return (reserved_[idx(h)] + request).fits_within(limit_[idx(h)], dims_);
  }

  // Both throw std::logic_error on misuse (VM already placed / not placed).
  void place(std::int32_t vm, std::int32_t host, const Resources& request);
  void remove(std::int32_t vm);

  std::int32_t active_hosts() const { return active_hosts_; }

 private:
  static std::size_t idx(std::int32_t i) { return static_cast<std::size_t>(i); }

  DimMask dims_ = kCpuMem;
  std::vector<Resources> capacity_, limit_, reserved_, used_, pending_;
  std::vector<std::vector<std::int32_t>> vms_on_;
  std::vector<std::int32_t> host_of_;      // per VM
  std::vector<std::int32_t> slot_;         // per VM: position in vms_on_[host]
  std::vector<Resources> request_;         // per VM, while placed
  std::int32_t active_hosts_ = 0;
};

}  // namespace fleetopt
