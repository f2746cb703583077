#include "fleetopt/fireplace/training.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/fireplace/placers.h"
#include "fleetopt/fireplace/teacher.h"
#include "fleetopt/ml/tree_ensemble.h"
#include "fleetopt/ml/xgboost_booster.h"
#include "fleetopt/sim/fleet_sizing.h"

namespace fleetopt::fireplace {
namespace {

ml::BoosterParams booster_params(const std::string& kind, const std::string& target, const KindParams& p,
                                 std::uint64_t seed) {
  if (target != "pick" && target != "regret") {
    throw InputError::field("--target", fmt::format("unknown target '{}' (pick, regret)", target));
  }
  ml::BoosterParams b;
  // One thread: the data is small, and XGBoost is then reproducible bit for bit.
  b.params = {{"objective", target == "pick" ? "binary:logistic" : "reg:squarederror"},
              {"tree_method", "hist"}, {"nthread", "1"},
              {"seed", std::to_string(seed % 2147483647)}, {"verbosity", "0"}};
  auto add = [&](const char* key, auto value) { b.params.emplace_back(key, fmt::format("{}", value)); };
  if (kind == "tree") {
    add("max_depth", p.tree_depth);
    add("eta", 1);
    b.rounds = 1;
  } else if (kind == "forest") {
    // XGBoost's random forest: one round of many parallel trees, each on a
    // row subsample with feature subsampling per split, no shrinkage.
    add("max_depth", p.forest_depth);
    add("num_parallel_tree", p.forest_trees);
    add("subsample", 0.8);
    add("colsample_bynode", 0.8);
    add("eta", 1);
    b.rounds = 1;
  } else if (kind == "boosted") {
    add("max_depth", p.boosted_depth);
    add("eta", p.boosted_eta);
    add("subsample", 0.8);
    b.rounds = p.boosted_rounds;
  } else {
    throw InputError::field("--model", fmt::format("unknown model kind '{}' (tree, forest, boosted)", kind));
  }
  return b;
}

// Training matrix: the rows of the informative decisions on one side of the split.
ml::DenseData matrix(const Dataset& data, bool validation, bool regret) {
  ml::DenseData m;
  m.cols = kNumFeatures;
  for (const Decision& d : data.decisions) {
    if (!d.informative || d.validation != validation) continue;
    const double best = data.teacher_scores[d.first_row + d.teacher_pick];
    for (std::uint32_t r = d.first_row; r < d.first_row + d.count; ++r) {
      m.values.insert(m.values.end(), data.rows.begin() + std::ptrdiff_t{r} * kNumFeatures,
                      data.rows.begin() + std::ptrdiff_t{r + 1} * kNumFeatures);
      m.labels.push_back(regret ? static_cast<float>(data.teacher_scores[r] - best) : data.labels[r]);
    }
  }
  return m;
}

}  // namespace

FittedModel fit_model(const std::string& kind, const std::string& target, const Dataset& data,
                      const KindParams& params, std::uint64_t seed) {
  const bool regret = target == "regret";
  ml::DenseData train = matrix(data, false, regret);
  if (train.rows() == 0) {
    throw InputError("fireplace training: no informative training decision (the teacher saw no difference "
                     "between candidates); use a larger or more varied workload");
  }
  ml::Booster booster = ml::Booster::train(train, booster_params(kind, target, params, seed));
  FittedModel t;
  t.xgboost_model = nlohmann::json::parse(booster.save_json());
  ml::TreeEnsemble trees = ml::TreeEnsemble::from_xgboost_json(t.xgboost_model, "trained model");
  auto pick = [&](const Decision& d) {
    std::size_t best = 0;
    float best_score = 0;
    for (std::size_t c = 0; c < d.count; ++c) {
      float s = trees.margin(data.rows.data() + (std::size_t{d.first_row} + c) * kNumFeatures);
      if (regret) s = -s;
      if (c == 0 || s > best_score) {
        best = c;
        best_score = s;
      }
    }
    return best;
  };
  t.result.kind = kind;
  t.result.target = target;
  t.result.train_accuracy = decision_accuracy(data, false, pick);
  t.result.validation_accuracy = decision_accuracy(data, true, pick);
  t.result.validation_regret = decision_regret(data, true, pick);
  return t;
}

nlohmann::json host_capacity_json(const Workload& workload, const SimConfig& config) {
  const Resources host = effective_host(workload, config);
  nlohmann::json capacity = nlohmann::json::object();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(workload.dims, d)) capacity[std::string(kDimNames[static_cast<std::size_t>(d)])] = host[d];
  }
  return capacity;
}

