#include "fleetopt/rearrange/model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::rearrange {

Resources Cluster::limit(std::int32_t h) const {
  const Host& host = hosts[static_cast<std::size_t>(h)];
  Resources out;
  for (int d = 0; d < kMaxDims; ++d) {
    double ratio = overcommit[d] > 0 ? overcommit[d] : 1.0;
    out[d] = host.capacity[d] * ratio - host.reserve[d];
  }
  return out;
}

void Cluster::index() {
  host_index_.clear();
  vm_index_.clear();
  host_index_.reserve(hosts.size());
  vm_index_.reserve(vms.size());
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    if (!host_index_.emplace(hosts[h].id, static_cast<std::int32_t>(h)).second) {
      throw InputError::field(fmt::format("hosts[{}].id", h),
                              fmt::format("duplicate host id '{}'", hosts[h].id));
    }
  }
  for (std::size_t v = 0; v < vms.size(); ++v) {
    if (!vm_index_.emplace(vms[v].id, static_cast<std::int32_t>(v)).second) {
      throw InputError::field(fmt::format("vms[{}].id", v),
                              fmt::format("duplicate VM id '{}'", vms[v].id));
    }
  }
}

std::int32_t Cluster::find_host(std::string_view id) const {
  auto it = host_index_.find(std::string(id));
  return it == host_index_.end() ? -1 : it->second;
}

std::int32_t Cluster::find_vm(std::string_view id) const {
  auto it = vm_index_.find(std::string(id));
  return it == vm_index_.end() ? -1 : it->second;
}

static std::int32_t intern(std::vector<std::string>& names, const std::string& name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<std::int32_t>(i);
  }
  names.push_back(name);
  return static_cast<std::int32_t>(names.size() - 1);
}

std::int32_t Cluster::intern_group(const std::string& name) { return intern(groups, name); }
std::int32_t Cluster::intern_image(const std::string& name) { return intern(images, name); }

std::int32_t active_hosts(const Cluster& c, const Placement& p, const std::vector<char>* in_scope) {
  std::vector<char> used(static_cast<std::size_t>(c.num_hosts()), 0);
  for (std::int32_t h : p) {
    if (h != kNoHost) used[static_cast<std::size_t>(h)] = 1;
  }
  std::int32_t n = 0;
  for (std::size_t h = 0; h < used.size(); ++h) {
    if (used[h] && (in_scope == nullptr || (*in_scope)[h])) ++n;
  }
  return n;
}

std::int64_t moved_vms(const Placement& a, const Placement& b) {
  std::int64_t n = 0;
  for (std::size_t v = 0; v < a.size() && v < b.size(); ++v) {
    if (a[v] != kNoHost && b[v] != kNoHost && a[v] != b[v]) ++n;
  }
  return n;
}

double moved_memory_gb(const Cluster& c, const Placement& a, const Placement& b) {
  double gb = 0;
  for (std::size_t v = 0; v < a.size() && v < b.size(); ++v) {
    if (a[v] != kNoHost && b[v] != kNoHost && a[v] != b[v]) gb += c.vms[v].memory_gb;
  }
  return gb;
}

double normalised_load(const Cluster& c, std::int32_t h, const Resources& load) {
  Resources lim = c.limit(h);
  double sum = 0;
  int n = 0;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(c.dims, d)) continue;
    ++n;
    if (lim[d] > 0) sum += load[d] / lim[d];
  }
  return n > 0 ? sum / n : 0.0;
}

double load_stddev(const Cluster& c, const Placement& p, const std::vector<char>* in_scope) {
  std::vector<Resources> load(static_cast<std::size_t>(c.num_hosts()));
  for (std::size_t v = 0; v < p.size(); ++v) {
    if (p[v] != kNoHost) load[static_cast<std::size_t>(p[v])] += c.vms[v].demand;
  }
  double sum = 0, sq = 0;
  int n = 0;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (in_scope != nullptr && !(*in_scope)[static_cast<std::size_t>(h)]) continue;
    double u = normalised_load(c, h, load[static_cast<std::size_t>(h)]);
    sum += u;
    sq += u * u;
    ++n;
  }
  if (n == 0) return 0;
  double mean = sum / n;
  return std::sqrt(std::max(0.0, sq / n - mean * mean));
}

}  // namespace fleetopt::rearrange
