#include "fleetopt/ml/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"

namespace fleetopt::ml {
namespace {

using nlohmann::json;

const json& member(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) {
    throw InputError::field(where + "." + key, "missing");
  }
  return j.at(key);
}

// XGBoost writes its scalar parameters as strings ("5E-1", "12").
double number_param(const json& j, const std::string& where) {
  double v = 0;
  if (j.is_number()) {
    v = j.get<double>();
  } else if (!j.is_string() || !parse_double(j.get<std::string>(), v)) {
    throw InputError::field(where, "expected a number");
  }
  if (!std::isfinite(v)) throw InputError::field(where, "must be finite");
  return v;
}

template <typename T>
std::vector<T> number_array(const json& j, const std::string& where, std::size_t n) {
  if (!j.is_array() || j.size() != n) {
    throw InputError::field(where, fmt::format("expected an array of {} numbers", n));
  }
  std::vector<T> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const json& x = j[i];
    if (x.is_boolean()) {
      out.push_back(static_cast<T>(x.get<bool>()));
    } else if (x.is_number()) {
      double v = x.get<double>();
      if (!std::isfinite(v)) throw InputError::field(fmt::format("{}[{}]", where, i), "must be finite");
      // Node indices and features: a value past 2^53 (1e300, say) has no
      // integer meaning, and converting it would be undefined.
      if (std::is_integral_v<T> && std::abs(v) > 9007199254740992.0) {
        throw InputError::field(fmt::format("{}[{}]", where, i), fmt::format("{:g} is out of range", v));
      }
      out.push_back(static_cast<T>(v));
    } else {
      throw InputError::field(fmt::format("{}[{}]", where, i), "expected a number");
    }
  }
  return out;
}

}  // namespace

