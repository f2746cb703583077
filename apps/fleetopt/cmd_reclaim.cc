// fleetopt reclaim: how much predicted-idle capacity to resell per host and
// resource, through a safety margin (ReLeaSER vs Scavenger and baselines).
//   fleetopt reclaim --hosts bitbrains-3m --strategy none,fixed,scavenger,releaser,oracle
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/reclaim/reclaim_run.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using namespace fleetopt::reclaim;

struct ReclaimArgs {
  std::string hosts, strategies, forecaster = "xgboost", margins_csv, margins_of, save_model;
  double train_fraction = 0.8;
  std::uint64_t seed = 1;
  bool json = false, list = false, per_host = false;
};

void run_reclaim(const ReclaimArgs& args, const GlobalOptions& global) {
  if (args.list) {
    Table t({"strategy", "summary"});
    for (const auto& [name, summary] : registered_margin_strategies()) t.add({{"strategy", name}, {"summary", summary}});
    if (args.json) {
      print_json(t.json());
    } else {
      std::printf("%s", t.text().c_str());
    }
    return;
  }
  if (args.hosts.empty()) throw InputError::field("--hosts", "required (or --list)");
  if (args.strategies.empty()) throw InputError::field("--strategy", "required (or --list)");
  if (!args.margins_csv.empty()) check_output_file(args.margins_csv, "--margins-csv");
  if (!args.save_model.empty()) check_output_file(args.save_model, "--save-model");
  const std::vector<std::string> specs = split_policy_list(args.strategies);
  std::vector<std::unique_ptr<MarginStrategy>> strategies;
  for (const auto& s : specs) strategies.push_back(make_margin_strategy(s));  // fail fast on a bad name
  if (!args.save_model.empty() && specs.size() != 1) {
    throw InputError::field("--save-model", "needs exactly one --strategy");
  }

  ReadReport report;
  const HostSet hosts = load_hosts(args.hosts, global.data, &report);
  const Forecasts forecasts = make_forecasts(hosts, args.forecaster, args.train_fraction, args.seed);
  const ReclaimProblem problem = make_problem(hosts, forecasts, args.train_fraction, args.seed);

  std::vector<StrategyResult> results;
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    const bool keep = !args.margins_csv.empty() &&
                      (args.margins_of.empty() || ("," + args.margins_of + ",").find("," + specs[i] + ",") != std::string::npos);
    results.push_back(evaluate(*strategies[i], problem, true, keep));
    results.back().strategy = specs[i];
    if (!args.save_model.empty()) write_file_atomically(args.save_model, strategies[i]->save().dump() + "\n");
  }
  if (!args.margins_csv.empty()) write_file_atomically(args.margins_csv, margins_csv(results, problem));

  double oracle_net = 0;
  bool have_oracle = false;
  for (const StrategyResult& r : results) {
    if (r.strategy == "oracle") {
      oracle_net = r.total.net_usd();
      have_oracle = true;
    }
  }
  std::size_t test_steps = 0;
  for (const HostAccount& a : results.front().hosts) test_steps += a.steps;

  if (args.json) {
    nlohmann::json fe = nlohmann::json::object();
    for (int r = 0; r < kResources; ++r) {
      fe[kResName[r]] = {{"mae", forecasts.test_error[static_cast<std::size_t>(r)].mae},
                         {"underestimation_rate", forecasts.test_error[static_cast<std::size_t>(r)].underestimation}};
    }
    nlohmann::json out = {{"hosts", hosts.name},
                          {"host_count", hosts.hosts.size()},
                          {"test_host_steps", test_steps},
                          {"train_fraction", args.train_fraction},
                          {"forecaster", forecasts.name},
                          {"forecaster_fit_seconds", forecasts.fit_seconds},
                          {"forecast_error", fe},
                          {"seed", args.seed},
                          {"results", nlohmann::json::array()}};
    for (const StrategyResult& r : results) {
      nlohmann::json row = to_json(r, problem, args.per_host);
      if (have_oracle && oracle_net > 0) row["net_share_of_oracle"] = r.total.net_usd() / oracle_net;
      out["results"].push_back(row);
    }
    print_json(out);
    return;
  }
  std::printf("%s: %zu hosts, test part %zu host-steps of %g s; forecaster %s (test MAE cpu %.4f mem %.4f of "
              "capacity, underestimates %.1f%% / %.1f%% of steps)\n",
              hosts.name.c_str(), hosts.hosts.size(), test_steps, hosts.step_seconds, forecasts.name.c_str(),
              forecasts.test_error[0].mae, forecasts.test_error[1].mae, 100 * forecasts.test_error[0].underestimation,
              100 * forecasts.test_error[1].underestimation);
  Table t({"strategy", "savings_usd", "penalties_usd", "net_usd", "violation_minutes", "net_pct_of_oracle",
           "mean_margin_cpu", "mean_margin_mem", "fit_s"});
  for (const StrategyResult& r : results) {
    const double steps = static_cast<double>(std::max<std::size_t>(1, r.total.steps));
    t.add({{"strategy", r.strategy},
           {"savings_usd", fmt::format("{:.2f}", r.total.savings_usd)},
           {"penalties_usd", fmt::format("{:.2f}", r.total.penalties_usd)},
           {"net_usd", fmt::format("{:.2f}", r.total.net_usd())},
           {"violation_minutes", fmt::format("{:.0f}", r.total.violation_minutes)},
           {"net_pct_of_oracle", have_oracle && oracle_net > 0 ? fmt::format("{:.1f}", 100 * r.total.net_usd() / oracle_net)
                                                               : std::string("-")},
           {"mean_margin_cpu", fmt::format("{:.3f}", r.total.res[0].margin_sum / steps)},
           {"mean_margin_mem", fmt::format("{:.3f}", r.total.res[1].margin_sum / steps)},
           {"fit_s", fmt::format("{:.1f}", r.fit_seconds)}});
  }
  std::printf("%s", t.text().c_str());
  if (!report.text().empty() && report.warnings_total() > 0) std::fprintf(stderr, "%s", report.text().c_str());
}

