#include "fleetopt/fireplace/ranker_training.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/fireplace/teacher.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {
namespace {

class RankerRecorder final : public Placer {
 public:
  RankerRecorder(const CandidateSet& set, DimMask resources, std::size_t validation_from_vm, const RankerModel* actor,
                 Dataset& out)
      : set_(set), validation_from_(validation_from_vm), actor_(actor), out_(out), features_(resources) {}
  int history_steps() const override { return kHistorySteps; }
  HistoryWindows history_windows() const override { return feature_history_windows(); }
  std::string name() const override { return actor_ ? "fireplace-rank-dagger" : "hindsight-rank-recorder"; }

  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override {
    set_.fill(ctx.cluster, ctx.request, rng, candidates_);
    if (candidates_.empty()) return kNoHost;
    if (candidates_.size() == 1 || candidates_.size() > 65535) {
      teacher_.placed(ctx.workload, ctx.vm, candidates_.front(), ctx.step);
      return candidates_.front();
    }
    features_.build(ctx, candidates_, rows_);
    std::size_t pick = teacher_.pick(ctx.cluster, ctx.workload, ctx.vm, ctx.step, candidates_, scores_);
    Decision d;
    d.first_row = static_cast<std::uint32_t>(out_.labels.size());
    d.count = static_cast<std::uint16_t>(candidates_.size());
    d.teacher_pick = static_cast<std::uint16_t>(pick);
    d.p2_pick = static_cast<std::uint16_t>(least_predicted(ctx));
    d.vm = ctx.vm;
    d.validation = static_cast<std::size_t>(ctx.vm) >= validation_from_;
    for (double s : scores_) d.informative = d.informative || !same_score(s, scores_[pick]);
    const std::vector<float> grades = relevance_grades(scores_);
    out_.labels.insert(out_.labels.end(), grades.begin(), grades.end());
    out_.teacher_scores.insert(out_.teacher_scores.end(), scores_.begin(), scores_.end());
    out_.rows.insert(out_.rows.end(), rows_.begin(), rows_.end());
    out_.decisions.push_back(d);
    if (actor_ != nullptr) pick = actor_->best(rows_.data(), candidates_.size());
    teacher_.placed(ctx.workload, ctx.vm, candidates_[pick], ctx.step);
    return candidates_[pick];
  }

 private:
  // The pre-filter's own rule on these candidates, the baseline accuracy.
  std::size_t least_predicted(const PlacementContext& ctx) const {
    std::size_t best = 0;
    double best_score = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < candidates_.size(); ++c) {
      const double s = prefilter_score(ctx.cluster, candidates_[c], ctx.request);
      if (s < best_score) {
        best = c;
        best_score = s;
      }
    }
    return best;
  }

  CandidateSet set_;
  std::size_t validation_from_;
  const RankerModel* actor_;
  Dataset& out_;
  FeatureBuilder features_;
  IncrementalTeacher teacher_;
  std::vector<std::int32_t> candidates_;
  std::vector<float> rows_;
  std::vector<double> scores_;
};

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("xgboost ") + what + ": " + XGBGetLastError());
}

// XGBoost handles for one training call (ml::Booster has no ranking groups).
struct Handles {
  DMatrixHandle matrix = nullptr;
  BoosterHandle booster = nullptr;
  ~Handles() {
    if (booster) XGBoosterFree(booster);
    if (matrix) XGDMatrixFree(matrix);
  }
};

void check_options(const RankerTrainOptions& o) {
  auto in_range = [](const char* option, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) throw InputError::field(option, fmt::format("must be in [{}, {}], got {}", lo, hi, value));
  };
  in_range("--rollouts", o.rollouts, 1, 100);
  in_range("--dagger", o.dagger, 0, 20);
  in_range("--rounds", o.rounds, 1, 5000);
  in_range("--bag", o.bag, 1, 16);
  in_range("--depth", o.depth, 1, 16);
  in_range("--eta", o.eta, 1e-4, 1);
  if (!(o.validation_share > 0 && o.validation_share < 1)) throw InputError::field("--validation-share", "must be in (0, 1)");
  if (o.fleet_scales.empty() || o.fleet_scales.size() > 8) {
    throw InputError::field("--fleet-scales", "give 1 to 8 scales");
  }
  for (double s : o.fleet_scales) in_range("--fleet-scales", s, 0.1, 10);
  if (!o.fleet_policy.empty()) {
    try {
      (void)make_placer(o.fleet_policy);
    } catch (const InputError& e) {
      throw InputError::field("--rollout-fleet", e.what());
    }
  }
  if (o.candidates.kind != CandidateSet::Kind::kAll && o.candidates.n < 2) {
    throw InputError::field("--candidates", "a ranker needs at least 2 candidates");
  }
}

}  // namespace

