// Clusters built from real traces, for `fleetopt rearrange --workload SPEC
// --at T` and the real-trace comparisons: the instances running at time T,
// placed by replaying every arrival and departure up to T.
//
// The replay is this module's own (the placement simulator reports metrics,
// not its final placement): each arrival goes to the least loaded host that
// admits it ("spread", what the OpenStack and Kubernetes default schedulers
// do) or the first such host ("first-fit"); an arrival that fits nowhere is
// rejected and counted.
#pragma once

#include <cstdint>
#include <string>

#include "fleetopt/core/workload.h"
#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange {

struct TraceClusterOptions {
  double at = -1;             // seconds after the start; < 0: when most instances run (the end with fill)
  std::int32_t hosts = 0;     // 0: the trace's own machines, else 1.3 x the lower bound
  Resources host;             // all zero: the workload's default host
  std::string placement = "spread";  // spread | first-fit
  // Ignore departures: every instance that arrived by `at` stays (how the
  // Alibaba GPU 2023 "openb" traces are replayed to fill a cluster).
  bool fill = false;
};

struct TraceCluster {
  Cluster cluster;
  Placement a;
  double at = 0;
  std::int64_t rejected = 0;
  std::string description;
};

// Throws InputError for an unknown placement name or a time outside the trace.
TraceCluster cluster_from_workload(const Workload& w, const TraceClusterOptions& opts);

}  // namespace fleetopt::rearrange
