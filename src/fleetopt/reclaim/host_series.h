// Host series for reclamation: per host, its capacity (cores, GB of memory)
// and what it really used every 5-minute step. What a provider can resell is
// capacity - forecast - safety margin, so these series are the whole input of
// the reclaim problem (docs/reclaim.md).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "fleetopt/trace/read_report.h"

namespace fleetopt::reclaim {

// The two resources a container needs; indices into every per-resource array.
enum Res : int { kResCpu = 0, kResMem = 1 };
inline constexpr int kResources = 2;
inline constexpr const char* kResName[kResources] = {"cpu", "mem"};

struct HostSeries {
  std::string id;
  std::array<double, kResources> capacity{};          // cores, GB
  std::array<std::vector<float>, kResources> use;     // absolute, one per step, same length

  std::size_t steps() const { return use[kResCpu].size(); }
};

struct HostSet {
  std::string name;
  double step_seconds = 300;
  std::vector<HostSeries> hosts;
};

// Use above capacity by more than this factor is an input error (a unit
// mistake, not a burst); use between 1x and this is clamped and counted.
inline constexpr double kMaxUseOverCapacity = 10.0;

// Loads a host set from a SPEC (docs/reclaim.md):
//   bitbrains-hosts:DIR[@months=2013-7,2013-8,2013-9][@vms=101-200]
//       each Bitbrains Rnd VM is a host; DIR holds one folder per month, read
//       with read_bitbrains; a VM's months are joined end to end in the
//       order given (the public months leave ~1 day between them, not filled).
//   composed:DIR[@months=...][@vms=...][@cores=32][@mem=128]
//       the same VMs packed first-fit, in VM-number order, by provisioned
//       (cores, GB) onto machines of @cores x @mem; a machine's use is the sum
//       of its VMs' use (a VM whose series ended adds 0).
//   alibaba2018-hosts:DIR[@max=N]   Alibaba 2018 machines (cpu_num cores,
//       mem_size as GB), the first N by id (default all).
//   host-series:FILE   CSV `host,cpu_capacity,mem_capacity,cpu_used,mem_used`
//       (header line required), one row per 5-minute step, rows of one host
//       contiguous and in time order.
// Shortcuts: bitbrains-3m, composed, alibaba2018 (DIR = data_dir's folder).
// An empty DIR means the data directory's folder. Bad input (NaN, negative or
// zero capacity, use > kMaxUseOverCapacity x capacity, an empty file) throws
// InputError naming file:line.
HostSet load_hosts(const std::string& spec, const std::string& data_dir_flag, ReadReport* report);

HostSet load_bitbrains_hosts(const std::string& dir, const std::vector<std::string>& months, int vm_lo,
                             int vm_hi, ReadReport* report);
// First-fit packing (documented above); deterministic.
HostSet compose_hosts(const HostSet& vms, double cores, double mem_gb);
HostSet load_alibaba2018_hosts(const std::string& dir, std::size_t max_hosts, ReadReport* report);
HostSet read_host_series_csv(const std::string& path, ReadReport* report);

}  // namespace fleetopt::reclaim
