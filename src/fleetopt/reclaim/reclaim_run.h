// Evaluates a margin strategy over every host's test part: the strategy
// fits on the training parts, then chooses margins for the test steps, and
// the accounting turns them into dollars.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/reclaim/accounting.h"
#include "fleetopt/reclaim/margin_strategy.h"

namespace fleetopt::reclaim {

// Per host, the test steps' margins and violation masks (plots as data).
struct HostMargins {
  std::size_t begin = 0;  // first test step
  std::array<std::vector<float>, kResources> margin;
  std::vector<std::uint8_t> violated;  // bit r: resource r in violation
};

struct StrategyResult {
  std::string strategy;
  HostAccount total;
  std::vector<HostAccount> hosts;
  std::vector<HostMargins> margins;  // filled when asked
  double fit_seconds = 0, choose_seconds = 0;
  nlohmann::json params;  // what fit() learned, if anything
};

ReclaimProblem make_problem(const HostSet& hosts, const Forecasts& forecasts, double train_fraction,
                            std::uint64_t seed);

// fit() (unless `fit` is false: a loaded model), then choose() per host over
// its test part, then account_host.
StrategyResult evaluate(MarginStrategy& strategy, const ReclaimProblem& problem, bool fit, bool keep_margins);

// JSON row: strategy, savings_usd, penalties_usd, net_usd, violation_minutes,
// containers_sold (container-hours), mean_margin {cpu, mem}, per resource,
// and per-host rows when `per_host`.
nlohmann::json to_json(const StrategyResult& r, const ReclaimProblem& problem, bool per_host);

// CSV header: strategy,host,resource,step,margin,error,violated — one row per
// test step, host and resource of every result that kept its margins.
std::string margins_csv(const std::vector<StrategyResult>& results, const ReclaimProblem& problem);

}  // namespace fleetopt::reclaim
