// The hindsight teacher (FirePlace's label): it sees the true future usage of
// the VMs already on each candidate host and of the new VM, and scores a
// candidate by the combined future peak over the new VM's lifetime: the peak
// of (host + new VM) usage per resource, normalised by capacity, with CPU and
// memory combined by the L2 norm. Lower is better. VMs that will arrive later
// are unknown to it, as in the paper.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/workload.h"

namespace fleetopt::fireplace {

class HindsightTeacher {
 public:
  // Score of placing instance `vm` (arriving at `step`) on `host`.
  double score(const ClusterState& cluster, const Workload& workload, std::int32_t vm,
               std::int64_t step, std::int32_t host);

  // Scores every candidate into `scores` and returns the index (into
  // candidates) of the lowest; the first one on ties. candidates non-empty.
  std::size_t pick(const ClusterState& cluster, const Workload& workload, std::int32_t vm,
                   std::int64_t step, const std::vector<std::int32_t>& candidates,
                   std::vector<double>& scores);

 private:
  std::vector<double> cpu_, mem_;  // summed use per future step; reused
};

// The same scores from per-host future usage profiles kept up to date as VMs
// are placed: O(lifetime) per candidate instead of O(VMs on the host x
// lifetime), which matters on hosts running hundreds of VMs. Every placement
// of the replay must be reported with placed(); the profiles start over when
// the replay does (a new workload, fleet, or an earlier step). Falls back to
// the direct computation when hosts x steps is too large to keep.
class IncrementalTeacher {
 public:
  std::size_t pick(const ClusterState& cluster, const Workload& workload, std::int32_t vm,
                   std::int64_t step, const std::vector<std::int32_t>& candidates,
                   std::vector<double>& scores);
  void placed(const Workload& workload, std::int32_t vm, std::int32_t host, std::int64_t step);

 private:
  void sync(const ClusterState& cluster, const Workload& workload, std::int64_t step);

  HindsightTeacher direct_;
  const Workload* workload_ = nullptr;
  std::size_t hosts_ = 0, steps_ = 0;
  std::int64_t last_step_ = -1;
  bool use_profiles_ = false;
  std::vector<double> cpu_, mem_;          // [host * steps + step]: use of the VMs placed there
  std::vector<double> new_cpu_, new_mem_;  // the new VM's use over its life
};

// Whether two teacher scores are the same decision (no information in the
// label): relative tolerance for sums of floats.
bool same_score(double a, double b);

}  // namespace fleetopt::fireplace
