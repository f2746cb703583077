// fleetopt train-ranker: the FirePlace ranker (fireplace/ranker.h), XGBoost
// pairwise ranking over a candidate set, imitating the hindsight teacher over
// the same set. Its own command (not `train fireplace --ranker`) so that the
// pointwise trainer's options and file format stay as they are.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/fireplace/ranker_training.h"
#include "sim_options.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

struct TrainRankerArgs {
  std::vector<std::string> workloads;
  std::string out;
  std::string candidates = "prefilter=16";
  int rollouts = 2;
  int dagger = 1;
  int hosts = 0;
  std::vector<double> fleet_scales{1.0};
  std::string rollout_fleet = "teacher";
  int rounds = 60;
  int bag = 1;
  int depth = 6;
  double eta = 0.15;
  double overload_limit = 0.01;
  double validation_share = 0.2;
  std::vector<std::string> host_specs;  // --host: none, one for every workload, or one per workload
  SimOptions sim;  // overcommit, seed, json (its workload and host fields are unused)
};

void run(const TrainRankerArgs& args, const GlobalOptions& global) {
  check_output_file(args.out, "--out");  // before the rollouts, not after
  fireplace::RankerTrainOptions o;
  o.candidates = CandidateSet::parse(args.candidates, "--candidates");
  o.rollouts = args.rollouts;
  o.dagger = args.dagger;
  o.hosts = args.hosts;
  o.fleet_scales = args.fleet_scales;
  if (args.rollout_fleet != "teacher") o.fleet_policy = args.rollout_fleet;
  o.rounds = args.rounds;
  o.bag = args.bag;
  o.depth = args.depth;
  o.eta = args.eta;
  o.overload_limit = args.overload_limit;
  o.validation_share = args.validation_share;
  o.seed = args.sim.seed;
  o.sim = args.sim.config();
  const std::vector<Resources> hosts = hosts_per_workload(args.host_specs, args.workloads.size());
  std::vector<Workload> loaded;
  loaded.reserve(args.workloads.size());
  for (const auto& spec : args.workloads) loaded.push_back(load_for_command(spec, global, args.sim.json));
  std::vector<fireplace::NamedWorkload> named;
  for (std::size_t i = 0; i < loaded.size(); ++i) named.push_back({args.workloads[i], &loaded[i], hosts[i]});

  fireplace::RankerTrainResult r = fireplace::train_ranker(named, o);
  fireplace::RankerModel::save(args.out, r.info, r.xgboost_model);
  nlohmann::json j = r.to_json();
  j["out"] = args.out;
  if (args.sim.json) {
    print_json(j);
    return;
  }
  std::printf("wrote %s: ranker over %s, validation accuracy %.4f on %zu decisions (pre-filter rule: %.4f); "
              "train accuracy %.4f on %zu decisions; rollout hosts %s\n",
              args.out.c_str(), r.info.candidates.describe().c_str(), r.info.validation_accuracy,
              r.validation_decisions, r.prefilter_rule_validation_accuracy, r.train_accuracy, r.train_decisions,
              nlohmann::json(r.rollout_hosts).dump().c_str());
}

void add_train_ranker_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("train-ranker",
                                 "FirePlace ranker: XGBoost pairwise ranking over a candidate set, imitating the "
                                 "hindsight teacher over the same set (policy fireplace-rank:MODEL.json)");
  auto args = std::make_shared<TrainRankerArgs>();
  cmd->add_option("--workload,-w", args->workloads, "training workload SPEC (repeatable)")->required();
  cmd->add_option("--out,-o", args->out, "model file to write (JSON)")->required();
  cmd->add_option("--candidates", args->candidates, "candidate set: k=K (sampled), all, prefilter=M")
      ->capture_default_str();
  cmd->add_option("--rollouts", args->rollouts, "teacher rollouts (seeds) per workload")->capture_default_str();
  cmd->add_option("--dagger", args->dagger, "DAgger passes (the ranker places, the teacher labels)")
      ->capture_default_str();
  cmd->add_option("--hosts", args->hosts, "roll out on this many hosts (default: the teacher's fleet size)")
      ->check(CLI::Range(0, static_cast<int>(limits::kMaxHosts)));
  cmd->add_option("--rollout-fleet", args->rollout_fleet,
                  "who sizes the rollout fleet (unless --hosts): the teacher, or a placement policy such as p2 "
                  "(the fleet of the policy to beat)")
      ->capture_default_str();
  cmd->add_option("--fleet-scales", args->fleet_scales,
                  "also roll out on ceil(scale x that fleet) hosts, per scale (e.g. 1,2)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--rounds", args->rounds, "boosting rounds (trees)")->capture_default_str();
  cmd->add_option("--bag", args->bag,
                  "train this many models (seeds SEED, SEED+1000, ...) and sum their trees")
      ->capture_default_str();
  cmd->add_option("--depth", args->depth, "tree depth")->capture_default_str();
  cmd->add_option("--eta", args->eta, "learning rate")->capture_default_str();
  cmd->add_option("--overload-limit", args->overload_limit, "overload limit that sets the rollout fleet size")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--validation-share", args->validation_share, "share of the last arrivals held out")
      ->capture_default_str();
  cmd->add_option("--host", args->host_specs,
                  "host capacity, e.g. cpu=32,mem=128: once for every workload, or once per --workload in "
                  "their order (default: each workload's own default host)");
  cmd->add_option("--overcommit", args->sim.overcommit, "admission overcommit ratio per resource")
      ->capture_default_str();
  cmd->add_option("--seed", args->sim.seed, "random seed")->capture_default_str();
  cmd->add_flag("--json", args->sim.json, "print JSON");
  cmd->callback([args, &global] { run(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(41, add_train_ranker_command);

}  // namespace fleetopt::cli