std::vector<float> relevance_grades(const std::vector<double>& scores) {
  const std::size_t n = scores.size();
  std::vector<float> grades(n, 0.f);
  if (n == 0) return grades;
  const double best = *std::min_element(scores.begin(), scores.end());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t c = order[r];
    if (same_score(scores[c], best)) {
      grades[c] = 3.f;
    } else if (4 * r < n) {
      grades[c] = 2.f;
    } else if (2 * r < n) {
      grades[c] = 1.f;
    }
  }
  return grades;
}

SimMetrics collect_ranker_rollout(const Workload& workload, const SimConfig& config, const CandidateSet& candidates,
                                  DimMask resources, std::size_t validation_from_vm, const RankerModel* actor,
                                  Dataset& out) {
  RankerRecorder placer(candidates, resources, validation_from_vm, actor, out);
  SimConfig c = config;
  c.record_latency = false;
  return simulate(workload, placer, c);
}

RankerFit fit_ranker(const Dataset& data, const RankerTrainOptions& options, DimMask resources, std::uint64_t seed) {
  std::vector<float> values, labels;
  std::vector<unsigned> groups;
  for (const Decision& d : data.decisions) {
    if (!d.informative || d.validation) continue;
    values.insert(values.end(), data.rows.begin() + std::ptrdiff_t{d.first_row} * kNumFeatures,
                  data.rows.begin() + std::ptrdiff_t{d.first_row + d.count} * kNumFeatures);
    labels.insert(labels.end(), data.labels.begin() + d.first_row, data.labels.begin() + d.first_row + d.count);
    groups.push_back(d.count);
  }
  if (groups.empty()) {
    throw InputError("ranker training: no informative training decision (the teacher saw no difference "
                     "between candidates); use a larger or more varied workload");
  }
  Handles h;
  check(XGDMatrixCreateFromMat(values.data(), labels.size(), kNumFeatures, std::numeric_limits<float>::quiet_NaN(),
                               &h.matrix), "XGDMatrixCreateFromMat");
  check(XGDMatrixSetFloatInfo(h.matrix, "label", labels.data(), labels.size()), "set labels");
  check(XGDMatrixSetUIntInfo(h.matrix, "group", groups.data(), groups.size()), "set groups");
  check(XGBoosterCreate(&h.matrix, 1, &h.booster), "XGBoosterCreate");
  // One thread: reproducible bit for bit, as the pointwise trainer.
  const std::vector<std::pair<std::string, std::string>> params = {
      {"objective", "rank:pairwise"}, {"tree_method", "hist"}, {"nthread", "1"},
      {"seed", std::to_string(seed % 2147483647)}, {"verbosity", "0"},
      {"max_depth", std::to_string(options.depth)}, {"eta", fmt::format("{}", options.eta)},
      {"subsample", "0.8"}, {"colsample_bynode", "0.8"}};
  for (const auto& [key, value] : params) check(XGBoosterSetParam(h.booster, key.c_str(), value.c_str()), key.c_str());
  for (int iter = 0; iter < options.rounds; ++iter) check(XGBoosterUpdateOneIter(h.booster, iter, h.matrix), "update");
  bst_ulong len = 0;
  const char* out = nullptr;
  check(XGBoosterSaveModelToBuffer(h.booster, R"({"format": "json"})", &len, &out), "save model");
  RankerFit fit;
  fit.xgboost_model = nlohmann::json::parse(std::string(out, len));
  RankerInfo info;
  info.candidates = options.candidates;
  info.resources = resources;
  const RankerModel model = RankerModel::from_json(RankerModel::to_json(info, fit.xgboost_model), "trained ranker");
  auto pick = [&](const Decision& d) {
    return model.best(data.rows.data() + std::size_t{d.first_row} * kNumFeatures, d.count);
  };
  fit.train_accuracy = decision_accuracy(data, false, pick);
  fit.validation_accuracy = decision_accuracy(data, true, pick);
  fit.validation_regret = decision_regret(data, true, pick);
  return fit;
}

