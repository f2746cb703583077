#include "fleetopt/rearrange/cluster_json.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <unordered_set>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/rearrange/rules.h"

namespace fleetopt::rearrange {
namespace {

using nlohmann::json;

json parse_text(const std::string& text, const std::string& source) { return parse_json_text(text, source); }

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw InputError::field(source_ + ": " + field, message);
  }

  void only_fields(const json& obj, const std::string& where, std::initializer_list<const char*> known) const {
    if (!obj.is_object()) fail(where, "expected an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) {
        std::string list;
        for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(where.empty() ? it.key() : where + "." + it.key(), "unknown field (known: " + list + ")");
      }
    }
  }

  double number(const json& v, const std::string& field, bool positive = false) const {
    if (!v.is_number()) fail(field, "expected a number");
    double x = v.get<double>();
    if (!std::isfinite(x) || x < 0 || (positive && x <= 0)) {
      fail(field, positive ? "expected a finite number > 0" : "expected a finite number >= 0");
    }
    if (x > limits::kMaxResourceAmount) {
      fail(field, fmt::format("{:g} is implausibly large (limit {:g})", x, limits::kMaxResourceAmount));
    }
    return x;
  }

  std::string id(const json& v, const std::string& field) const {
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      if (s.empty()) fail(field, "empty id");
      return s;
    }
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    fail(field, "expected a string id");
  }

  std::vector<std::string> strings(const json& v, const std::string& field) const {
    if (!v.is_array()) fail(field, "expected an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail(fmt::format("{}[{}]", field, i), "expected a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  // A {"cpu": 4, "mem": 16} object over the document's resources.
  Resources resources(const json& v, const std::string& field, DimMask dims, bool require_all) const {
    if (!v.is_object()) fail(field, "expected an object of resource quantities");
    Resources r;
    DimMask given = 0;
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto dim = dim_from_name(it.key());
      if (!dim) fail(field + "." + it.key(), "unknown resource (known: cpu, mem, disk, net, gpu)");
      if (!has_dim(dims, *dim)) fail(field + "." + it.key(), "resource not listed in \"resources\"");
      r[*dim] = number(it.value(), field + "." + it.key());
      given |= dim_bit(*dim);
    }
    if (require_all && given != dims) {
      for (int d = 0; d < kMaxDims; ++d) {
        if (has_dim(dims, d) && !has_dim(given, d)) {
          fail(field + "." + std::string(kDimNames[static_cast<std::size_t>(d)]), "missing");
        }
      }
    }
    return r;
  }

  bool boolean(const json& v, const std::string& field) const {
    if (!v.is_boolean()) fail(field, "expected true or false");
    return v.get<bool>();
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

DimMask read_dims(const Reader& r, const json& doc) {
  if (!doc.contains("resources")) r.fail("resources", "missing (e.g. [\"cpu\", \"mem\"])");
  const json& list = doc["resources"];
  if (!list.is_array() || list.empty()) r.fail("resources", "expected a non-empty array of names");
  DimMask dims = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string field = fmt::format("resources[{}]", i);
    if (!list[i].is_string()) r.fail(field, "expected a resource name");
    auto dim = dim_from_name(list[i].get<std::string>());
    if (!dim) r.fail(field, fmt::format("unknown resource '{}' (known: cpu, mem, disk, net, gpu)",
                                         list[i].get<std::string>()));
    if (has_dim(dims, *dim)) r.fail(field, "listed twice");
    dims |= dim_bit(*dim);
  }
  return dims;
}

Resources read_overcommit(const Reader& r, const json& doc, DimMask dims) {
  Resources oc;
  for (int d = 0; d < kMaxDims; ++d) oc[d] = 1;
  if (!doc.contains("overcommit")) return oc;
  Resources given = r.resources(doc["overcommit"], "overcommit", dims, false);
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d) && doc["overcommit"].contains(std::string(kDimNames[static_cast<std::size_t>(d)]))) {
      if (given[d] <= 0) r.fail(fmt::format("overcommit.{}", kDimNames[static_cast<std::size_t>(d)]), "expected > 0");
      oc[d] = given[d];
    }
  }
  return oc;
}