SimConfig workload_config(const NamedWorkload& workload, const SimConfig& base) {
  SimConfig config = base;
  bool own = false;
  for (double x : workload.host.v) own = own || x > 0;
  if (own) config.host_capacity = workload.host;
  return config;
}

SimConfig rollout_config(const NamedWorkload& workload, const SimConfig& base, std::int32_t hosts,
                         double overload_limit, std::uint64_t seed,
                         const std::function<std::unique_ptr<Placer>()>& teacher) {
  const Workload& w = *workload.workload;
  if (w.size() < 10) {
    throw InputError::field("--workload", fmt::format("{} has {} VMs; training needs at least 10",
                                                      workload.spec, w.size()));
  }
  SimConfig config = workload_config(workload, base);
  config.record_latency = false;
  config.hosts = hosts;
  if (config.hosts <= 0) {
    // Roll out where it matters: at the fleet size the teacher needs.
    SizingOptions sizing;
    sizing.overload_limit = overload_limit;
    SimConfig sized_base = config;
    sized_base.seed = seed;
    auto sized = size_fleet(w, teacher, sized_base, sizing);
    if (!sized.found) throw InputError(fmt::format("{}: the teacher found no fleet size", workload.spec));
    config.hosts = sized.servers_needed;
  }
  return config;
}

namespace {

void check_options(const TrainOptions& o) {
  if (o.candidates < 2 || o.candidates > 64) throw InputError::field("--candidates", "must be in [2, 64]");
  if (o.kinds.empty()) throw InputError::field("--model", "name at least one model kind");
  if (o.rollouts < 1 || o.rollouts > 100) throw InputError::field("--rollouts", "must be in [1, 100]");
  if (o.dagger < 0 || o.dagger > 20) throw InputError::field("--dagger", "must be in [0, 20]");
  if (!(o.validation_share > 0 && o.validation_share < 1)) {
    throw InputError::field("--validation-share", "must be in (0, 1)");
  }
  // Each message names the command-line option that sets the value.
  const KindParams& p = o.params;
  auto in_range = [](const char* option, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      throw InputError::field(option, fmt::format("must be in [{}, {}], got {}", lo, hi, value));
    }
  };
  in_range("--tree-depth", p.tree_depth, 1, 20);
  in_range("--forest-depth", p.forest_depth, 1, 20);
  in_range("--boosted-depth", p.boosted_depth, 1, 20);
  in_range("--forest-trees", p.forest_trees, 1, 10000);
  in_range("--boosted-rounds", p.boosted_rounds, 1, 10000);
  if (o.targets.empty()) throw InputError::field("--target", "name at least one target");
  for (const auto& k : o.kinds) {
    for (const auto& t : o.targets) booster_params(k, t, p, 1);  // validates the names
  }
}

}  // namespace

