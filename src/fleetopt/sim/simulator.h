// Trace-driven replay of VM placement on a fleet of identical hosts.
//
// Time advances in steps of workload.step_seconds. At each step: departures,
// then arrivals in trace order (each placed by the policy, admitted by
// requests under the overcommit ratios), then every running VM's actual usage
// is summed per host and compared with the host's physical capacity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/core/resources.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt {

struct SimConfig {
  std::int32_t hosts = 0;
  Resources host_capacity;  // all zero: use workload.default_host
  Resources overcommit = make_resources(1, 1, 1, 1, 1);
  std::uint64_t seed = 1;
  bool record_latency = true;
  bool show_progress = false;  // a bar over the steps (one replay at a time only: `simulate`)
  // When set: resized to the workload and filled with each VM's host
  // (kNoHost when rejected), e.g. to compare with the decision service.
  std::vector<std::int32_t>* assignment = nullptr;
};

// Metrics as defined in DESIGN.md.
struct SimMetrics {
  std::string policy;
  std::int32_t hosts = 0;
  double overload_rate = 0;         // share of VM-time on a host over capacity
  double host_overload_share = 0;   // share of active host-time over capacity
  std::int64_t rejected = 0;        // arrivals no host could admit
  double active_host_hours = 0;     // host-hours with at least one VM
  double peak_to_average = 0;       // per host peak/mean CPU use, averaged
  std::int64_t decisions = 0;
  double decision_ns_p50 = 0;
  double decision_ns_p99 = 0;
  double wall_seconds = 0;
  std::int64_t steps = 0;
  std::int64_t vm_steps = 0;        // running VM count summed over steps
  double replay_seconds = 0;        // time in the usage loop alone
};

// Throws InputError on an impossible configuration (no hosts, zero capacity
// in a dimension the workload uses).
SimMetrics simulate(const Workload& workload, Placer& placer, const SimConfig& config);

// The host capacity the simulation uses for this config and workload.
Resources effective_host(const Workload& workload, const SimConfig& config);

}  // namespace fleetopt