Host read_host(const Reader& r, const json& j, const std::string& where, DimMask dims) {
  r.only_fields(j, where, {"id", "capacity", "reserve", "bandwidth_gbps", "tags"});
  Host h;
  if (!j.contains("id")) r.fail(where + ".id", "missing");
  h.id = r.id(j["id"], where + ".id");
  if (!j.contains("capacity")) r.fail(where + ".capacity", "missing");
  h.capacity = r.resources(j["capacity"], where + ".capacity", dims, true);
  if (j.contains("reserve")) {
    h.reserve = r.resources(j["reserve"], where + ".reserve", dims, false);
    for (int d = 0; d < kMaxDims; ++d) {
      if (h.reserve[d] > h.capacity[d]) {
        r.fail(fmt::format("{}.reserve.{}", where, kDimNames[static_cast<std::size_t>(d)]),
               fmt::format("{:g} is larger than the capacity {:g}", h.reserve[d], h.capacity[d]));
      }
    }
  }
  if (j.contains("bandwidth_gbps")) h.bandwidth_gbps = r.number(j["bandwidth_gbps"], where + ".bandwidth_gbps", true);
  if (j.contains("tags")) h.tags = r.strings(j["tags"], where + ".tags");
  return h;
}

void read_vm_extras(const Reader& r, const json& j, const std::string& where, Vm& vm, Cluster& c) {
  vm.memory_gb = j.contains("memory_gb") ? r.number(j["memory_gb"], where + ".memory_gb")
                                         : (has_dim(c.dims, kMem) ? vm.demand[kMem] : 0.0);
  if (j.contains("dirty_rate_mbps")) vm.dirty_rate_mbps = r.number(j["dirty_rate_mbps"], where + ".dirty_rate_mbps");
  if (j.contains("pinned")) vm.pinned = r.boolean(j["pinned"], where + ".pinned");
  if (j.contains("anti_affinity") && !j["anti_affinity"].is_null()) {
    vm.anti_affinity = c.intern_group(r.id(j["anti_affinity"], where + ".anti_affinity"));
  }
  if (j.contains("image") && !j["image"].is_null()) vm.image = c.intern_image(r.id(j["image"], where + ".image"));
  if (j.contains("tags")) vm.tags = r.strings(j["tags"], where + ".tags");
}

constexpr std::initializer_list<const char*> kVmFields = {
    "id", "demand", "host", "memory_gb", "dirty_rate_mbps", "pinned", "anti_affinity", "image", "tags"};

std::int32_t read_host_ref(const Reader& r, const json& j, const std::string& where, const Cluster& c) {
  if (!j.contains("host")) r.fail(where + ".host", "missing (use null for a VM that is not running)");
  if (j["host"].is_null()) return kNoHost;
  std::string id = r.id(j["host"], where + ".host");
  std::int32_t h = c.find_host(id);
  if (h < 0) r.fail(where + ".host", fmt::format("unknown host '{}'", id));
  return h;
}

}  // namespace

ClusterFile parse_cluster_json(const std::string& text, const std::string& source) {
  Reader r(source);
  json doc = parse_text(text, source);
  r.only_fields(doc, "", {"resources", "overcommit", "rules", "hosts", "vms"});
  ClusterFile out;
  Cluster& c = out.cluster;
  c.dims = read_dims(r, doc);
  if (doc.contains("overcommit")) {
    Resources oc = read_overcommit(r, doc, c.dims);
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(c.dims, d)) c.overcommit[d] = oc[d];
    }
  }
  if (!doc.contains("hosts") || !doc["hosts"].is_array()) r.fail("hosts", "missing or not an array");
  if (!doc.contains("vms") || !doc["vms"].is_array()) r.fail("vms", "missing or not an array");
  const json& hosts = doc["hosts"];
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    std::string where = fmt::format("hosts[{}]", i);
    c.hosts.push_back(read_host(r, hosts[i], where, c.dims));
  }
  const json& vms = doc["vms"];
  std::vector<std::string> host_ids;
  for (std::size_t i = 0; i < vms.size(); ++i) {
    std::string where = fmt::format("vms[{}]", i);
    const json& j = vms[i];
    r.only_fields(j, where, kVmFields);
    Vm vm;
    if (!j.contains("id")) r.fail(where + ".id", "missing");
    vm.id = r.id(j["id"], where + ".id");
    if (!j.contains("demand")) r.fail(where + ".demand", "missing");
    vm.demand = r.resources(j["demand"], where + ".demand", c.dims, true);
    read_vm_extras(r, j, where, vm, c);
    c.vms.push_back(std::move(vm));
  }
  try {
    c.index();
  } catch (const InputError& e) {
    throw InputError(source + ": " + e.what());
  }
  out.placement.assign(c.vms.size(), kNoHost);
  for (std::size_t i = 0; i < vms.size(); ++i) {
    out.placement[i] = read_host_ref(r, vms[i], fmt::format("vms[{}]", i), c);
  }
  if (doc.contains("rules")) out.rules = doc["rules"];
  return out;
}

