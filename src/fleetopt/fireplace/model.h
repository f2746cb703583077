// A trained FirePlace model: the tree ensemble that scores one candidate row
// (features.h), and what it was trained for. The file is one JSON document:
//   {"format": "fleetopt-fireplace", "version": 1, "model": "forest",
//    "target": "pick", "candidates": 2, "resources": ["cpu"], "features": [...names...],
//    "windows": [6, 24, 72],
//    "validation_accuracy": 0.83, "training": {...}, "xgboost": {<XGBoost's
//    own JSON model>}}
// so XGBoost can reload the ensemble itself, and a model built for another
// feature set is refused rather than silently misread. "resources" are the
// resources whose use the features read (features.h, usage_resources): a
// model that read memory is refused on a workload that stores no memory use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetopt/core/resources.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/ml/tree_ensemble.h"

namespace fleetopt::fireplace {

struct ModelInfo {
  std::string type;  // tree | forest | boosted
  // pick: a classifier of the teacher's pick (the paper's; highest score
  // wins); regret: a regression of the teacher's regret, score minus the
  // best candidate's (lowest prediction wins).
  std::string target = "pick";
  int candidates = 2;
  double validation_accuracy = 0;
  nlohmann::json training = nlohmann::json::object();  // how it was made
  DimMask resources = kCpuMem;  // dim_bit(kCpu) or kCpuMem (usage_resources)
};

class FirePlaceModel {
 public:
  // Throws InputError naming the field (prefixed by `where`).
  static FirePlaceModel from_json(const nlohmann::json& doc, const std::string& where);
  // Throws InputError naming the file (missing, truncated, wrong format).
  static FirePlaceModel load(const std::string& path);
  // One parsed copy per file (keyed by path and modification time), shared by
  // the placers that fleet sizing creates for every simulation.
  static std::shared_ptr<const FirePlaceModel> load_shared(const std::string& path);

  static nlohmann::json to_json(const ModelInfo& info, const nlohmann::json& xgboost_model);
  static void save(const std::string& path, const ModelInfo& info, const nlohmann::json& xgboost_model);

  // Score of one candidate row, higher is better (a regret model's
  // prediction is negated).
  float score(const float* row) const { return regret_ ? -trees_.margin(row) : trees_.margin(row); }
  // Index of the best of k rows (the first on ties). Allocates nothing.
  std::size_t best(const float* rows, std::size_t k) const;

  // Throws InputError naming the model file and the resource when the
  // model's features read a resource whose use `workload` does not store
  // (a model trained with memory, on a CPU-only trace).
  void check_workload(const Workload& workload) const;

  const ModelInfo& info() const { return info_; }
  // The file (or `where`) the model was read from, for messages.
  const std::string& source() const { return source_; }
  const ml::TreeEnsemble& trees() const { return trees_; }

 private:
  ModelInfo info_;
  std::string source_;
  ml::TreeEnsemble trees_;
  bool regret_ = false;
};

}  // namespace fleetopt::fireplace
