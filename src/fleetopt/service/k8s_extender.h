// kube-scheduler's HTTP extender (k8s.io/kube-scheduler/extender/v1):
// ExtenderArgs in, ExtenderFilterResult / HostPriorityList out. Nodes are
// hosts by name; a pod's requests are the sum of its containers' requests
// (cpu in cores, "500m" = 0.5; memory in GB, "1Gi" = 1.073741824). Binding
// stays with kube-scheduler: a controller records the bound pod with
// POST /v1/placements {"id", "host", "requests"} (docs/service.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fleetopt/core/resources.h"
#include "fleetopt/service/decision_service.h"

namespace fleetopt::service {

// Throws InputError naming the field on a malformed quantity.
double parse_k8s_quantity(const std::string& text, bool memory, const std::string& field);
Resources pod_requests(const nlohmann::json& pod);

nlohmann::json k8s_filter(DecisionService& service, const nlohmann::json& args);
nlohmann::json k8s_prioritize(DecisionService& service, const nlohmann::json& args);

}  // namespace fleetopt::service