ClusterFile read_cluster_json(const std::string& path) { return parse_cluster_json(read_text_file(path), path); }

PlanInput parse_plan_input(const std::string& a_text, const std::string& a_source,
                           const std::string& b_text, const std::string& b_source) {
  PlanInput in;
  in.a = parse_cluster_json(a_text, a_source);
  Cluster& c = in.a.cluster;
  Reader r(b_source);
  json doc = parse_text(b_text, b_source);
  r.only_fields(doc, "", {"resources", "overcommit", "rules", "hosts", "vms"});
  // B describes where A's VMs go: whatever else it repeats is read with the
  // same checks as in A and must agree with A, which the planner uses.
  if (doc.contains("resources") && read_dims(r, doc) != c.dims) r.fail("resources", "differs from A");
  if (doc.contains("overcommit")) {
    Resources oc = read_overcommit(r, doc, c.dims);
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(c.dims, d) && oc[d] != c.overcommit[d]) {
        r.fail(fmt::format("overcommit.{}", kDimNames[static_cast<std::size_t>(d)]), "differs from A");
      }
    }
  }
  if (doc.contains("rules")) {
    try {
      standard_rules(c, &doc["rules"]);  // the same validation as A's rules
    } catch (const InputError& e) {
      throw InputError(b_source + ": " + e.what());
    }
    if (doc["rules"] != in.a.rules) r.fail("rules", "differs from A (rules belong to the cluster: give them in A)");
  }
  if (doc.contains("hosts")) {
    const json& hosts = doc["hosts"];
    if (!hosts.is_array()) r.fail("hosts", "expected an array");
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      std::string where = fmt::format("hosts[{}]", i);
      const json& j = hosts[i];
      r.only_fields(j, where, {"id", "capacity", "reserve", "bandwidth_gbps", "tags"});
      if (!j.contains("id")) r.fail(where + ".id", "missing");
      std::string id = r.id(j["id"], where + ".id");
      if (!seen.insert(id).second) r.fail(where + ".id", fmt::format("duplicate host id '{}'", id));
      std::int32_t h = c.find_host(id);
      if (h < 0) r.fail(where + ".id", fmt::format("host '{}' is not in A", id));
      const Host& in_a = c.host(h);
      if (j.contains("capacity") && !(r.resources(j["capacity"], where + ".capacity", c.dims, true) == in_a.capacity)) {
        r.fail(where + ".capacity", "differs from A");
      }
      if (j.contains("reserve") && !(r.resources(j["reserve"], where + ".reserve", c.dims, false) == in_a.reserve)) {
        r.fail(where + ".reserve", "differs from A");
      }
      if (j.contains("bandwidth_gbps") &&
          r.number(j["bandwidth_gbps"], where + ".bandwidth_gbps", true) != in_a.bandwidth_gbps) {
        r.fail(where + ".bandwidth_gbps", "differs from A");
      }
      if (j.contains("tags")) r.strings(j["tags"], where + ".tags");
    }
  }
  if (!doc.contains("vms") || !doc["vms"].is_array()) r.fail("vms", "missing or not an array");
  const json& vms = doc["vms"];
  const std::size_t known = c.vms.size();
  std::unordered_set<std::string> new_ids;
  std::vector<char> listed(known, 0);
  for (std::size_t i = 0; i < vms.size(); ++i) {
    std::string where = fmt::format("vms[{}]", i);
    const json& j = vms[i];
    r.only_fields(j, where, kVmFields);
    if (!j.contains("id")) r.fail(where + ".id", "missing");
    std::string id = r.id(j["id"], where + ".id");
    std::int32_t v = c.find_vm(id);
    if (v >= 0 && static_cast<std::size_t>(v) < known) {
      if (listed[static_cast<std::size_t>(v)]) r.fail(where + ".id", fmt::format("duplicate VM id '{}'", id));
      listed[static_cast<std::size_t>(v)] = 1;
      if (j.contains("demand") && !(r.resources(j["demand"], where + ".demand", c.dims, true) == c.vm(v).demand)) {
        r.fail(where + ".demand", "differs from A (resizing is not a migration)");
      }
      continue;
    }
    if (!new_ids.insert(id).second) r.fail(where + ".id", fmt::format("duplicate VM id '{}'", id));
    Vm vm;
    vm.id = id;
    if (!j.contains("demand")) r.fail(where + ".demand", "missing (the VM is new in B)");
    vm.demand = r.resources(j["demand"], where + ".demand", c.dims, true);
    read_vm_extras(r, j, where, vm, c);
    c.vms.push_back(std::move(vm));
  }
  c.index();
  in.a.placement.resize(c.vms.size(), kNoHost);
  in.b.assign(c.vms.size(), kNoHost);
  for (std::size_t i = 0; i < vms.size(); ++i) {
    std::int32_t v = c.find_vm(r.id(vms[i]["id"], "id"));
    in.b[static_cast<std::size_t>(v)] = read_host_ref(r, vms[i], fmt::format("vms[{}]", i), c);
  }
  return in;
}

