// The load that drives the application over time: a request rate (open loop)
// or a number of concurrent clients (closed loop), one value per fixed step.
#pragma once

#include <string>
#include <vector>

#include "fleetopt/scaling/app_model.h"

namespace fleetopt::scaling {

struct LoadTrace {
  std::string name;
  LoadKind kind = LoadKind::kOpen;
  double step_seconds = 60;
  std::vector<double> values;  // requests per second (open) or clients (closed), per step
  // For scenarios that change the request mix mid-run (bottleneck shift):
  // from step mix_change_step on, class shares are mix_after (empty: never).
  std::size_t mix_change_step = 0;
  std::vector<double> mix_after;

  double duration_s() const { return step_seconds * static_cast<double>(values.size()); }
  double at(double t) const;  // value of the step holding time t (clamped)
};

struct LoadTraceOptions {
  std::string data_dir;  // for specs naming the shared traces
};

// SPEC grammar (docs/traces.md, docs/scaling.md):
//   rates:FILE[@peak=R]                CSV time_seconds,requests; any fixed step; @peak rescales
//   worldcup98-days:[FILE][@clients=N][@minutes=5]   the paper's mapping: each day -> 5 minutes,
//                                      daily requests -> concurrent clients (peak N)
//   worldcup98:[FILE][@days=A-B][@peak=R]            native per-minute request rate of chosen days
//   azurefunctions-app:[DIR][@app=HASH|busiest][@peak=R]  per-minute invocations of one application
//   shift:[@minutes=M][@clients=N]     synthetic bottleneck shift: the mix moves load to the DB mid-run
//   constant:@rate=R[@minutes=M] | constant:@clients=N[@minutes=M]
LoadTrace load_trace(const std::string& spec, const LoadTraceOptions& options);

}  // namespace fleetopt::scaling