double decision_accuracy(const Dataset& data, bool validation,
                         const std::function<std::size_t(const Decision&)>& pick) {
  std::size_t total = 0, correct = 0;
  for (const Decision& d : data.decisions) {
    if (!d.informative || d.validation != validation) continue;
    ++total;
    std::size_t c = pick(d);
    correct += same_score(data.teacher_scores[d.first_row + c], data.teacher_scores[d.first_row + d.teacher_pick]);
  }
  return total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

double decision_regret(const Dataset& data, bool validation,
                       const std::function<std::size_t(const Decision&)>& pick) {
  std::size_t total = 0;
  double sum = 0;
  for (const Decision& d : data.decisions) {
    if (!d.informative || d.validation != validation) continue;
    ++total;
    sum += data.teacher_scores[d.first_row + pick(d)] - data.teacher_scores[d.first_row + d.teacher_pick];
  }
  return total ? sum / static_cast<double>(total) : 0.0;
}

nlohmann::json TrainResult::to_json() const {
  nlohmann::json tried_json = nlohmann::json::array();
  for (const auto& k : tried) {
    tried_json.push_back({{"model", k.kind},
                          {"target", k.target},
                          {"train_accuracy", k.train_accuracy},
                          {"validation_accuracy", k.validation_accuracy},
                          {"validation_regret", k.validation_regret}});
  }
  return {{"model", info.type},
          {"target", info.target},
          {"candidates", info.candidates},
          {"resources", resource_names(info.resources)},
          {"validation_accuracy", info.validation_accuracy},
          {"samples", samples},
          {"decisions", decisions},
          {"train_decisions", train_decisions},
          {"validation_decisions", validation_decisions},
          {"uninformative_decisions", uninformative_decisions},
          {"p2_rule_validation_accuracy", p2_rule_validation_accuracy},
          {"p2_rule_validation_regret", p2_rule_validation_regret},
          {"rollout_hosts", rollout_hosts},
          {"rollout_host_capacity", rollout_host_capacity},
          {"tried", tried_json}};
}

TrainResult train_fireplace(const std::vector<NamedWorkload>& workloads, const TrainOptions& options) {
  check_options(options);
  if (workloads.empty()) throw InputError::field("--workload", "name at least one training workload");
  TrainResult result;
  Dataset data;
  Progress progress("fireplace rollouts",
                    workloads.size() * static_cast<std::size_t>(options.rollouts + options.dagger));

  // Memory features only when every source stores memory use: one CPU-only
  // source (its memory invented by the reader) makes a CPU-only model, and
  // a model is refused on workloads lacking a resource it read (model.h).
  DimMask resources = kCpuMem;
  for (const auto& nw : workloads) resources &= usage_resources(*nw.workload);
  result.info.resources = resources;

  std::vector<SimConfig> configs;
  std::vector<RolloutOptions> rollout_options;
  for (std::size_t wi = 0; wi < workloads.size(); ++wi) {
    const Workload& w = *workloads[wi].workload;
    const int k = options.candidates;
    SimConfig config = rollout_config(workloads[wi], options.sim, options.hosts, options.overload_limit,
                                      options.seed,
                                      [k] { return std::make_unique<HindsightPlacer>("hindsight", k); });
    result.rollout_hosts.push_back(config.hosts);
    result.rollout_host_capacity.push_back(host_capacity_json(w, config));
    configs.push_back(config);
    RolloutOptions ro;
    ro.candidates = options.candidates;
    ro.resources = resources;
    ro.validation_from_vm =
        static_cast<std::size_t>(std::floor(static_cast<double>(w.size()) * (1.0 - options.validation_share)));
    rollout_options.push_back(ro);
    for (int r = 0; r < options.rollouts; ++r) {
      config.seed = options.seed * 7919 + wi * 101 + static_cast<std::uint64_t>(r);
      collect_rollout(w, config, ro, data);
      progress.advance();
    }
  }

  FittedModel best;
  for (int round = 0; round <= options.dagger; ++round) {
    if (round > 0) {
      // DAgger: the learned model places, the teacher labels what it sees.
      FirePlaceModel model = FirePlaceModel::from_json(
          FirePlaceModel::to_json({best.result.kind, best.result.target, options.candidates, 0, {}, resources},
                                  best.xgboost_model),
          "dagger model");
      for (std::size_t wi = 0; wi < workloads.size(); ++wi) {
        SimConfig config = configs[wi];
        config.seed = options.seed * 7919 + wi * 101 + 50 + static_cast<std::uint64_t>(round);
        RolloutOptions ro = rollout_options[wi];
        ro.actor = &model;
        collect_rollout(*workloads[wi].workload, config, ro, data);
        progress.advance();
      }
    }
    result.tried.clear();
    bool have = false;
    for (const auto& target : options.targets) {
      for (const auto& kind : options.kinds) {
        FittedModel t = fit_model(kind, target, data, options.params, options.seed + static_cast<std::uint64_t>(round));
        result.tried.push_back(t.result);
        // Ties go to the one listed first (the simpler kind by default).
        if (!have || t.result.validation_accuracy > best.result.validation_accuracy) {
          best = std::move(t);
          have = true;
        }
      }
    }
  }
  progress.done();

  for (const Decision& d : data.decisions) {
    if (!d.informative) {
      ++result.uninformative_decisions;
    } else if (d.validation) {
      ++result.validation_decisions;
    } else {
      ++result.train_decisions;
      result.samples += d.count;
    }
  }
  result.decisions = data.decisions.size();
  auto p2_rule = [](const Decision& d) -> std::size_t { return d.p2_pick; };
  result.p2_rule_validation_accuracy = decision_accuracy(data, true, p2_rule);
  result.p2_rule_validation_regret = decision_regret(data, true, p2_rule);
  result.info.type = best.result.kind;
  result.info.target = best.result.target;
  result.info.candidates = options.candidates;
  result.info.validation_accuracy = best.result.validation_accuracy;
  result.xgboost_model = std::move(best.xgboost_model);
  nlohmann::json specs = nlohmann::json::array();
  for (const auto& w : workloads) specs.push_back(w.spec);
  result.info.training = {{"workloads", specs},
                          {"seed", options.seed},
                          {"rollouts", options.rollouts},
                          {"dagger", options.dagger},
                          {"overload_limit", options.overload_limit},
                          {"rollout_hosts", result.rollout_hosts},
                          {"rollout_host_capacity", result.rollout_host_capacity},
                          {"validation_share", options.validation_share},
                          {"train_decisions", result.train_decisions},
                          {"validation_decisions", result.validation_decisions}};
  return result;
}

}  // namespace fleetopt::fireplace
