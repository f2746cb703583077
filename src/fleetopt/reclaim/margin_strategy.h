// The reclamation policy interface: a margin strategy decides, per host,
// resource and step, the safety margin (a fraction of capacity) kept back on
// top of the forecast. One method; strategies are found by name in a registry
// (as placement/placer.h and scaling/autoscaler.h), spec grammar
// NAME[:ARG][@KEY=VALUE]..., so adding one touches no core file.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/reclaim/forecaster.h"
#include "fleetopt/reclaim/host_series.h"

namespace fleetopt::reclaim {

// The whole problem as a strategy may see it: every host, the fixed
// forecasts, and where each host's test part begins.
struct ReclaimProblem {
  const HostSet& hosts;
  const Forecasts& forecasts;
  std::vector<std::size_t> train_end;  // per host: first test step
  std::uint64_t seed = 1;

  // (use - forecast) / capacity at step t: the normalised forecast error.
  float error(std::size_t h, int r, std::size_t t) const {
    const auto ri = static_cast<std::size_t>(r);
    const HostSeries& host = hosts.hosts[h];
    return static_cast<float>((host.use[ri][t] - forecasts.values[h][ri][t]) / host.capacity[ri]);
  }
};

// One host and the steps to decide.
struct MarginContext {
  const ReclaimProblem& problem;
  std::size_t host = 0;
  std::size_t begin = 0, end = 0;  // steps [begin, end)
};

class MarginStrategy {
 public:
  virtual ~MarginStrategy() = default;
  // Fills margin[r][t - begin] in [0, 1] for t in [begin, end). The margin of
  // step t may use use and forecast errors of steps < t only (the oracle,
  // an upper bound and not a policy, is the one exception).
  virtual void choose(const MarginContext& ctx, const std::array<std::span<float>, kResources>& margin) = 0;
  // Learns from the training part of every host (steps < train_end); the
  // default learns nothing. Called once before any choose().
  virtual void fit(const ReclaimProblem&) {}
  // Learned parameters (for --save-model / reports); null when none.
  virtual nlohmann::json save() const { return nullptr; }
  // A short account of what was learned, for result rows; default save().
  virtual nlohmann::json summary() const { return save(); }
  virtual std::string name() const = 0;
};

using MarginFactory = std::function<std::unique_ptr<MarginStrategy>(const std::string& spec_text)>;
bool register_margin_strategy(const std::string& name, const std::string& summary, MarginFactory factory);
std::unique_ptr<MarginStrategy> make_margin_strategy(const std::string& spec_text);  // throws InputError
std::vector<std::pair<std::string, std::string>> registered_margin_strategies();

}  // namespace fleetopt::reclaim

#define FLEETOPT_RECLAIM_CONCAT2(a, b) a##b
#define FLEETOPT_RECLAIM_CONCAT(a, b) FLEETOPT_RECLAIM_CONCAT2(a, b)
#define FLEETOPT_REGISTER_MARGIN_STRATEGY(name, summary, factory)                          \
  static const bool FLEETOPT_RECLAIM_CONCAT(fleetopt_margin_registered_, __LINE__) = \
      ::fleetopt::reclaim::register_margin_strategy(name, summary, factory)
