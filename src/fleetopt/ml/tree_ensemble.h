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
  // out[c] = margin(rows + c * stride) for c < k, the same values bit for
  // bit, computed faster: rows walk each tree together (see below).
  // Allocates nothing.
  void margins(const float* rows, std::size_t k, std::size_t stride, float* out) const;

  std::size_t num_trees() const { return roots_.size(); }
  std::size_t num_nodes() const { return nodes_.size(); }
  int num_features() const { return num_features_; }
  int max_depth() const { return max_depth_; }
  // Whether margins() walks perfect trees (max_depth() <= 8), else margin()
  // row by row.
  bool walks_perfect_trees() const { return !perfect_leaves_.empty(); }

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

  // The same trees padded to perfect trees of depth max_depth_ (a leaf above
  // the bottom is copied down both sides, so either branch reaches its
  // value), built when max_depth_ <= kMaxPerfectDepth. A walk is then
  // max_depth_ comparisons with no leaf test, so a block of rows can walk a
  // tree in lock step and their dependent loads overlap; one row's walk is
  // a chain of loads that waits on itself at every level.
  struct Split {
    float threshold;
    std::int32_t feature;
  };
  static constexpr int kMaxPerfectDepth = 8;
  void build_perfect();
  template <int B>
  void walk_block(const float* rows, std::size_t first, std::size_t k, std::size_t stride, float* out) const;
  std::vector<Split> perfect_splits_;  // 2^D - 1 per tree, breadth first
  std::vector<float> perfect_leaves_;  // 2^D per tree

  std::vector<std::int32_t> roots_;
  float base_margin_ = 0;
  bool logistic_ = false;
  int num_features_ = 0;
  int max_depth_ = 0;
};

}  // namespace fleetopt::ml
