// Training data by simulation: replay a workload and, at every arrival,
// sample K feasible candidates, describe each (features.h), and label the
// hindsight teacher's pick. The teacher itself places the VM, or, for a
// DAgger pass, a learned model does (so the data covers the states the
// learned policy visits) while the teacher still labels.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/model.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::fireplace {

struct Decision {
  std::uint32_t first_row = 0;
  std::uint16_t count = 0;         // candidates (rows)
  std::uint16_t teacher_pick = 0;  // index within the decision
  std::uint16_t p2_pick = 0;       // least loaded by observed usage (power-of-K's rule)
  bool informative = false;        // the teacher's scores are not all equal
  bool validation = false;
  std::int32_t vm = 0;
};

// Rows are kNumFeatures floats; labels, teacher scores per row.
struct Dataset {
  std::vector<float> rows;
  std::vector<float> labels;
  std::vector<double> teacher_scores;
  std::vector<Decision> decisions;

  std::size_t num_rows() const { return labels.size(); }
  void append(const Dataset& other);
};

struct RolloutOptions {
  int candidates = 2;
  // Arrivals with index >= this are validation decisions (time split: the
  // workload is sorted by arrival).
  std::size_t validation_from_vm = 0;
  const FirePlaceModel* actor = nullptr;  // null: the teacher places
  // Resources the features read (features.h: memory only where every
  // training workload stores memory use).
  DimMask resources = kCpuMem;
};

// Appends the decisions of one replay to `out`; returns the replay's metrics.
SimMetrics collect_rollout(const Workload& workload, const SimConfig& config, const RolloutOptions& options,
                           Dataset& out);

}  // namespace fleetopt::fireplace
