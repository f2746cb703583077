// Training: a rule decided by one feature is learned by every model kind;
// the teacher is imitated on a workload where it is predictable; the time
// split keeps validation decisions out of training; same seed, same model.
#include "fleetopt/fireplace/training.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/fireplace/test_workloads.h"

namespace fleetopt::fireplace {
namespace {

int index_of(const std::string& name) {
  const auto& names = feature_names();
  return static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
}

// Two candidates per decision with random absolute features (relative ones
// derived as FeatureBuilder does); the teacher's score is the absolute feature
// `decisive`, so the label marks the candidate where it is lower.
Dataset one_feature_dataset(std::size_t decisions, std::size_t validation_from, int decisive, bool flip_validation) {
  Rng rng(42);
  Dataset d;
  for (std::size_t i = 0; i < decisions; ++i) {
    Decision dec;
    dec.first_row = static_cast<std::uint32_t>(d.labels.size());
    dec.count = 2;
    dec.vm = static_cast<std::int32_t>(i);
    dec.validation = i >= validation_from;
    dec.informative = true;
    float row[2][kNumFeatures];
    for (auto& r : row) {
      for (int f = 0; f < kAbsoluteFeatures; ++f) r[f] = static_cast<float>(rng.uniform());
    }
    for (int f = 0; f < kHostFeatures; ++f) {
      const float mean = (row[0][f] + row[1][f]) / 2;
      for (auto& r : row) r[kAbsoluteFeatures + f] = r[f] - mean;
    }
    for (auto& r : row) d.rows.insert(d.rows.end(), r, r + kNumFeatures);
    const float x[2] = {row[0][decisive], row[1][decisive]};
    // Flipped: this teacher prefers the higher value.
    const bool flip = flip_validation && dec.validation;
    const float score[2] = {flip ? -x[0] : x[0], flip ? -x[1] : x[1]};
    dec.teacher_pick = score[1] < score[0] ? 1 : 0;
    for (int c = 0; c < 2; ++c) {
      d.labels.push_back(c == dec.teacher_pick ? 1.f : 0.f);
      d.teacher_scores.push_back(score[c]);
    }
    d.decisions.push_back(dec);
  }
  return d;
}

KindParams small_params() {
  KindParams p;
  p.tree_depth = 4;
  p.forest_trees = 20;
  p.forest_depth = 6;
  p.boosted_rounds = 30;
  p.boosted_depth = 3;
  return p;
}

class OneFeatureDecides : public ::testing::TestWithParam<std::string> {};

TEST_P(OneFeatureDecides, EveryKindLearnsIt) {
  Dataset d = one_feature_dataset(1500, 1200, index_of("w24_cpu_p75"), false);
  FittedModel m = fit_model(GetParam(), "pick", d, small_params(), 1);
  EXPECT_GE(m.result.train_accuracy, 0.97);
  EXPECT_GE(m.result.validation_accuracy, 0.97);
  EXPECT_LT(m.result.validation_regret, 0.01);
  // Most trees split first on the decisive feature's relative form, the
  // one that decides the label alone (a forest samples features per split,
  // so not every tree can).
  const auto& trees = m.xgboost_model["learner"]["gradient_booster"]["model"]["trees"];
  int on_feature = 0;
  for (const auto& tree : trees) on_feature += tree["split_indices"][0].get<int>() == index_of("rel_w24_cpu_p75");
  EXPECT_GT(on_feature, static_cast<int>(trees.size()) / 2);
}

INSTANTIATE_TEST_SUITE_P(Kinds, OneFeatureDecides, ::testing::Values("tree", "forest", "boosted"));

TEST(OneFeatureDecidesRegret, RegressionOfTheRegretLearnsItToo) {
  Dataset d = one_feature_dataset(1500, 1200, index_of("w6_mem_mean"), false);
  FittedModel m = fit_model("boosted", "regret", d, small_params(), 1);
  EXPECT_GE(m.result.validation_accuracy, 0.95);
  EXPECT_EQ(m.result.target, "regret");
}

TEST(TimeSplit, ValidationLabelsNeverReachTraining) {
  // Validation labels are the opposite of the rule: a model that had seen
  // them could not be right on training decisions and wrong on these.
  Dataset d = one_feature_dataset(1500, 1200, index_of("w6_cpu_mean"), true);
  FittedModel m = fit_model("tree", "pick", d, small_params(), 1);
  EXPECT_GE(m.result.train_accuracy, 0.95);
  EXPECT_LE(m.result.validation_accuracy, 0.07);
  EXPECT_GT(m.result.validation_regret, 0.2);  // |x0 - x1| of uniform draws averages 1/3
}

TEST(TimeSplit, RolloutMarksTheLastArrivalsAsValidation) {
  Workload w = testing::bursty_workload(150, 3);
  SimConfig config;
  config.hosts = 12;
  RolloutOptions options;
  options.validation_from_vm = 120;
  Dataset data;
  collect_rollout(w, config, options, data);
  ASSERT_GT(data.decisions.size(), 100u);
  std::size_t validation = 0;
  std::int64_t last_train_step = -1, first_validation_step = w.steps();
  for (const Decision& d : data.decisions) {
    EXPECT_EQ(d.validation, d.vm >= 120) << d.vm;
    validation += d.validation;
    const std::int64_t step = w.arrival_step(static_cast<std::size_t>(d.vm));
    if (d.validation) {
      first_validation_step = std::min(first_validation_step, step);
    } else {
      last_train_step = std::max(last_train_step, step);
    }
  }
  EXPECT_GT(validation, 10u);
  // A split by time: no validation VM arrives before a training one.
  EXPECT_LE(last_train_step, first_validation_step);
}

TrainOptions quick_options() {
  TrainOptions o;
  o.params = small_params();
  o.rollouts = 2;
  o.dagger = 1;
  return o;
}

TEST(TrainFireplace, ImitatesAPredictableTeacher) {
  // Constant usage: the teacher's pick is the candidate using less CPU now.
  Workload w = testing::constant_usage_workload(300, 1);
  TrainResult r = train_fireplace({{"constant", &w}}, quick_options());
  EXPECT_GE(r.info.validation_accuracy, 0.9);
  EXPECT_GT(r.validation_decisions, 50u);
  EXPECT_GT(r.train_decisions, 4 * r.validation_decisions / 2);
  EXPECT_EQ(r.samples, 2 * r.train_decisions);
  ASSERT_EQ(r.tried.size(), 6u);  // 3 kinds x 2 targets
  EXPECT_EQ(r.rollout_hosts.size(), 1u);
  // The saved document loads back as a model of the chosen kind.
  FirePlaceModel m = FirePlaceModel::from_json(FirePlaceModel::to_json(r.info, r.xgboost_model), "m");
  EXPECT_EQ(m.info().type, r.info.type);
}

TEST(TrainFireplace, SameSeedSameModel) {
  Workload w = testing::bursty_workload(120, 5);
  TrainOptions o = quick_options();
  o.kinds = {"forest"};
  o.hosts = 10;
  TrainResult a = train_fireplace({{"b", &w}}, o);
  TrainResult b = train_fireplace({{"b", &w}}, o);
  EXPECT_EQ(a.xgboost_model.dump(), b.xgboost_model.dump());
  EXPECT_EQ(a.info.validation_accuracy, b.info.validation_accuracy);
}

TEST(TrainFireplace, EachSourceRollsOutOnItsOwnHost) {
  // The same VMs offered with two default hosts: without --host each source
  // is sized and rolled out on its own, so the bigger host needs fewer.
  Workload small = testing::bursty_workload(200, 7);
  Workload big = small;
  big.default_host = make_resources(32, 128);
  TrainOptions o = quick_options();
  o.kinds = {"tree"};
  o.targets = {"pick"};
  o.rollouts = 1;
  o.dagger = 0;
  TrainResult r = train_fireplace({{"small", &small}, {"big", &big}}, o);
  ASSERT_EQ(r.rollout_hosts.size(), 2u);
  EXPECT_EQ(r.rollout_host_capacity[0]["cpu"], 16);
  EXPECT_EQ(r.rollout_host_capacity[1]["cpu"], 32);
  EXPECT_LT(r.rollout_hosts[1], r.rollout_hosts[0]);
  EXPECT_EQ(r.info.training["rollout_host_capacity"], r.rollout_host_capacity);

  // A source's own host overrides its default; --host (sim.host_capacity)
  // applies to the sources without one.
  o.sim.host_capacity = make_resources(32, 128);
  TrainResult same = train_fireplace({{"small", &small}, {"big", &big}}, o);
  EXPECT_EQ(same.rollout_hosts[0], same.rollout_hosts[1]);
  EXPECT_EQ(same.rollout_host_capacity[0]["cpu"], 32);
  TrainResult own = train_fireplace({{"small", &small, make_resources(16, 64)}, {"big", &big}}, o);
  EXPECT_EQ(own.rollout_hosts[0], r.rollout_hosts[0]);
  EXPECT_EQ(own.rollout_host_capacity[0]["cpu"], 16);
  EXPECT_EQ(own.rollout_host_capacity[1]["cpu"], 32);
}

TEST(TrainFireplace, BadOptionsAreInputErrors) {
  Workload w = testing::bursty_workload(60, 5);
  TrainOptions o = quick_options();
  o.candidates = 1;
  EXPECT_THROW(train_fireplace({{"b", &w}}, o), InputError);
  o = quick_options();
  o.kinds = {"svm"};
  EXPECT_THROW(train_fireplace({{"b", &w}}, o), InputError);
  o = quick_options();
  o.targets = {"rank"};
  EXPECT_THROW(train_fireplace({{"b", &w}}, o), InputError);
  o = quick_options();
  o.validation_share = 1;
  EXPECT_THROW(train_fireplace({{"b", &w}}, o), InputError);
  EXPECT_THROW(train_fireplace({}, quick_options()), InputError);
}

}  // namespace
}  // namespace fleetopt::fireplace
