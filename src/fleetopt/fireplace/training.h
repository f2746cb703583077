// Trains FirePlace: teacher rollouts on the training workloads (at the fleet
// size the teacher itself needs), a time split into train and validation
// decisions, XGBoost models of each kind (one depth-limited tree, a random
// forest, boosted trees) chosen by validation accuracy, and optional DAgger
// passes that roll out the learned model and relabel with the teacher.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/fireplace/model.h"
#include "fleetopt/fireplace/rollout.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::fireplace {

struct KindParams {
  int tree_depth = 6;
  int forest_trees = 100;
  int forest_depth = 8;
  int boosted_rounds = 100;
  int boosted_depth = 6;
  double boosted_eta = 0.1;
};

struct TrainOptions {
  std::vector<std::string> kinds = {"tree", "forest", "boosted"};  // tried; best by validation
  std::vector<std::string> targets = {"pick", "regret"};           // tried with every kind
  int candidates = 2;
  double overload_limit = 0.01;  // rollouts run at the teacher's fleet size for this limit
  std::int32_t hosts = 0;        // > 0: roll out on this many hosts instead
  int rollouts = 3;              // seeds per workload with the teacher placing
  int dagger = 1;                // passes with the learned model placing
  double validation_share = 0.2; // the last arrivals of each workload
  std::uint64_t seed = 1;
  SimConfig sim;                 // host capacity, overcommit (hosts ignored)
  KindParams params;
};

struct NamedWorkload {
  std::string spec;
  const Workload* workload;
  // This source's host. All zero: TrainOptions::sim.host_capacity (--host),
  // and when that is zero too, the workload's own default_host; so sources
  // of different host sizes (PlanetLab, Bitbrains, Alibaba machines) each
  // roll out on theirs.
  Resources host{};
};

// The rollout config of one training workload (hosts left as in `base`).
SimConfig workload_config(const NamedWorkload& workload, const SimConfig& base);

// The config a training workload is rolled out with: workload_config, no
// latency recording, on `hosts` hosts or, when hosts <= 0, at the fleet size
// the teacher (made by `teacher`) needs for `overload_limit` on seed `seed`.
// Throws InputError when the workload has under 10 VMs or the teacher finds
// no fleet size.
SimConfig rollout_config(const NamedWorkload& workload, const SimConfig& base, std::int32_t hosts,
                         double overload_limit, std::uint64_t seed,
                         const std::function<std::unique_ptr<Placer>()>& teacher);

// {"cpu": .., "mem": ..}: the host `config` rolls `workload` out on, over the
// workload's dimensions (what a trainer's JSON reports per source).
nlohmann::json host_capacity_json(const Workload& workload, const SimConfig& config);

struct KindResult {
  std::string kind;
  std::string target;
  double train_accuracy = 0;
  double validation_accuracy = 0;
  double validation_regret = 0;  // mean teacher score of the pick minus the best's
};

struct TrainResult {
  ModelInfo info;
  nlohmann::json xgboost_model;
  std::vector<KindResult> tried;  // the last round's
  std::size_t samples = 0;        // rows (candidates) used for training
  std::size_t decisions = 0;
  std::size_t train_decisions = 0, validation_decisions = 0;  // informative ones
  std::size_t uninformative_decisions = 0;                    // teacher tie: not used
  double p2_rule_validation_accuracy = 0;  // least-loaded pick vs the teacher
  double p2_rule_validation_regret = 0;
  std::vector<std::int32_t> rollout_hosts;  // per workload
  nlohmann::json rollout_host_capacity = nlohmann::json::array();  // per workload: the host it rolled out on
  nlohmann::json to_json() const;
};

struct FittedModel {
  KindResult result;
  nlohmann::json xgboost_model;
};

// Trains one model kind for one target (ModelInfo::target) on the
// informative training decisions of `data` and
// measures its decision accuracy on both sides of the split. Throws
// InputError on an unknown kind or when no decision is informative.
FittedModel fit_model(const std::string& kind, const std::string& target, const Dataset& data,
                      const KindParams& params, std::uint64_t seed);

// Fraction of the informative decisions (validation or training ones) where
// `pick` chooses a candidate the teacher scores best.
double decision_accuracy(const Dataset& data, bool validation,
                         const std::function<std::size_t(const Decision&)>& pick);

// Mean over the same decisions of the teacher's score of the pick minus the
// best candidate's (0 when always right).
double decision_regret(const Dataset& data, bool validation,
                       const std::function<std::size_t(const Decision&)>& pick);

TrainResult train_fireplace(const std::vector<NamedWorkload>& workloads, const TrainOptions& options);

}  // namespace fleetopt::fireplace
