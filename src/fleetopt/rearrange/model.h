// The rearrangement model: hosts, VMs and placements in contiguous arrays
// indexed by dense integer ids. String ids (from the cluster-state JSON) are
// mapped to indices once, at the edges; the algorithms never see names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/resources.h"

namespace fleetopt::rearrange {

struct Host {
  std::string id;
  Resources capacity;
  Resources reserve;           // held back from VMs (hypervisor, headroom)
  double bandwidth_gbps = 10;  // migration link, used by the live-migration time model
  std::vector<std::string> tags;
};

struct Vm {
  std::string id;
  Resources demand;
  double memory_gb = 0;        // what a live migration copies (default: demand mem)
  double dirty_rate_mbps = 0;  // MB/s of memory re-dirtied while pre-copy runs
  bool pinned = false;         // never migrated (e.g. local disks, licences)
  std::int32_t anti_affinity = -1;  // index into Cluster::groups; -1: none
  std::int32_t image = -1;          // index into Cluster::images; -1: none
  std::vector<std::string> tags;
};

// Host index per VM; kNoHost: the VM is not running in that state.
using Placement = std::vector<std::int32_t>;

class Cluster {
 public:
  DimMask dims = kCpuMem;
  // Per-resource ratio of what VMs may reserve to physical capacity
  // (e.g. cpu 4: four vCPUs per core). Zero or unset dimensions mean 1.
  Resources overcommit = make_resources(1, 1, 1, 1, 1);
  std::vector<Host> hosts;
  std::vector<Vm> vms;
  std::vector<std::string> groups;  // anti-affinity group names
  std::vector<std::string> images;  // image / OS tags (page sharing)

  std::int32_t num_hosts() const { return static_cast<std::int32_t>(hosts.size()); }
  std::int32_t num_vms() const { return static_cast<std::int32_t>(vms.size()); }
  const Host& host(std::int32_t h) const { return hosts[static_cast<std::size_t>(h)]; }
  const Vm& vm(std::int32_t v) const { return vms[static_cast<std::size_t>(v)]; }

  // What VMs may reserve on host h: capacity x overcommit - reserve.
  Resources limit(std::int32_t h) const;

  // Rebuilds the id -> index maps; throws InputError on duplicate ids.
  void index();
  // -1 when unknown. Valid after index().
  std::int32_t find_host(std::string_view id) const;
  std::int32_t find_vm(std::string_view id) const;
  // Index of a group / image name, adding it when new.
  std::int32_t intern_group(const std::string& name);
  std::int32_t intern_image(const std::string& name);

 private:
  std::unordered_map<std::string, std::int32_t> host_index_, vm_index_;
};

// Number of hosts holding at least one running VM (optionally only hosts with
// in_scope[h] != 0).
std::int32_t active_hosts(const Cluster& c, const Placement& p,
                          const std::vector<char>* in_scope = nullptr);

// Number of VMs placed on different hosts in a and b (both running).
std::int64_t moved_vms(const Placement& a, const Placement& b);
// Memory (GB) of the VMs that moved.
double moved_memory_gb(const Cluster& c, const Placement& a, const Placement& b);

// Normalised host load: the weighted mean over the cluster's dimensions of
// load / limit. A VMware-DRS-style imbalance is the standard deviation of this
// over hosts.
double normalised_load(const Cluster& c, std::int32_t h, const Resources& load);
// Standard deviation of normalised_load over the hosts in scope (all if null).
double load_stddev(const Cluster& c, const Placement& p, const std::vector<char>* in_scope = nullptr);

}  // namespace fleetopt::rearrange
