// Next-step use forecasts per host and resource. The forecaster is fixed
// across margin strategies (as in the ReLeaSER paper): the strategies only
// decide how much to keep back on top of it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/reclaim/host_series.h"

namespace fleetopt::reclaim {

struct ForecastError {
  double mae = 0;                 // mean |use - forecast|, as a fraction of capacity
  double underestimation = 0;     // share of steps with forecast < use
  std::size_t steps = 0;
};

struct Forecasts {
  std::string name;
  // forecast[h][r][t]: the forecast of host h's use of r at step t, made
  // from steps < t only (t = 0: the first value, there is no history).
  std::vector<std::array<std::vector<float>, kResources>> values;
  std::array<ForecastError, kResources> test_error;  // over the test part
  double fit_seconds = 0;
};

// First step of the test part of a host with `steps` steps.
std::size_t train_end(std::size_t steps, double train_fraction);

// NAME[@KEY=VALUE]: last-value | quantile[@q=0.5][@window=12] |
// xgboost[@rounds=60][@depth=6][@rows=200000]. xgboost learns one regression per
// resource, pooled over hosts, from the training part only: features = the
// last 12 values, the mean of the last day, the value one day before, and the
// time of day, all as fractions of capacity. Deterministic under `seed`.
Forecasts make_forecasts(const HostSet& hosts, const std::string& spec, double train_fraction,
                         std::uint64_t seed);

}  // namespace fleetopt::reclaim
