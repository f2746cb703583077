#include "fleetopt/service/k8s_extender.h"

#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"

namespace fleetopt::service {
namespace {

using nlohmann::json;

// Field lookup as Go's encoding/json does it: exact name first, then any
// case (older kube-schedulers sent "Pod", "Nodes", "NodeNames").
const json* field(const json& obj, const std::string& name) {
  if (!obj.is_object()) return nullptr;
  if (auto it = obj.find(name); it != obj.end()) return &*it;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& k = it.key();
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return &*it;
  }
  return nullptr;
}

struct Candidates {
  std::vector<std::string> names;
  const json* node_items = nullptr;  // when the nodes were given as a NodeList
};

Candidates candidates(const json& args) {
  Candidates c;
  if (const json* names = field(args, "nodenames"); names && !names->is_null()) {
    if (!names->is_array()) throw InputError::field("nodenames", "expected an array of node names");
    for (std::size_t i = 0; i < names->size(); ++i) {
      if (!(*names)[i].is_string()) throw InputError::field(fmt::format("nodenames[{}]", i), "expected a string");
      c.names.push_back((*names)[i].get<std::string>());
    }
    return c;
  }
  const json* nodes = field(args, "nodes");
  if (!nodes || nodes->is_null()) throw InputError::field("nodes", "missing: give nodes (a NodeList) or nodenames");
  const json* items = field(*nodes, "items");
  if (!items || !items->is_array()) throw InputError::field("nodes.items", "expected an array");
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json* meta = field((*items)[i], "metadata");
    const json* name = meta ? field(*meta, "name") : nullptr;
    if (!name || !name->is_string()) throw InputError::field(fmt::format("nodes.items[{}].metadata.name", i), "missing");
    c.names.push_back(name->get<std::string>());
  }
  c.node_items = items;
  return c;
}

Resources requests_of(const json& args) {
  const json* pod = field(args, "pod");
  if (!pod || !pod->is_object()) throw InputError::field("pod", "missing or not an object");
  return pod_requests(*pod);
}

}  // namespace

double parse_k8s_quantity(const std::string& text, bool memory, const std::string& where) {
  if (text.empty() || text.size() > 64) throw InputError::field(where, "expected a quantity like 500m, 2, 1Gi");
  std::size_t n = 0;
  while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.')) ++n;
  const std::string number = text.substr(0, n), suffix = text.substr(n);
  if (number.empty() || number.find('.') != number.rfind('.')) {
    throw InputError::field(where, fmt::format("'{}' is not a quantity", text));
  }
  const double x = std::strtod(number.c_str(), nullptr);
  double scale = 0;
  struct Suffix {
    const char* s;
    double f;
  };
  static const Suffix kSuffixes[] = {{"", 1},         {"m", 1e-3},      {"k", 1e3},        {"M", 1e6},
                                     {"G", 1e9},      {"T", 1e12},      {"P", 1e15},       {"Ki", 1024.0},
                                     {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  for (const Suffix& s : kSuffixes) {
    if (suffix == s.s) scale = s.f;
  }
  if (scale == 0) throw InputError::field(where, fmt::format("unknown suffix '{}' in '{}'", suffix, text));
  const double value = memory ? x * scale / 1e9 : x * scale;  // memory: bytes -> GB; cpu: cores
  if (!std::isfinite(value) || value > limits::kMaxResourceAmount) {
    throw InputError::field(where, fmt::format("'{}' is over the plausible limit", text));
  }
  return value;
}

Resources pod_requests(const json& pod) {
  Resources r;
  const json* spec = field(pod, "spec");
  const json* containers = spec ? field(*spec, "containers") : nullptr;
  if (!containers || !containers->is_array()) throw InputError::field("pod.spec.containers", "expected an array");
  for (std::size_t i = 0; i < containers->size(); ++i) {
    const json* resources = field((*containers)[i], "resources");
    const json* requests = resources ? field(*resources, "requests") : nullptr;
    if (!requests || requests->is_null()) continue;
    if (!requests->is_object()) {
      throw InputError::field(fmt::format("pod.spec.containers[{}].resources.requests", i), "expected an object");
    }
    for (auto it = requests->begin(); it != requests->end(); ++it) {
      const std::string where = fmt::format("pod.spec.containers[{}].resources.requests.{}", i, it.key());
      const bool cpu = it.key() == "cpu", mem = it.key() == "memory";
      if (!cpu && !mem) continue;  // other resources (ephemeral-storage, extended) are not modelled
      if (!it.value().is_string() && !it.value().is_number()) throw InputError::field(where, "expected a quantity");
      const std::string text = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
      r[cpu ? kCpu : kMem] += parse_k8s_quantity(text, mem, where);
    }
  }
  return r;
}

json k8s_filter(DecisionService& service, const json& args) {
  const Resources req = requests_of(args);
  const Candidates c = candidates(args);
  const std::vector<NodeVerdict> verdicts = service.filter(c.names, req);
  json failed = json::object();
  json names = json::array(), items = json::array();
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (!verdicts[i].fits) {
      failed[verdicts[i].name] = verdicts[i].reason;
      continue;
    }
    names.push_back(verdicts[i].name);
    if (c.node_items) items.push_back((*c.node_items)[i]);
  }
  json out = {{"failedNodes", failed}, {"error", ""}};
  if (c.node_items) {
    out["nodes"] = {{"items", items}};
  } else {
    out["nodenames"] = names;
  }
  return out;
}

json k8s_prioritize(DecisionService& service, const json& args) {
  const Resources req = requests_of(args);
  const Candidates c = candidates(args);
  json out = json::array();
  for (const NodeVerdict& v : service.prioritize(c.names, req)) out.push_back({{"host", v.name}, {"score", v.score}});
  return out;
}

}  // namespace fleetopt::service
