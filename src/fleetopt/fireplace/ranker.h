// FirePlace over a larger candidate set (issue 14): a learned ranker that
// orders the candidates of one decision (XGBoost rank:pairwise, groups =
// decisions), trained to imitate the hindsight teacher over the same
// candidate set, and the teacher itself over such a set.
//
// The ranker reads the same rows as the pointwise model (features.h); the
// relative features (minus the mean over the candidates) keep their meaning
// over M candidates. Its file is one JSON document:
//   {"format": "fleetopt-fireplace-ranker", "version": 1,
//    "objective": "rank:pairwise", "candidate_set": "prefilter=16", "resources": ["cpu"],
//    "features": [...], "windows": [6, 24, 72], "validation_accuracy": 0.6,
//    "training": {...}, "xgboost": {<XGBoost's own JSON model>}}
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/teacher.h"
#include "fleetopt/ml/tree_ensemble.h"
#include "fleetopt/placement/candidate_filter.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {

struct RankerInfo {
  CandidateSet candidates{CandidateSet::Kind::kPrefilter, 16};  // what it was trained over
  double validation_accuracy = 0;
  nlohmann::json training = nlohmann::json::object();
  // Resources whose use the features read (features.h usage_resources): a
  // ranker trained on CPU-only traces never splits on invented memory, and
  // one that read memory is refused on a workload without memory use.
  DimMask resources = kCpuMem;
};

class RankerModel {
 public:
  // Throws InputError naming the field (prefixed by `where`).
  static RankerModel from_json(const nlohmann::json& doc, const std::string& where);
  static RankerModel load(const std::string& path);  // names the file on errors
  // One parsed copy per file and modification time (fleet sizing makes a
  // placer per simulation).
  static std::shared_ptr<const RankerModel> load_shared(const std::string& path);
  static nlohmann::json to_json(const RankerInfo& info, const nlohmann::json& xgboost_model);
  static void save(const std::string& path, const RankerInfo& info, const nlohmann::json& xgboost_model);

  // Ranking score of one row; higher is better. Only the order within a
  // decision means anything.
  float score(const float* row) const { return trees_.margin(row); }
  // Index of the best of k rows (the first on ties). Allocates nothing.
  std::size_t best(const float* rows, std::size_t k) const;

  // Throws InputError naming the model and resource when its features read
  // a resource whose use `workload` does not store.
  void check_workload(const Workload& workload) const;

  const RankerInfo& info() const { return info_; }
  const ml::TreeEnsemble& trees() const { return trees_; }

 private:
  RankerInfo info_;
  std::string source_;
  ml::TreeEnsemble trees_;
};

// `fireplace-rank:MODEL.json[@k=K|all|@prefilter=M]`: the candidate set
// (default: the model's), rows for each, the ranker's best.
class RankerPlacer final : public Placer {
 public:
  RankerPlacer(std::string name, std::shared_ptr<const RankerModel> model, CandidateSet candidates);
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  int history_steps() const override { return kHistorySteps; }
  HistoryWindows history_windows() const override { return feature_history_windows(); }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  std::shared_ptr<const RankerModel> model_;
  CandidateSet set_;
  FeatureBuilder features_;
  const Workload* checked_ = nullptr;  // the workload last checked against the model's resources
  std::vector<std::int32_t> candidates_;
  std::vector<float> rows_;
};

// `hindsight@k=all`, `hindsight@prefilter=M`: the teacher over a candidate
// set other than K samples (the sampled case stays HindsightPlacer, so its
// numbers do not move).
class CandidateSetTeacher final : public Placer {
 public:
  CandidateSetTeacher(std::string name, CandidateSet candidates) : name_(std::move(name)), set_(candidates) {}
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  std::string name() const override { return name_; }

 private:
  std::string name_;
  CandidateSet set_;
  IncrementalTeacher teacher_;
  std::vector<std::int32_t> candidates_;
  std::vector<double> scores_;
};

}  // namespace fleetopt::fireplace
