// A flat-array evaluator for tree ensembles trained by XGBoost.
//
// Why our own evaluator: XGBoost's predict goes through a DMatrix and its
// predictor (allocation, thread dispatch), tens of microseconds per call even
// for one row; no library Debian ships evaluates XGBoost trees without
// allocation in well under a microsecond. This reads the model's JSON form
// (XGBoosterSaveModelToBuffer, format "json") into contiguous node arrays and
// walks them with the same comparison XGBoost uses (float feature < float
// threshold goes left; NaN takes the default branch), so it agrees with
// XGBoost's own predictions (tested).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fleetopt::ml {

class TreeEnsemble {
 public:
  // Reads XGBoost's JSON model (learner / gradient_booster "gbtree"; objectives
  // binary:logistic, reg:logistic, reg:squarederror). Throws InputError naming
  // the offending field for anything malformed (`where` prefixes the field).
  static TreeEnsemble from_xgboost_json(const nlohmann::json& model, const std::string& where);

  // Sum of the trees' leaves plus the base margin. `features` holds
  // num_features() values. Allocates nothing.
  float margin(const float* features) const;
  // margin() passed through the objective's link (sigmoid for logistic).
  float predict(const float* features) const;

  std::size_t num_trees() const { return roots_.size(); }
  std::size_t num_nodes() const { return nodes_.size(); }
  int num_features() const { return num_features_; }
  int max_depth() const { return max_depth_; }

 private:
  // 12 bytes: a node's children sit side by side (breadth-first layout), so
  // one index finds both, and more of the ensemble stays in cache.
  struct Node {
    float value;            // split threshold, or the leaf's value
    std::int32_t feature;   // -1 for a leaf
    std::int32_t children;  // (left child's absolute index) << 1 | 1 when NaN goes right
  };
  static constexpr std::size_t kMaxNodes = (std::size_t{1} << 30) - 1;
  std::vector<Node> nodes_;
  std::vector<std::int32_t> roots_;
  float base_margin_ = 0;
  bool logistic_ = false;
  int num_features_ = 0;
  int max_depth_ = 0;
};

}  // namespace fleetopt::ml