nlohmann::json RankerTrainResult::to_json() const {
  return {{"candidate_set", info.candidates.describe()},
          {"validation_accuracy", info.validation_accuracy},
          {"train_accuracy", train_accuracy},
          {"prefilter_rule_validation_accuracy", prefilter_rule_validation_accuracy},
          {"decisions", decisions},
          {"train_decisions", train_decisions},
          {"validation_decisions", validation_decisions},
          {"rollout_hosts", rollout_hosts},
          {"rollout_host_capacity", rollout_host_capacity},
          {"training", info.training}};
}

namespace {

// One model: teacher rollouts, a fit, DAgger passes; its decisions stay in `data`.
RankerTrainResult train_member(const std::vector<NamedWorkload>& workloads, const RankerTrainOptions& options,
                               DimMask resources, Dataset& data) {
  RankerTrainResult result;
  const std::size_t scales = options.fleet_scales.size();
  Progress progress("ranker rollouts",
                    workloads.size() * scales * static_cast<std::size_t>(options.rollouts + options.dagger));
  struct Run {
    std::size_t workload;
    SimConfig config;
    std::size_t validation_from;
    std::uint64_t seed_base;
  };
  std::vector<Run> runs;
  for (std::size_t wi = 0; wi < workloads.size(); ++wi) {
    const Workload& w = *workloads[wi].workload;
    const CandidateSet set = options.candidates;
    // The same rollout set-up as the pointwise trainer (a source's own --host included).
    const std::string fleet_policy = options.fleet_policy;
    const SimConfig base = rollout_config(workloads[wi], options.sim, options.hosts, options.overload_limit,
                                          options.seed, [set, fleet_policy]() -> std::unique_ptr<Placer> {
                                            if (!fleet_policy.empty()) return make_placer(fleet_policy);
                                            return std::make_unique<CandidateSetTeacher>("hindsight", set);
                                          });
    result.rollout_host_capacity.push_back(host_capacity_json(w, base));
    const auto validation_from =
        static_cast<std::size_t>(std::floor(static_cast<double>(w.size()) * (1.0 - options.validation_share)));
    for (std::size_t si = 0; si < scales; ++si) {
      SimConfig config = base;
      config.hosts = std::max<std::int32_t>(
          1, static_cast<std::int32_t>(std::ceil(static_cast<double>(base.hosts) * options.fleet_scales[si] - 1e-9)));
      result.rollout_hosts.push_back(config.hosts);
      // Scale 0 keeps the seeds of a single-scale run.
      const std::uint64_t seed_base = options.seed * 7919 + wi * 101 + si * 1009;
      runs.push_back({wi, config, validation_from, seed_base});
      for (int r = 0; r < options.rollouts; ++r) {
        config.seed = seed_base + static_cast<std::uint64_t>(r);
        collect_ranker_rollout(w, config, options.candidates, resources, validation_from, nullptr, data);
        progress.advance();
      }
    }
  }
  RankerFit fit = fit_ranker(data, options, resources, options.seed);
  for (int round = 1; round <= options.dagger; ++round) {
    // DAgger: the ranker places, the teacher labels the states it reaches.
    RankerInfo info;
    info.candidates = options.candidates;
    info.resources = resources;
    const RankerModel actor = RankerModel::from_json(RankerModel::to_json(info, fit.xgboost_model), "dagger ranker");
    for (const Run& run : runs) {
      SimConfig config = run.config;
      config.seed = run.seed_base + 50 + static_cast<std::uint64_t>(round);
      collect_ranker_rollout(*workloads[run.workload].workload, config, options.candidates, resources,
                             run.validation_from, &actor, data);
      progress.advance();
    }
    fit = fit_ranker(data, options, resources, options.seed + static_cast<std::uint64_t>(round));
  }
  progress.done();
  for (const Decision& d : data.decisions) {
    if (!d.informative) continue;
    ++(d.validation ? result.validation_decisions : result.train_decisions);
  }
  result.decisions = data.decisions.size();
  result.prefilter_rule_validation_accuracy = decision_accuracy(data, true, [](const Decision& d) -> std::size_t { return d.p2_pick; });
  result.train_accuracy = fit.train_accuracy;
  result.info.candidates = options.candidates;
  result.info.resources = resources;
  result.info.validation_accuracy = fit.validation_accuracy;
  nlohmann::json specs = nlohmann::json::array();
  for (const auto& w : workloads) specs.push_back(w.spec);
  result.info.training = {{"workloads", specs}, {"seed", options.seed}, {"rollouts", options.rollouts},
                          {"dagger", options.dagger}, {"rounds", options.rounds}, {"depth", options.depth},
                          {"eta", options.eta}, {"overload_limit", options.overload_limit},
                          {"rollout_hosts", result.rollout_hosts}, {"fleet_scales", options.fleet_scales},
                          {"rollout_fleet", options.fleet_policy.empty() ? std::string("teacher") : options.fleet_policy},
                          {"rollout_host_capacity", result.rollout_host_capacity},
                          {"validation_regret", fit.validation_regret}};
  result.xgboost_model = std::move(fit.xgboost_model);
  return result;
}

// The trees of several XGBoost gbtree models in one: the sum of their
// margins, whose order is the order of their mean.
nlohmann::json concatenate_trees(const std::vector<nlohmann::json>& models) {
  nlohmann::json merged = models.front();
  nlohmann::json& model = merged["learner"]["gradient_booster"]["model"];
  for (std::size_t i = 1; i < models.size(); ++i) {
    const nlohmann::json& other = models[i]["learner"]["gradient_booster"]["model"];
    for (const auto& tree : other["trees"]) model["trees"].push_back(tree);
    for (const auto& info : other["tree_info"]) model["tree_info"].push_back(info);
  }
  const std::size_t n = model["trees"].size();
  for (std::size_t t = 0; t < n; ++t) model["trees"][t]["id"] = t;
  model["gbtree_model_param"]["num_trees"] = std::to_string(n);
  if (model.contains("iteration_indptr")) {
    nlohmann::json indptr = nlohmann::json::array();
    for (std::size_t t = 0; t <= n; ++t) indptr.push_back(t);
    model["iteration_indptr"] = indptr;
  }
  return merged;
}

}  // namespace

