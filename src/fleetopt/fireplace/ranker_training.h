// Trains the FirePlace ranker (ranker.h): teacher rollouts over a candidate
// set (K samples, all feasible hosts, or the pre-filter's best M), each
// decision a ranking group whose relevance grades come from the teacher's
// scores, an XGBoost rank:pairwise model, and DAgger passes where the ranker
// places and the teacher still labels. Reuses the pointwise trainer's
// Dataset and accuracy measures (training.h), so the numbers compare.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/fireplace/ranker.h"
#include "fleetopt/fireplace/rollout.h"
#include "fleetopt/fireplace/training.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::fireplace {

struct RankerTrainOptions {
  CandidateSet candidates{CandidateSet::Kind::kPrefilter, 16};
  double overload_limit = 0.01;  // rollouts at the fleet size the teacher (same set) needs
  std::int32_t hosts = 0;        // > 0: roll out on this many hosts instead
  // When empty, the teacher sizes the rollout fleet; else this placement
  // policy (e.g. "p2"): the fleet the policy to beat needs, which is where
  // a sizing search compares the learned policy with it. The teacher sees
  // the future and needs fewer hosts (3 against p2's 6 on Bitbrains July
  // 101-200), so its fleet can be smaller than the candidate set.
  std::string fleet_policy;
  // Each workload also rolls out on ceil(scale x that fleet) hosts, per
  // scale: the teacher's own fleet is the most crowded a deployed policy
  // sees, and on a light source it can be smaller than the candidate set.
  std::vector<double> fleet_scales{1.0};
  int rollouts = 2;
  int dagger = 1;
  double validation_share = 0.2;
  int rounds = 60;               // boosting rounds per model; modest, for decision latency
  int bag = 1;                   // models from as many seeds, their trees summed (bag x rounds trees)
  int depth = 6;
  double eta = 0.15;
  std::uint64_t seed = 1;
  SimConfig sim;
};

// The relevance grade of each candidate of one decision from the teacher's
// scores (lower is better): 3 for the teacher's best (and its ties), then 2,
// 1, 0 by the rank among the rest (top quarter, top half, the others). Pairs
// within a grade carry no gradient, so the model spends its trees on what
// separates the best from the rest.
std::vector<float> relevance_grades(const std::vector<double>& scores);

// Rollout with `candidates` and the teacher (actor null) or a ranker placing;
// appends decisions (labels = relevance grades) to out.
// `resources`: those the features read (usage_resources of the workloads).
SimMetrics collect_ranker_rollout(const Workload& workload, const SimConfig& config, const CandidateSet& candidates,
                                  DimMask resources, std::size_t validation_from_vm, const RankerModel* actor,
                                  Dataset& out);

struct RankerFit {
  nlohmann::json xgboost_model;
  double train_accuracy = 0, validation_accuracy = 0, validation_regret = 0;
};

// rank:pairwise on the informative training decisions (one group each).
// Throws InputError when there is none.
RankerFit fit_ranker(const Dataset& data, const RankerTrainOptions& options, DimMask resources, std::uint64_t seed);

struct RankerTrainResult {
  RankerInfo info;
  nlohmann::json xgboost_model;
  std::vector<std::int32_t> rollout_hosts;  // per workload, then per fleet scale
  nlohmann::json rollout_host_capacity = nlohmann::json::array();  // per workload: the host it rolled out on
  std::size_t decisions = 0, train_decisions = 0, validation_decisions = 0;
  double train_accuracy = 0;
  double prefilter_rule_validation_accuracy = 0;  // lowest observed load + request (L2) vs the teacher
  nlohmann::json to_json() const;
};

// Throws InputError naming the option on bad options.
RankerTrainResult train_ranker(const std::vector<NamedWorkload>& workloads, const RankerTrainOptions& options);

}  // namespace fleetopt::fireplace
