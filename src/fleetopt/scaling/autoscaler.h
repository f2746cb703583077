// The autoscaling policy interface: one method that, at the end of each
// control interval, returns how many replicas each tier should run. Policies
// are found by name in a registry, as placement policies are
// (placement/placer.h); spec grammar NAME[:ARG][@KEY=VALUE]...
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"

namespace fleetopt::scaling {

struct ScalingContext {
  const AppModel& app;
  double slo_ms = 0;                         // p99 target
  double now_s = 0;                          // end of the interval just simulated
  double interval_s = 60;                    // control interval
  const IntervalStats& last;                 // the interval just simulated
  const std::vector<IntervalStats>& history; // every interval of this repetition so far (last included)
  std::vector<int> current;                  // replicas paid for per tier (active + booting)
  int repetition = 0;                        // 0-based
  // For the oracle only (a bound, not a policy): the load level of the next
  // intervals and a what-if evaluation of an allocation at a load level.
  std::function<double(double t)> future_level;
  std::function<IntervalStats(const std::vector<int>& replicas, double level)> what_if;
};

class Autoscaler {
 public:
  virtual ~Autoscaler() = default;
  // Replicas wanted per tier (the loop clamps to min/max and the VM limit).
  virtual std::vector<int> decide(const ScalingContext& ctx) = 0;
  // Called before each repetition after the first; learned state is kept.
  virtual void new_repetition() {}
  // Learned state (Q-table, counters) for --save-state / --load-state; null when none.
  virtual nlohmann::json save_state() const { return nullptr; }
  virtual void load_state(const nlohmann::json&) {}
  virtual std::string name() const = 0;
};

using AutoscalerFactory = std::function<std::unique_ptr<Autoscaler>(const std::string& spec_text)>;
bool register_autoscaler(const std::string& name, const std::string& summary, AutoscalerFactory factory);
std::unique_ptr<Autoscaler> make_autoscaler(const std::string& spec_text);  // throws InputError
std::vector<std::pair<std::string, std::string>> registered_autoscalers();

}  // namespace fleetopt::scaling

#define FLEETOPT_SCALING_CONCAT2(a, b) a##b
#define FLEETOPT_SCALING_CONCAT(a, b) FLEETOPT_SCALING_CONCAT2(a, b)
#define FLEETOPT_REGISTER_AUTOSCALER(name, summary, factory)                        \
  static const bool FLEETOPT_SCALING_CONCAT(fleetopt_autoscaler_registered_, __LINE__) = \
      ::fleetopt::scaling::register_autoscaler(name, summary, factory)
