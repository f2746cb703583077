// Alibaba GPU cluster trace 2023 ("openb", cluster-trace-gpu-v2023): a pod
// list (name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, qos,
// pod_phase, creation_time, deletion_time, scheduled_time; seconds) and a node
// list (sn, cpu_milli, memory_mib, gpu, model).
#pragma once

#include <string>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt {

struct Alibaba2023Options {
  std::string pods_file = "openb_pod_list_default.csv";
  std::string nodes_file = "openb_node_list_all_node.csv";
  double step_seconds = 300;
  // Pods never scheduled (pod_phase Pending, empty scheduled_time) are still
  // demand the scheduler saw; false drops them ("pending_pods_dropped").
  bool include_pending = true;
};

// Nodes as hosts: cpu_milli / 1000 cores, memory_mib / 1024 GB, gpu devices.
std::vector<HostSpec> read_alibaba2023_nodes(const std::string& path, ReadReport* report);

// Pods as instances (cpu, mem, gpu; usage = request): arrival creation_time,
// departure deletion_time. gpu = num_gpu, or gpu_milli / 1000 for a shared
// GPU (num_gpu 1). Tags: qos, phase and gpu_spec. Rules, each counted:
// - deletion_time <= creation_time: a 1-second life ("zero_lifetime_pods");
// - empty deletion_time (never deleted): runs to the last time in the trace
//   ("pods_never_deleted");
// - pods deleted at the trace's last time stamp were still running when it
//   was cut ("pods_running_at_trace_end", kept as given);
// - empty scheduled_time: never scheduled ("pods_never_scheduled").
// Hosts = the node list; default_host = its most common node type.
// Columns are found by header name; missing columns, bad numbers, NaN,
// negative sizes and gpu_milli above 1000 are InputErrors at file:line.
Workload read_alibaba2023(const std::string& dir, const Alibaba2023Options& opts,
                          ReadReport* report);

}  // namespace fleetopt
