#include "fleetopt/core/cluster.h"

#include <stdexcept>
#include <utility>

#include "fleetopt/core/slot_list.h"

namespace fleetopt {

ClusterState::ClusterState(std::vector<Resources> capacity, const Resources& overcommit,
                           DimMask dims, std::size_t max_vms)
    : dims_(dims), capacity_(std::move(capacity)) {
  std::size_t n = capacity_.size();
  limit_.resize(n);
  for (std::size_t h = 0; h < n; ++h) {
    for (int d = 0; d < kMaxDims; ++d) {
      double ratio = overcommit[d] > 0 ? overcommit[d] : 1.0;
      limit_[h][d] = capacity_[h][d] * ratio;
    }
  }
  reserved_.assign(n, Resources{});
  used_.assign(n, Resources{});
  pending_.assign(n, Resources{});
  vms_on_.assign(n, {});
  host_of_.assign(max_vms, kNoHost);
  slot_.assign(max_vms, -1);
  request_.assign(max_vms, Resources{});
}

void ClusterState::place(std::int32_t vm, std::int32_t host, const Resources& request) {
  if (vm < 0 || idx(vm) >= host_of_.size()) throw std::logic_error("place: VM id out of range");
  if (host < 0 || idx(host) >= capacity_.size()) throw std::logic_error("place: host out of range");
  if (host_of_[idx(vm)] != kNoHost) throw std::logic_error("place: VM already placed");
  auto& list = vms_on_[idx(host)];
  if (list.empty()) ++active_hosts_;
  slot_list_insert(list, slot_, vm);
  host_of_[idx(vm)] = host;
  request_[idx(vm)] = request;
  reserved_[idx(host)] += request;
  pending_[idx(host)] += request;
}

void ClusterState::clear_pending() {
  for (auto& p : pending_) p = Resources{};
}

void ClusterState::remove(std::int32_t vm) {
  if (vm < 0 || idx(vm) >= host_of_.size()) throw std::logic_error("remove: VM id out of range");
  std::int32_t host = host_of_[idx(vm)];
  if (host == kNoHost) throw std::logic_error("remove: VM not placed");
  auto& list = vms_on_[idx(host)];
  slot_list_erase(list, slot_, vm);
  if (list.empty()) {
    --active_hosts_;
    reserved_[idx(host)] = Resources{};  // no drift from float sums on empty hosts
  } else {
    reserved_[idx(host)] -= request_[idx(vm)];
  }
  host_of_[idx(vm)] = kNoHost;
  slot_[idx(vm)] = -1;
}

}  // namespace fleetopt
