// fleetopt train: fit learned policies from workloads.
//   train fireplace  FirePlace's tree model, by imitation of the hindsight teacher
//   train forecast   the LSTM usage forecaster of the forecast baseline
//                    (only in builds with libtorch)
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/fireplace/training.h"
#include "sim_options.h"
#include "fleetopt/fireplace/forecast.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

struct TrainFireplaceArgs {
  std::vector<std::string> workloads;
  std::string out;
  std::string model = "auto";
  std::string target = "auto";
  int candidates = 2;
  int rollouts = 3;
  int dagger = 1;
  int hosts = 0;
  double overload_limit = 0.01;
  double validation_share = 0.2;
  fireplace::KindParams params;
  std::vector<std::string> host_specs;  // --host: none, one for every workload, or one per workload
  SimOptions sim;  // overcommit, seed, json (its workload and host fields are unused)
};

void print_result(const nlohmann::json& j, bool json, const std::string& heading,
                  const std::vector<std::string>& columns, const nlohmann::json& rows) {
  if (json) {
    print_json(j);
    return;
  }
  std::printf("%s\n", heading.c_str());
  Table t(columns);
  for (const auto& r : rows) t.add(r);
  std::printf("%s", t.text().c_str());
}

void run_train_fireplace(const TrainFireplaceArgs& args, const GlobalOptions& global) {
  check_output_file(args.out, "--out");  // before hours of training, not after
  fireplace::TrainOptions o;
  o.kinds = args.model == "auto" ? std::vector<std::string>{"tree", "forest", "boosted"}
                                 : std::vector<std::string>{args.model};
  if (args.target != "auto") o.targets = {args.target};
  o.candidates = args.candidates;
  o.rollouts = args.rollouts;
  o.dagger = args.dagger;
  o.hosts = args.hosts;
  o.overload_limit = args.overload_limit;
  o.validation_share = args.validation_share;
  o.seed = args.sim.seed;
  o.sim = args.sim.config();
  o.params = args.params;
  const std::vector<Resources> hosts = hosts_per_workload(args.host_specs, args.workloads.size());

  std::vector<Workload> loaded;
  loaded.reserve(args.workloads.size());
  for (const auto& spec : args.workloads) loaded.push_back(load_for_command(spec, global, args.sim.json));
  std::vector<fireplace::NamedWorkload> named;
  for (std::size_t i = 0; i < loaded.size(); ++i) named.push_back({args.workloads[i], &loaded[i], hosts[i]});

  fireplace::TrainResult r = fireplace::train_fireplace(named, o);
  fireplace::FirePlaceModel::save(args.out, r.info, r.xgboost_model);

  nlohmann::json j = r.to_json();
  j["out"] = args.out;
  j["workloads"] = args.workloads;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& k : j["tried"]) {
    nlohmann::json row = k;
    row["chosen"] = k["model"] == j["model"] && k["target"] == j["target"] ? "*" : "";
    rows.push_back(row);
  }
  print_result(j, args.sim.json,
               fmt::format("wrote {}: {} model, validation accuracy {:.4f} on {} decisions (least-loaded rule: "
                           "{:.4f}); trained on {} rows from {} decisions",
                           args.out, r.info.type, r.info.validation_accuracy, r.validation_decisions,
                           r.p2_rule_validation_accuracy, r.samples, r.train_decisions),
               {"model", "target", "train_accuracy", "validation_accuracy", "validation_regret", "chosen"}, rows);
}