TreeEnsemble TreeEnsemble::from_xgboost_json(const json& model, const std::string& where) {
  TreeEnsemble e;
  const std::string lw = where + ".learner";
  const json& learner = member(model, "learner", where);
  const json& mparam = member(learner, "learner_model_param", lw);
  const double base_score =
      number_param(member(mparam, "base_score", lw + ".learner_model_param"),
                   lw + ".learner_model_param.base_score");
  const double num_feature =
      number_param(member(mparam, "num_feature", lw + ".learner_model_param"),
                   lw + ".learner_model_param.num_feature");
  if (num_feature < 1 || num_feature > 1e6) {
    throw InputError::field(lw + ".learner_model_param.num_feature", "must be in [1, 1e6]");
  }
  e.num_features_ = static_cast<int>(num_feature);

  const json& objective = member(member(learner, "objective", lw), "name", lw + ".objective");
  const std::string obj = objective.is_string() ? objective.get<std::string>() : "";
  if (obj == "binary:logistic" || obj == "reg:logistic") {
    if (!(base_score > 0 && base_score < 1)) {
      throw InputError::field(lw + ".learner_model_param.base_score", "must be in (0, 1) for " + obj);
    }
    e.logistic_ = true;
    e.base_margin_ = static_cast<float>(std::log(base_score / (1 - base_score)));
  } else if (obj == "reg:squarederror") {
    e.base_margin_ = static_cast<float>(base_score);
  } else {
    throw InputError::field(lw + ".objective.name",
                            fmt::format("unsupported objective '{}' (binary:logistic, "
                                        "reg:logistic, reg:squarederror)", obj));
  }

  const std::string bw = lw + ".gradient_booster";
  const json& booster = member(learner, "gradient_booster", lw);
  const json& name = member(booster, "name", bw);
  if (!name.is_string() || name.get<std::string>() != "gbtree") {
    throw InputError::field(bw + ".name", "only the gbtree booster is supported");
  }
  const json& trees = member(member(booster, "model", bw), "trees", bw + ".model");
  if (!trees.is_array() || trees.empty()) throw InputError::field(bw + ".model.trees", "expected a non-empty array");

  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::string tw = fmt::format("{}.model.trees[{}]", bw, t);
    const json& tree = trees[t];
    const double n_nodes_d = number_param(
        member(member(tree, "tree_param", tw), "num_nodes", tw + ".tree_param"), tw + ".tree_param.num_nodes");
    if (n_nodes_d < 1 || n_nodes_d > 1e7) throw InputError::field(tw + ".tree_param.num_nodes", "must be in [1, 1e7]");
    const auto n = static_cast<std::size_t>(n_nodes_d);
    auto left = number_array<std::int64_t>(member(tree, "left_children", tw), tw + ".left_children", n);
    auto right = number_array<std::int64_t>(member(tree, "right_children", tw), tw + ".right_children", n);
    auto feature = number_array<std::int64_t>(member(tree, "split_indices", tw), tw + ".split_indices", n);
    auto cond = number_array<double>(member(tree, "split_conditions", tw), tw + ".split_conditions", n);
    auto dleft = number_array<std::int64_t>(member(tree, "default_left", tw), tw + ".default_left", n);

    // Validate in XGBoost's numbering, then lay the tree out breadth first
    // with each node's two children side by side (one index per node).
    std::vector<int> parents(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string nw = fmt::format("{} node {}", tw, i);
      if (left[i] == -1) {
        if (right[i] != -1) throw InputError::field(nw, "a leaf must have no right child");
        continue;
      }
      // Children always follow their parent in XGBoost's numbering; insisting
      // on it makes every walk terminate.
      auto ok = [&](std::int64_t c) { return c > static_cast<std::int64_t>(i) && c < static_cast<std::int64_t>(n); };
      if (!ok(left[i]) || !ok(right[i])) throw InputError::field(nw, "child index out of range");
      if (feature[i] < 0 || feature[i] >= e.num_features_) {
        throw InputError::field(nw, fmt::format("split feature {} out of range", feature[i]));
      }
      // One parent per node: a shared child would be copied once per path.
      for (std::int64_t c : {left[i], right[i]}) {
        if (++parents[static_cast<std::size_t>(c)] > 1) {
          throw InputError::field(nw, fmt::format("node {} has two parents", c));
        }
      }
    }
    const std::size_t base = e.nodes_.size();
    if (base + n > kMaxNodes) throw InputError::field(tw, fmt::format("more than {} nodes in all", kMaxNodes));
    e.roots_.push_back(static_cast<std::int32_t>(base));
    std::vector<std::size_t> order{0};  // XGBoost's index of each new position
    std::vector<int> depth{0};
    int deepest = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      Node node{};
      node.value = static_cast<float>(cond[i]);
      node.feature = -1;
      if (left[i] != -1) {
        node.feature = static_cast<std::int32_t>(feature[i]);
        const auto first_child = static_cast<std::int32_t>(base + order.size());
        node.children = (first_child << 1) | (dleft[i] != 0 ? 0 : 1);
        order.push_back(static_cast<std::size_t>(left[i]));
        order.push_back(static_cast<std::size_t>(right[i]));
        depth.push_back(depth[k] + 1);
        depth.push_back(depth[k] + 1);
      }
      deepest = std::max(deepest, depth[k]);
      e.nodes_.push_back(node);
    }
    e.max_depth_ = std::max(e.max_depth_, deepest);
  }
  e.build_perfect();
  return e;
}

void TreeEnsemble::build_perfect() {
  perfect_splits_.clear();
  perfect_leaves_.clear();
  if (max_depth_ > kMaxPerfectDepth) return;
  const std::size_t splits = (std::size_t{1} << max_depth_) - 1;
  for (std::int32_t root : roots_) {
    const std::size_t split_base = perfect_splits_.size();
    const std::size_t leaf_base = perfect_leaves_.size();
    perfect_splits_.resize(split_base + splits, Split{0.f, 0});
    perfect_leaves_.resize(leaf_base + splits + 1, 0.f);
    // Position p of the perfect tree (breadth first) holds source node
    // source[p]; a source leaf above the bottom fills both children.
    std::vector<std::int32_t> source{root};
    for (std::size_t p = 0; p < splits; ++p) {
      const Node& node = nodes_[static_cast<std::size_t>(source[p])];
      if (node.feature >= 0) {
        perfect_splits_[split_base + p] = Split{node.value, node.feature};
        const std::int32_t left = node.children >> 1;
        source.push_back(left);
        source.push_back(left + 1);
      } else {
        source.push_back(source[p]);
        source.push_back(source[p]);
      }
    }
    for (std::size_t leaf = 0; leaf <= splits; ++leaf) {
      perfect_leaves_[leaf_base + leaf] = nodes_[static_cast<std::size_t>(source[splits + leaf])].value;
    }
  }
}

