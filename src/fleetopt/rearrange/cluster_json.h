// The cluster-state JSON of `fleetopt plan` and `fleetopt rearrange`:
//
//   {"resources": ["cpu", "mem"],
//    "overcommit": {"cpu": 4},                       optional, default 1
//    "rules": [{"rule": "max_utilisation", "cpu": 0.9}],   optional
//    "hosts": [{"id": "h1", "capacity": {"cpu": 32, "mem": 128},
//               "reserve": {"cpu": 2, "mem": 8},     optional
//               "bandwidth_gbps": 10, "tags": ["zone-a"]}],   optional
//    "vms":   [{"id": "vm1", "demand": {"cpu": 4, "mem": 16}, "host": "h1",
//               "memory_gb": 16, "dirty_rate_mbps": 40, "pinned": false,
//               "anti_affinity": "db", "image": "ubuntu-22.04",
//               "tags": ["web"]}]}                   all but id/demand/host optional
//
// "host": null means the VM is not running. Validation is strict: unknown
// fields, duplicate or unknown ids, negative, non-finite or missing
// quantities and malformed JSON are InputErrors naming the file and field
// (or line).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange {

struct ClusterFile {
  Cluster cluster;
  Placement placement;
  nlohmann::json rules;  // the "rules" array (null when absent)
};

// `source` names the document in errors (a path, or "<string>").
ClusterFile parse_cluster_json(const std::string& text, const std::string& source);
ClusterFile read_cluster_json(const std::string& path);

// A and B over one VM list: VMs only in B are new (not running in A), VMs
// only in A are absent from B (shut down). B may leave out "hosts" and
// "resources" and, for VMs A knows, "demand"; when given they must match A.
struct PlanInput {
  ClusterFile a;
  Placement b;
};
PlanInput parse_plan_input(const std::string& a_text, const std::string& a_source,
                           const std::string& b_text, const std::string& b_source);
PlanInput read_plan_input(const std::string& a_path, const std::string& b_path);

nlohmann::json cluster_to_json(const Cluster& c, const Placement& p, const nlohmann::json& rules = {});

}  // namespace fleetopt::rearrange