void add_fireplace(CLI::App& train, GlobalOptions& global) {
  auto* cmd = train.add_subcommand("fireplace", "FirePlace: imitate the hindsight teacher with a tree model");
  auto args = std::make_shared<TrainFireplaceArgs>();
  cmd->add_option("--workload,-w", args->workloads, "training workload SPEC (repeatable)")->required();
  cmd->add_option("--out,-o", args->out, "model file to write (JSON)")->required();
  cmd->add_option("--model", args->model, "tree, forest, boosted, or auto (best by validation accuracy)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "tree", "forest", "boosted"}));
  cmd->add_option("--target", args->target,
                  "pick (classify the teacher's pick, as the paper), regret (regress the teacher's regret), "
                  "or auto (both; best by validation accuracy)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "pick", "regret"}));
  cmd->add_option("--candidates,-k", args->candidates, "candidate hosts per decision (K)")
      ->capture_default_str()
      ->check(CLI::Range(2, 64));
  cmd->add_option("--rollouts", args->rollouts, "teacher rollouts (seeds) per workload")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--dagger", args->dagger, "DAgger passes (learned model places, teacher labels)")
      ->capture_default_str()
      ->check(CLI::Range(0, 20));
  cmd->add_option("--hosts", args->hosts, "roll out on this many hosts (default: the teacher's fleet size)")
      ->check(CLI::Range(0, static_cast<int>(limits::kMaxHosts)));
  cmd->add_option("--overload-limit", args->overload_limit, "overload limit that sets the rollout fleet size")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--validation-share", args->validation_share, "share of the last arrivals held out")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 0.99));
  cmd->add_option("--tree-depth", args->params.tree_depth, "depth of the single tree")->capture_default_str();
  cmd->add_option("--forest-trees", args->params.forest_trees, "trees in the forest")->capture_default_str();
  cmd->add_option("--forest-depth", args->params.forest_depth, "depth of the forest's trees")->capture_default_str();
  cmd->add_option("--boosted-rounds", args->params.boosted_rounds, "boosting rounds")->capture_default_str();
  cmd->add_option("--boosted-depth", args->params.boosted_depth, "depth of the boosted trees")->capture_default_str();
  cmd->add_option("--host", args->host_specs,
                  "host capacity, e.g. cpu=32,mem=128: once for every workload, or once per --workload in "
                  "their order (default: each workload's own default host)");
  cmd->add_option("--overcommit", args->sim.overcommit, "admission overcommit, e.g. cpu=4")->capture_default_str();
  cmd->add_option("--seed", args->sim.seed, "random seed")->capture_default_str();
  cmd->add_flag("--json", args->sim.json, "print JSON");
  cmd->callback([args, &global] { run_train_fireplace(*args, global); });
}

struct TrainForecastArgs {
  std::string workload;
  std::string out;
  fireplace::ForecastTrainOptions options;
  bool json = false;
};

void run_train_forecast(const TrainForecastArgs& args, const GlobalOptions& global) {
#ifndef FLEETOPT_HAVE_FORECAST
  // The plain binary has the options (for --help and checking) but not the
  // LSTM: main() re-runs the command in fleetopt-torch.
  (void)args;
  (void)global;
  throw NeedsTorch("train forecast");
#else
  check_output_file(args.out, "--out");
  Workload w = load_for_command(args.workload, global, args.json);
  fireplace::ForecastTrainResult r = fireplace::train_forecaster(w, args.options, args.out);
  nlohmann::json j = r.to_json();
  j["out"] = args.out;
  j["workload"] = args.workload;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [name, mae] : r.validation_mae) rows.push_back({{"forecaster", name}, {"validation_mae", mae}});
  print_result(j, args.json,
               fmt::format("wrote {}: LSTM forecaster of the next {}-step peak from {} steps, {} training "
                           "windows", args.out, args.options.horizon, args.options.window, r.train_rows),
               {"forecaster", "validation_mae"}, rows);
#endif
}

void add_forecast(CLI::App& train, GlobalOptions& global) {
  auto* cmd = train.add_subcommand("forecast", "the forecast baseline's LSTM usage forecaster (libtorch)");
  auto args = std::make_shared<TrainForecastArgs>();
  auto& o = args->options;
  cmd->add_option("--workload,-w", args->workload, "training workload SPEC")->required();
  cmd->add_option("--out,-o", args->out, "model file to write (torch archive)")->required();
  cmd->add_option("--window", o.window, "history steps read")->capture_default_str()->check(CLI::Range(1, 288));
  cmd->add_option("--horizon", o.horizon, "future steps whose peak is forecast")
      ->capture_default_str()
      ->check(CLI::Range(1, 288));
  cmd->add_option("--hidden", o.hidden, "LSTM hidden units")->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--epochs", o.epochs, "training epochs")->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--samples-per-vm", o.samples_per_vm, "training windows drawn per VM")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--seed", o.seed, "random seed")->capture_default_str();
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->callback([args, &global] { run_train_forecast(*args, global); });
}

void add_train_command(CLI::App& app, GlobalOptions& global) {
  auto* train = app.add_subcommand("train", "train a learned policy from workloads");
  train->require_subcommand(1);
  add_fireplace(*train, global);
  add_forecast(*train, global);
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(25, add_train_command);

}  // namespace fleetopt::cli