PlanInput read_plan_input(const std::string& a_path, const std::string& b_path) {
  return parse_plan_input(read_text_file(a_path), a_path, read_text_file(b_path), b_path);
}

json cluster_to_json(const Cluster& c, const Placement& p, const json& rules) {
  json doc;
  json dims = json::array();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(c.dims, d)) dims.push_back(std::string(kDimNames[static_cast<std::size_t>(d)]));
  }
  doc["resources"] = dims;
  auto quantities = [&](const Resources& r) {
    json o = json::object();
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(c.dims, d)) o[std::string(kDimNames[static_cast<std::size_t>(d)])] = r[d];
    }
    return o;
  };
  bool any_overcommit = false;
  for (int d = 0; d < kMaxDims; ++d) any_overcommit = any_overcommit || (has_dim(c.dims, d) && c.overcommit[d] != 1.0);
  if (any_overcommit) doc["overcommit"] = quantities(c.overcommit);
  if (!rules.is_null()) doc["rules"] = rules;
  json hosts = json::array();
  for (const Host& h : c.hosts) {
    json j = {{"id", h.id}, {"capacity", quantities(h.capacity)}};
    if (!(h.reserve == Resources{})) j["reserve"] = quantities(h.reserve);
    if (h.bandwidth_gbps != 10) j["bandwidth_gbps"] = h.bandwidth_gbps;
    if (!h.tags.empty()) j["tags"] = h.tags;
    hosts.push_back(std::move(j));
  }
  doc["hosts"] = std::move(hosts);
  json vms = json::array();
  for (std::size_t v = 0; v < c.vms.size(); ++v) {
    const Vm& vm = c.vms[v];
    json j = {{"id", vm.id}, {"demand", quantities(vm.demand)}};
    j["host"] = p[v] == kNoHost ? json(nullptr) : json(c.host(p[v]).id);
    if (!has_dim(c.dims, kMem) || vm.memory_gb != vm.demand[kMem]) j["memory_gb"] = vm.memory_gb;
    if (vm.dirty_rate_mbps != 0) j["dirty_rate_mbps"] = vm.dirty_rate_mbps;
    if (vm.pinned) j["pinned"] = true;
    if (vm.anti_affinity >= 0) j["anti_affinity"] = c.groups[static_cast<std::size_t>(vm.anti_affinity)];
    if (vm.image >= 0) j["image"] = c.images[static_cast<std::size_t>(vm.image)];
    if (!vm.tags.empty()) j["tags"] = vm.tags;
    vms.push_back(std::move(j));
  }
  doc["vms"] = std::move(vms);
  return doc;
}

}  // namespace fleetopt::rearrange
