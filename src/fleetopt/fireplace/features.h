// What FirePlace knows about a candidate host: statistics of its recent
// usage (from the simulator's per-host history), its reservations, and the
// new VM's request; each also relative to the other candidates, because the
// paper found relative features robust across days and regions.
//
// One row per candidate (a pointwise model): the absolute features, then the
// host-dependent ones minus their mean over the K candidates.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/placement/host_history.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {

// Recent windows, in steps (5-minute traces: 30 min, 2 h, 6 h).
inline constexpr std::array<int, 3> kWindows = {6, 24, 72};
inline constexpr int kHistorySteps = 72;

// Per window: cpu p10 p25 p50 p75 p100 mean, mem p100 mean, and the L2 norm
// of (cpu p100 + request, mem p100 + request): the past-peak analogue of the
// teacher's score.
inline constexpr int kPerWindow = 9;
// Reserved cpu and mem, VMs on the host, requests not yet seen in usage
// (cpu, mem); then the "live" load of the VMs on the host now (the host
// history still holds VMs that have left): the sum of their last observed
// use and of their peaks over the last kLiveSteps observed steps (cpu, mem;
// VMs not yet observed count at their request), and the L2 norm of (live
// peak + request). Host-dependent, so they also get relative versions.
inline constexpr int kLiveSteps = 6;
inline constexpr int kHostScalars = 10;
inline constexpr int kHostFeatures = kPerWindow * static_cast<int>(kWindows.size()) + kHostScalars;
// The new VM's request (cpu, mem), normalised: the same for every candidate.
inline constexpr int kRequestFeatures = 2;
inline constexpr int kAbsoluteFeatures = kHostFeatures + kRequestFeatures;
inline constexpr int kNumFeatures = kAbsoluteFeatures + kHostFeatures;

// The resources whose use the features read: CPU always (every workload's
// CPU use is replayed), memory only when the workload stores memory usage in
// its shapes (Workload::dims and some UsageShape::dims). A CPU-only trace
// such as PlanetLab uses memory at exactly the request, and that request is
// often invented by the reader (a flavor draw): its memory is no evidence,
// and `canonical:` (which keeps only the dims a workload has) may not even
// carry it. A workload without any shape (the decision service's live fleet,
// whose usage is reported) has all of its dims. Returns dim_bit(kCpu) or
// kCpuMem.
DimMask usage_resources(const Workload& workload);
// {"cpu"} or {"cpu", "mem"}: the "resources" field of a model file.
std::vector<std::string> resource_names(DimMask resources);

// Names in row order ("w6_cpu_p10", ..., "rel_w6_cpu_p10", ...). Stored in
// model files so a model built for another feature set is refused.
const std::vector<std::string>& feature_names();

// The window statistics a row reads, for the history to keep on each push
// (a placer building rows returns it from history_windows()); rows are the
// same with or without them.
HistoryWindows feature_history_windows();

// Fills rows[c * kNumFeatures ...] for each candidate. ctx.history may be
// null (then usage statistics come from the host's current observed load).
// Reads only the past: host history and VMs' usage before ctx.step.
// Allocates nothing once `rows` has grown to candidates.size() rows.
class FeatureBuilder {
 public:
  // Without memory in `resources`, every memory-derived feature is 0 (and
  // so are their relative forms) and the L2 features are of CPU alone: the
  // row layout stays the same, and trees trained on such rows cannot split
  // on memory.
  explicit FeatureBuilder(DimMask resources = kCpuMem) : use_mem_(has_dim(resources, kMem)) {}
  void build(const PlacementContext& ctx, const std::vector<std::int32_t>& candidates, std::vector<float>& rows);

 private:
  void absolute(const PlacementContext& ctx, std::int32_t host, float* row);
  bool use_mem_ = true;
  // Each window's CPU samples in ascending order.
  std::array<std::array<float, kHistorySteps>, kWindows.size()> cpu_{};
  // Whether checked_history_ keeps feature_history_windows() (then a row
  // reads them instead of computing them).
  const HostHistory* checked_history_ = nullptr;
  bool summaries_ = false;
};

}  // namespace fleetopt::fireplace
