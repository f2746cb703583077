// The two simulators of the same application model behind one interface:
// a request-level discrete-event simulator (exact per-request latencies) and
// a fast analytic model per interval (mean-value analysis / queueing
// formulas). The autoscaling loop drives either: set replicas, advance an
// interval, read its statistics.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleetopt/scaling/app_model.h"

namespace fleetopt::scaling {

struct IntervalStats {
  double seconds = 0;            // length of the interval
  double p99_ms = 0;             // end-to-end latency of requests completed in the interval
  double mean_ms = 0;
  std::int64_t arrived = 0;      // requests issued
  std::int64_t completed = 0;    // requests served
  std::int64_t dropped = 0;      // timed out in a queue
  std::int64_t over_slo = 0;     // completed with latency above the SLO given to advance()
  std::vector<double> tier_utilisation;  // busy cores / active cores, per tier, in [0, 1]
  std::vector<double> tier_latency_ms;   // mean residence (queue + service) per visit, per tier
  std::vector<int> active;       // replicas serving at the end of the interval, per tier
  std::vector<int> booting;      // replicas asked for but not serving yet, per tier
  double throughput() const { return seconds > 0 ? static_cast<double>(completed) / seconds : 0; }
  int vms() const;               // active + booting over tiers (what is paid for)
};

// A new simulator starts with every tier's initial_replicas serving (no
// boot delay) and an empty system.
class AppSimulator {
 public:
  virtual ~AppSimulator() = default;
  // Asks for `target` replicas per tier (clamped to each tier's min/max):
  // new replicas serve after the model's boot delay; removed ones stop taking
  // requests at once and leave when their work is done (drain).
  virtual void set_replicas(const std::vector<int>& target) = 0;
  // Runs `seconds` at load `level` (requests/s or clients) with class shares
  // `mix` (empty: the model's), counting completions slower than slo_ms.
  virtual IntervalStats advance(double seconds, double level, const std::vector<double>& mix, double slo_ms) = 0;
  // Replicas paid for now (active + booting), per tier.
  virtual std::vector<int> replicas() const = 0;
};

enum class SimulatorKind { kDiscreteEvent, kAnalytic };

std::unique_ptr<AppSimulator> make_discrete_event_simulator(const AppModel& app, LoadKind kind, std::uint64_t seed);
std::unique_ptr<AppSimulator> make_analytic_simulator(const AppModel& app, LoadKind kind);

}  // namespace fleetopt::scaling