RankerTrainResult train_ranker(const std::vector<NamedWorkload>& workloads, const RankerTrainOptions& options) {
  check_options(options);
  if (workloads.empty()) throw InputError::field("--workload", "name at least one training workload");
  // Memory features only where every training workload stores memory use.
  DimMask resources = kCpuMem;
  for (const auto& nw : workloads) resources &= usage_resources(*nw.workload);
  Dataset first;
  RankerTrainResult result = train_member(workloads, options, resources, first);
  result.info.training["bag"] = options.bag;
  if (options.bag == 1) return result;
  // A bag: members from other seeds (rollouts, DAgger, subsamples), their
  // trees summed. A single small source's model varies widely with the
  // seed; the sum varies less.
  std::vector<nlohmann::json> models{result.xgboost_model};
  nlohmann::json member_accuracy = nlohmann::json::array({result.info.validation_accuracy});
  for (int b = 1; b < options.bag; ++b) {
    RankerTrainOptions member = options;
    member.seed = options.seed + 1000 * static_cast<std::uint64_t>(b);
    Dataset data;
    RankerTrainResult r = train_member(workloads, member, resources, data);
    member_accuracy.push_back(r.info.validation_accuracy);
    models.push_back(std::move(r.xgboost_model));
  }
  result.xgboost_model = concatenate_trees(models);
  // The bag's accuracy, on the first member's decisions.
  const RankerModel model = RankerModel::from_json(RankerModel::to_json(result.info, result.xgboost_model), "bag");
  auto pick = [&](const Decision& d) {
    return model.best(first.rows.data() + std::size_t{d.first_row} * kNumFeatures, d.count);
  };
  result.train_accuracy = decision_accuracy(first, false, pick);
  result.info.validation_accuracy = decision_accuracy(first, true, pick);
  result.info.training["validation_regret"] = decision_regret(first, true, pick);
  result.info.training["member_validation_accuracy"] = member_accuracy;
  return result;
}

}  // namespace fleetopt::fireplace