void add_reclaim_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("reclaim", "resell predicted-idle capacity per host and resource behind a safety "
                                            "margin (ReLeaSER DDPG vs Scavenger and baselines)");
  auto args = std::make_shared<ReclaimArgs>();
  cmd->add_option("--hosts", args->hosts,
                  "host SPEC: bitbrains-3m, composed, alibaba2018, bitbrains-hosts:DIR[@months=..][@vms=A-B], "
                  "composed:DIR[@cores=32][@mem=128], alibaba2018-hosts:DIR[@max=N], host-series:FILE "
                  "(docs/reclaim.md)");
  cmd->add_option("--strategy,-s", args->strategies, "comma-separated margin strategies (see --list); "
                                                     "releaser:MODEL evaluates a saved model");
  cmd->add_option("--forecaster", args->forecaster, "last-value, quantile[@q=Q][@window=W], xgboost")
      ->capture_default_str();
  cmd->add_option("--train-fraction", args->train_fraction, "chronological share of each host used to train")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 0.95));
  cmd->add_option("--seed", args->seed, "random seed (forecaster subsample, random margins, DDPG)")->capture_default_str();
  cmd->add_option("--margins-csv", args->margins_csv,
                  "write per test step, host and resource the margin, the forecast error and the violation (CSV)");
  cmd->add_option("--margins-of", args->margins_of, "comma-separated strategies whose margins --margins-csv writes "
                                                    "(default: all)");
  cmd->add_option("--save-model", args->save_model, "write what the (single) strategy learned (JSON)");
  cmd->add_flag("--per-host", args->per_host, "with --json: per-host rows");
  cmd->add_flag("--list", args->list, "list the margin strategies");
  cmd->add_flag("--json", args->json, "print JSON: {results: [...]}");
  cmd->callback([args, &global] { run_reclaim(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(57, add_reclaim_command);

}  // namespace fleetopt::cli
