// The flat evaluator must agree with XGBoost's own predictions for every
// ensemble type FirePlace trains, and reject malformed model files.
#include "fleetopt/ml/tree_ensemble.h"

#include <cstring>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/ml/xgboost_booster.h"

namespace fleetopt::ml {
namespace {

// label = (x0 > 0.5) xor (x1 > 0.7), with noise features and a few NaNs.
DenseData make_data(std::size_t rows, std::uint64_t seed, bool with_nan) {
  Rng rng(seed);
  DenseData d;
  d.cols = 5;
  for (std::size_t r = 0; r < rows; ++r) {
    float x[5];
    for (float& v : x) v = static_cast<float>(rng.uniform());
    bool label = (x[0] > 0.5f) != (x[1] > 0.7f);
    if (with_nan && r % 17 == 0) x[2] = std::numeric_limits<float>::quiet_NaN();
    d.values.insert(d.values.end(), x, x + 5);
    d.labels.push_back(label ? 1.f : 0.f);
  }
  return d;
}

BoosterParams params(const std::string& kind) {
  BoosterParams p;
  p.params = {{"objective", "binary:logistic"}, {"seed", "7"}, {"nthread", "1"}, {"tree_method", "hist"}};
  if (kind == "tree") {
    p.params.push_back({"max_depth", "4"});
    p.params.push_back({"eta", "1"});
    p.rounds = 1;
  } else if (kind == "forest") {
    p.params.insert(p.params.end(), {{"max_depth", "5"}, {"eta", "1"}, {"num_parallel_tree", "8"},
                                     {"subsample", "0.8"}, {"colsample_bynode", "0.8"}});
    p.rounds = 1;
  } else {
    p.params.insert(p.params.end(), {{"max_depth", "3"}, {"eta", "0.3"}});
    p.rounds = 12;
  }
  return p;
}

class AgreesWithXgboost : public ::testing::TestWithParam<std::string> {};

TEST_P(AgreesWithXgboost, OnFreshData) {
  DenseData train = make_data(2000, 1, true);
  Booster booster = Booster::train(train, params(GetParam()));
  auto model = nlohmann::json::parse(booster.save_json());
  TreeEnsemble e = TreeEnsemble::from_xgboost_json(model, "model");
  EXPECT_EQ(e.num_features(), 5);

  DenseData test = make_data(500, 2, true);
  auto prob = booster.predict(test.values.data(), test.rows(), test.cols);
  auto margin = booster.predict(test.values.data(), test.rows(), test.cols, true);
  ASSERT_EQ(prob.size(), test.rows());
  int correct = 0;
  for (std::size_t r = 0; r < test.rows(); ++r) {
    const float* x = test.values.data() + r * test.cols;
    EXPECT_NEAR(e.margin(x), margin[r], 1e-4f) << "row " << r;
    EXPECT_NEAR(e.predict(x), prob[r], 1e-5f) << "row " << r;
    correct += (e.predict(x) > 0.5f) == (test.labels[r] > 0.5f);
  }
  // The XOR rule is learnable by every ensemble type at these depths.
  EXPECT_GT(correct, 450);
}

INSTANTIATE_TEST_SUITE_P(Kinds, AgreesWithXgboost, ::testing::Values("tree", "forest", "boosted"));

// margins() must give margin()'s values bit for bit: over every block size
// and remainder (k = 1..19), with a stride wider than a row, for shallow
// trees (perfect-tree walk), a deep one (row by row) and rows with NaN.
void expect_margins_match(const TreeEnsemble& e, const DenseData& data) {
  const std::size_t stride = data.cols + 3;
  std::vector<float> rows;
  for (std::size_t r = 0; r < data.rows(); ++r) {
    rows.insert(rows.end(), data.values.begin() + static_cast<std::ptrdiff_t>(r * data.cols),
                data.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * data.cols));
    rows.insert(rows.end(), {1e30f, -1e30f, 7.f});  // padding the walk must never read
  }
  for (std::size_t k = 1; k <= 19; ++k) {
    for (std::size_t first = 0; first + k <= data.rows(); first += 37) {
      std::vector<float> out(k, -99.f);
      e.margins(rows.data() + first * stride, k, stride, out.data());
      for (std::size_t c = 0; c < k; ++c) {
        const float expected = e.margin(rows.data() + (first + c) * stride);
        ASSERT_EQ(std::memcmp(&out[c], &expected, sizeof(float)), 0)
            << "k " << k << " row " << first + c << ": " << out[c] << " vs " << expected;
      }
    }
  }
}

TEST(TreeEnsembleMargins, MatchMarginBitForBit) {
  DenseData train = make_data(3000, 3, true);
  DenseData clean = make_data(300, 4, false), with_nan = make_data(300, 5, true);
  for (const char* kind : {"tree", "forest", "boosted"}) {
    SCOPED_TRACE(kind);
    TreeEnsemble e = TreeEnsemble::from_xgboost_json(nlohmann::json::parse(Booster::train(train, params(kind)).save_json()), "m");
    EXPECT_TRUE(e.walks_perfect_trees());
    expect_margins_match(e, clean);
    expect_margins_match(e, with_nan);
  }
  // Random targets keep every split worth making, down to depth 12.
  Rng rng(6);
  for (float& label : train.labels) label = static_cast<float>(rng.uniform());
  BoosterParams deep;
  deep.params = {{"objective", "reg:squarederror"}, {"seed", "7"}, {"nthread", "1"}, {"tree_method", "hist"},
                 {"max_depth", "12"}, {"min_child_weight", "0"}, {"eta", "0.5"}};
  deep.rounds = 3;
  TreeEnsemble e = TreeEnsemble::from_xgboost_json(nlohmann::json::parse(Booster::train(train, deep).save_json()), "m");
  ASSERT_GT(e.max_depth(), 8);
  EXPECT_FALSE(e.walks_perfect_trees());
  expect_margins_match(e, clean);
}

TEST(Booster, SameSeedSameModel) {
  DenseData train = make_data(1000, 3, false);
  std::string a = Booster::train(train, params("forest")).save_json();
  std::string b = Booster::train(train, params("forest")).save_json();
  EXPECT_EQ(a, b);
}

TEST(Booster, JsonRoundTripPredictsTheSame) {
  DenseData train = make_data(1000, 4, false);
  Booster booster = Booster::train(train, params("boosted"));
  Booster copy = Booster::load_json(booster.save_json());
  auto p1 = booster.predict(train.values.data(), 50, train.cols);
  auto p2 = copy.predict(train.values.data(), 50, train.cols);
  EXPECT_EQ(p1, p2);
}

TEST(Booster, BadInputThrows) {
  DenseData empty;
  empty.cols = 3;
  EXPECT_THROW(Booster::train(empty, params("tree")), std::invalid_argument);
  DenseData d = make_data(10, 1, false);
  d.labels.pop_back();
  EXPECT_THROW(Booster::train(d, params("tree")), std::invalid_argument);
  BoosterParams bad = params("tree");
  bad.params.push_back({"objective", "no:such:objective"});
  EXPECT_THROW(Booster::train(make_data(10, 1, false), bad), std::runtime_error);
  EXPECT_THROW(Booster::load_json("{\"learner\": 3"), std::runtime_error);
}

class MalformedModel : public ::testing::Test {
 protected:
  void SetUp() override {
    Booster booster = Booster::train(make_data(500, 5, false), params("tree"));
    model_ = nlohmann::json::parse(booster.save_json());
  }
  nlohmann::json& tree() { return model_["learner"]["gradient_booster"]["model"]["trees"][0]; }
  std::string error() {
    try {
      TreeEnsemble::from_xgboost_json(model_, "m.json");
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  nlohmann::json model_;
};

TEST_F(MalformedModel, MissingTrees) {
  model_["learner"]["gradient_booster"]["model"].erase("trees");
  EXPECT_NE(error().find("m.json.learner.gradient_booster.model.trees"), std::string::npos) << error();
}

TEST_F(MalformedModel, ChildOutOfRange) {
  tree()["left_children"][0] = 100000;
  EXPECT_NE(error().find("child index out of range"), std::string::npos) << error();
}

TEST_F(MalformedModel, CycleIsRejected) {
  tree()["left_children"][0] = 0;
  EXPECT_NE(error().find("child index out of range"), std::string::npos) << error();
}

// A child shared by two parents would be copied once per path when the tree
// is laid out (2^depth copies for a chain of shared children).
TEST_F(MalformedModel, SharedChildIsRejected) {
  ASSERT_NE(tree()["left_children"][0], -1);
  tree()["right_children"][0] = tree()["left_children"][0];
  EXPECT_NE(error().find("has two parents"), std::string::npos) << error();
}

TEST_F(MalformedModel, ShortArray) {
  tree()["split_conditions"].erase(0);
  EXPECT_NE(error().find("split_conditions"), std::string::npos) << error();
}

// Found by fuzz_fireplace_model (fuzz/regressions/fireplace_model/): a huge
// index was converted to an integer (undefined behaviour) before any check.
TEST_F(MalformedModel, HugeIndexIsRejected) {
  tree()["left_children"][0] = 1e300;
  EXPECT_NE(error().find("left_children[0]: 1e+300 is out of range"), std::string::npos) << error();
  tree()["left_children"][0] = 1;
  tree()["split_indices"][0] = -1e19;
  EXPECT_NE(error().find("split_indices[0]"), std::string::npos) << error();
}

TEST_F(MalformedModel, FeatureOutOfRange) {
  tree()["split_indices"][0] = 99;
  EXPECT_NE(error().find("split feature 99 out of range"), std::string::npos) << error();
}

TEST_F(MalformedModel, UnsupportedObjective) {
  model_["learner"]["objective"]["name"] = "multi:softmax";
  EXPECT_NE(error().find("unsupported objective"), std::string::npos) << error();
}

TEST_F(MalformedModel, BaseScoreNotANumber) {
  model_["learner"]["learner_model_param"]["base_score"] = "abc";
  EXPECT_NE(error().find("base_score"), std::string::npos) << error();
}

}  // namespace
}  // namespace fleetopt::ml