float TreeEnsemble::margin(const float* features) const {
  float sum = base_margin_;
  const Node* nodes = nodes_.data();
  for (std::int32_t root : roots_) {
    const Node* node = nodes + root;
    while (node->feature >= 0) {
      const float x = features[node->feature];
      // Left when x < value, right otherwise; NaN takes the default branch.
      const std::int32_t right = std::isnan(x) ? (node->children & 1) : !(x < node->value);
      node = nodes + (node->children >> 1) + right;
    }
    sum += node->value;
  }
  return sum;
}

// B rows (the last one repeated past k) through every perfect tree; the
// comparison is margin()'s for a number, and each row's sum adds the same
// leaves in the same order.
template <int B>
void TreeEnsemble::walk_block(const float* rows, std::size_t first, std::size_t k, std::size_t stride,
                              float* out) const {
  const float* row[B];
  float sum[B];
  for (int b = 0; b < B; ++b) {
    row[b] = rows + std::min(first + static_cast<std::size_t>(b), k - 1) * stride;
    sum[b] = base_margin_;
  }
  const int depth = max_depth_;
  const std::size_t splits = (std::size_t{1} << depth) - 1;
  const Split* split = perfect_splits_.data();
  const float* leaf = perfect_leaves_.data();
  for (std::size_t t = 0; t < roots_.size(); ++t, split += splits, leaf += splits + 1) {
    std::uint32_t at[B] = {};
    for (int d = 0; d < depth; ++d) {
      for (int b = 0; b < B; ++b) {
        const Split& s = split[at[b]];
        at[b] = 2 * at[b] + 1 + static_cast<std::uint32_t>(!(row[b][s.feature] < s.threshold));
      }
    }
    for (int b = 0; b < B; ++b) sum[b] += leaf[at[b] - splits];
  }
  const std::size_t n = std::min<std::size_t>(B, k - first);
  for (std::size_t b = 0; b < n; ++b) out[first + b] = sum[b];
}

void TreeEnsemble::margins(const float* rows, std::size_t k, std::size_t stride, float* out) const {
  // NaN takes a per-node default branch that the perfect trees do not keep.
  // (x != x) without an early exit lets the check vectorise.
  bool any_nan = perfect_leaves_.empty();
  for (std::size_t c = 0; c < k; ++c) {
    const float* row = rows + c * stride;
    int nan = 0;
    for (int f = 0; f < num_features_; ++f) nan |= row[f] != row[f];
    any_nan |= nan != 0;
  }
  if (any_nan) {
    for (std::size_t c = 0; c < k; ++c) out[c] = margin(rows + c * stride);
    return;
  }
  for (std::size_t c = 0; c < k;) {
    const std::size_t left = k - c;
    if (left > 4) {
      walk_block<8>(rows, c, k, stride, out);
    } else if (left > 2) {
      walk_block<4>(rows, c, k, stride, out);
    } else {
      walk_block<2>(rows, c, k, stride, out);
    }
    c += std::min<std::size_t>(left, left > 4 ? 8 : left > 2 ? 4 : 2);
  }
}

float TreeEnsemble::predict(const float* features) const {
  const float m = margin(features);
  return logistic_ ? 1.0f / (1.0f + std::exp(-m)) : m;
}

}  // namespace fleetopt::ml
