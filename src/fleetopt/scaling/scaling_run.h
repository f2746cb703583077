// The autoscaling loop: replays a load trace through an application
// simulator, asking the autoscaler for replicas at the end of every control
// interval, for K repetitions (learned state carried across them), and
// measures what DESIGN.md defines: SLO-minutes, VM-minutes, requests served.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"
#include "fleetopt/scaling/autoscaler.h"
#include "fleetopt/scaling/load_trace.h"

namespace fleetopt::scaling {

struct ScaleOptions {
  double slo_ms = 5000;       // p99 latency target
  int repeat = 1;             // repetitions of the trace
  SimulatorKind simulator = SimulatorKind::kAnalytic;
  double interval_s = 60;     // control interval; a "minute" of the metrics
  std::uint64_t seed = 1;
};

struct MinuteRecord {
  double t_s = 0;             // start of the interval within the repetition
  double level = 0;           // load (requests/s or clients)
  double p99_ms = 0;
  std::int64_t completed = 0, dropped = 0;
  std::vector<int> vms;       // per tier, paid for during the interval
  bool met = false;           // p99 <= SLO (an interval with no completions meets it only with no load)
};

struct RepetitionResult {
  int minutes = 0;
  int slo_minutes = 0;
  double vm_minutes = 0;
  std::int64_t requests = 0, requests_served = 0, requests_over_slo = 0, dropped = 0;
  int actions = 0;            // intervals after which the allocation changed
  int flaps = 0;              // reversals of a tier's direction within 10 minutes
  std::vector<MinuteRecord> series;
};

struct ScaleResult {
  std::string autoscaler;
  std::vector<RepetitionResult> repetitions;
  double wall_seconds = 0;
};

ScaleResult run_scaling(const AppModel& app, const LoadTrace& trace, Autoscaler& autoscaler,
                        const ScaleOptions& options);

nlohmann::json to_json(const RepetitionResult& r, const AppModel& app, bool with_series);

}  // namespace fleetopt::scaling
