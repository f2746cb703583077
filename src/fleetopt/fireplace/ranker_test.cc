// The FirePlace ranker: trained on one seeded workload, it must pick the
// teacher's host on a hand-made fleet; its file round-trips; bad specs and
// files are refused naming the option or field.
#include "fleetopt/fireplace/ranker.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/fireplace/ranker_training.h"
#include "fleetopt/fireplace/test_workloads.h"
#include "fleetopt/placement/host_history.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/sim/fleet_sizing.h"

namespace fleetopt::fireplace {
namespace {

const std::string& ranker_path() {
  static const std::string path = [] {
    Workload w = testing::constant_usage_workload(480, 1);
    RankerTrainOptions o;
    o.candidates = {CandidateSet::Kind::kAll, 0};
    o.hosts = 8;
    o.rollouts = 3;
    o.dagger = 0;
    o.rounds = 40;
    o.sim.overcommit = make_resources(1000, 1000);
    RankerTrainResult r = train_ranker({{"constant", &w}}, o);
    // One scratch folder per process (ctest runs each case as its own
    // process, in parallel), kept until the process ends.
    static const ScratchDir scratch("ranker_test");
    std::string p = scratch.path("ranker.json");
    RankerModel::save(p, r.info, r.xgboost_model);
    return p;
  }();
  return path;
}

std::string error_of(const std::string& spec) {
  try {
    make_placer(spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Eight hosts of 16 cores at step 100: each runs eight VMs of 2 cores
// using half of it, except `light`, which runs three; history = that
// constant use. The new VM (2 cores, half used) is best placed on `light`,
// by the teacher and by any sensible reading of the rows.
Workload hand_workload(std::int32_t light) {
  Workload w;
  w.name = "hand";
  w.step_seconds = 300;
  w.dims = dim_bit(kCpu);
  w.default_host = make_resources(16, 64);
  const std::int32_t shape = w.add_shape(dim_bit(kCpu), {{0.5f}});
  std::int32_t n = 0;
  for (std::int32_t h = 0; h < 8; ++h) n += h == light ? 3 : 8;
  for (std::int32_t i = 0; i <= n; ++i) {
    Instance inst;
    inst.arrival = i < n ? static_cast<double>(i) * w.step_seconds : 100.0 * w.step_seconds;
    inst.departure = 200.0 * w.step_seconds;
    inst.request = make_resources(2, 1);
    inst.shape = shape;
    w.instances.push_back(inst);
    w.ids.push_back("vm" + std::to_string(i));
    w.tags.emplace_back();
  }
  w.end = 200.0 * w.step_seconds;
  return w;
}

struct HandFleet {
  Workload w;
  ClusterState cluster;
  HostHistory history{8, kHistorySteps};
  std::int32_t new_vm = 0;
  explicit HandFleet(std::int32_t light)
      : w(hand_workload(light)),
        cluster(std::vector<Resources>(8, w.default_host), make_resources(1000, 1000), w.dims, w.size()) {
    new_vm = static_cast<std::int32_t>(w.size()) - 1;
    std::int32_t vm = 0;
    for (std::int32_t h = 0; h < 8; ++h) {
      for (int j = 0; j < (h == light ? 3 : 8); ++j, ++vm) {
        cluster.place(vm, h, w.instances[static_cast<std::size_t>(vm)].request);
        cluster.mutable_used(h) += make_resources(1, 1);  // half of 2 cores; memory at the request
      }
    }
    cluster.clear_pending();
    for (std::int32_t h = 0; h < 8; ++h) {
      for (int t = 0; t < kHistorySteps; ++t) {
        history.push(h, static_cast<float>(cluster.used(h)[kCpu] / 16), static_cast<float>(cluster.used(h)[kMem] / 64));
      }
    }
  }
  PlacementContext ctx() const {
    return {cluster, w, &history, new_vm, 100, w.instances[static_cast<std::size_t>(new_vm)].request};
  }
};

TEST(FirePlaceRanker, PicksTheTeachersHostOnAHandMadeFleet) {
  for (std::int32_t light : {5, 2}) {
    HandFleet f(light);
    std::vector<std::int32_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
    std::vector<double> scores;
    HindsightTeacher teacher;
    const auto teacher_pick = all[teacher.pick(f.cluster, f.w, f.new_vm, 100, all, scores)];
    ASSERT_EQ(teacher_pick, light) << "the hand-made case must make the light host the teacher's choice";
    auto placer = make_placer("fireplace-rank:" + ranker_path() + "@k=all");
    Rng rng(1);
    EXPECT_EQ(placer->choose(f.ctx(), rng), teacher_pick) << "light host " << light;
  }
}

TEST(FirePlaceRanker, TeacherOverEveryHostNeedsNoMoreServersThanOverTwo) {
  Workload w = testing::bursty_workload(300, 4);
  SimConfig base;
  base.overcommit = make_resources(1000, 1000);
  auto servers = [&](const std::string& spec) {
    auto r = size_fleet(w, [&] { return make_placer(spec); }, base, SizingOptions{});
    EXPECT_TRUE(r.found) << spec;
    return r.servers_needed;
  };
  const int k2 = servers("hindsight");
  EXPECT_LT(servers("hindsight@k=all"), k2);
  EXPECT_LT(servers("hindsight@prefilter=8"), k2);
}

TEST(FirePlaceRanker, GradesRankTheTeachersBestHighest) {
  // Twelve candidates: the two tied best get 3; ranks 2 (under 12/4 = 3)
  // get 2; ranks 3-5 (under 12/2) get 1; the rest 0.
  EXPECT_EQ(relevance_grades({0.5, 0.2, 0.9, 0.2, 0.4, 0.6, 0.7, 0.8, 1.0, 1.1, 1.2, 0.45}),
            (std::vector<float>{1, 3, 0, 3, 2, 1, 0, 0, 0, 0, 0, 1}));
}

TEST(FirePlaceRanker, FileRoundTripAndCandidateSetDefault) {
  RankerModel a = RankerModel::load(ranker_path());
  auto b = RankerModel::load_shared(ranker_path());
  EXPECT_EQ(b.get(), RankerModel::load_shared(ranker_path()).get());
  EXPECT_EQ(a.info().candidates.describe(), "all");
  std::vector<float> row(kNumFeatures, 0.25f);
  EXPECT_EQ(a.score(row.data()), b->score(row.data()));
  EXPECT_EQ(make_placer("fireplace-rank:" + ranker_path())->name(), "fireplace-rank:" + ranker_path());
}

TEST(FirePlaceRanker, BadSpecsAndFilesAreRefused) {
  EXPECT_NE(error_of("fireplace-rank").find("needs a model file"), std::string::npos);
  EXPECT_NE(error_of("fireplace-rank:/no/such.json").find("/no/such.json"), std::string::npos);
  EXPECT_NE(error_of("fireplace-rank:" + ranker_path() + "@prefilter=0").find("option prefilter"), std::string::npos);
  EXPECT_NE(error_of("fireplace-rank:" + ranker_path() + "@k=2@prefilter=4").find("option k"), std::string::npos);
  EXPECT_NE(error_of("fireplace-rank:" + ranker_path() + "@top=3").find("unknown option 'top'"), std::string::npos);
  EXPECT_NE(error_of("hindsight@k=many").find("option k"), std::string::npos);
  EXPECT_NE(error_of("hindsight@prefilter=x").find("option prefilter"), std::string::npos);
  // A pointwise model is not a ranker, and a ranker with another objective is refused.
  std::ifstream in(ranker_path());
  auto doc = nlohmann::json::parse(in);
  auto wrong = doc;
  wrong["format"] = "fleetopt-fireplace";
  EXPECT_THROW(RankerModel::from_json(wrong, "m"), InputError);
  wrong = doc;
  wrong["xgboost"]["learner"]["objective"]["name"] = "binary:logistic";
  try {
    RankerModel::from_json(wrong, "m");
    ADD_FAILURE() << "accepted a non-ranking objective";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("m.xgboost.learner.objective.name"), std::string::npos) << e.what();
  }
  wrong = doc;
  wrong["candidate_set"] = "top=3";
  EXPECT_THROW(RankerModel::from_json(wrong, "m"), InputError);
}

TEST(FirePlaceRanker, RecordsItsResourcesAndRefusesAWorkloadWithoutThem) {
  RankerModel cpu_only = RankerModel::load(ranker_path());
  EXPECT_EQ(cpu_only.info().resources, dim_bit(kCpu));  // trained on a CPU-only workload
  std::ifstream in(ranker_path());
  auto doc = nlohmann::json::parse(in);
  doc["resources"] = {"cpu", "mem"};
  RankerModel with_mem = RankerModel::from_json(doc, "mem_ranker.json");
  Workload cpu_workload = testing::constant_usage_workload(20, 3);
  EXPECT_NO_THROW(cpu_only.check_workload(cpu_workload));
  try {
    with_mem.check_workload(cpu_workload);
    ADD_FAILURE() << "a memory ranker accepted a CPU-only workload";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mem_ranker.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mem"), std::string::npos) << e.what();
  }
  doc["resources"] = {"gpu"};
  EXPECT_THROW(RankerModel::from_json(doc, "m"), InputError);
}

TEST(FirePlaceRanker, TrainingOptionsAreChecked) {
  Workload w = testing::constant_usage_workload(50, 1);
  RankerTrainOptions o;
  o.hosts = 4;
  o.rounds = 0;
  try {
    train_ranker({{"w", &w}}, o);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--rounds"), std::string::npos) << e.what();
  }
  o.rounds = 5;
  o.candidates = {CandidateSet::Kind::kPrefilter, 1};
  EXPECT_THROW(train_ranker({{"w", &w}}, o), InputError);
  o.candidates = {CandidateSet::Kind::kPrefilter, 4};
  o.bag = 0;
  EXPECT_THROW(train_ranker({{"w", &w}}, o), InputError);
  o.bag = 1;
  o.fleet_scales = {};
  EXPECT_THROW(train_ranker({{"w", &w}}, o), InputError);
  o.fleet_scales = {1, 0};
  EXPECT_THROW(train_ranker({{"w", &w}}, o), InputError);
}

RankerTrainOptions small_options() {
  RankerTrainOptions o;
  o.candidates = {CandidateSet::Kind::kPrefilter, 4};
  o.hosts = 8;
  o.rollouts = 1;
  o.dagger = 1;
  o.rounds = 4;
  o.sim.overcommit = make_resources(1000, 1000);
  return o;
}

nlohmann::json trees_of(const nlohmann::json& xgboost_model) {
  return xgboost_model["learner"]["gradient_booster"]["model"]["trees"];
}

TEST(FirePlaceRanker, ABagSumsTheTreesOfItsMembers) {
  Workload w = testing::constant_usage_workload(240, 5);
  RankerTrainOptions o = small_options();
  const RankerTrainResult one = train_ranker({{"w", &w}}, o);
  o.seed = 1001;  // the bag's second member
  const RankerTrainResult second = train_ranker({{"w", &w}}, o);
  o.seed = 1;
  o.bag = 2;
  const RankerTrainResult bag = train_ranker({{"w", &w}}, o);
  const nlohmann::json trees = trees_of(bag.xgboost_model);
  ASSERT_EQ(trees.size(), 8u);
  ASSERT_EQ(bag.xgboost_model["learner"]["gradient_booster"]["model"]["tree_info"].size(), 8u);
  for (std::size_t t = 0; t < 4; ++t) {
    nlohmann::json a = trees[t], b = trees[t + 4], first = trees_of(one.xgboost_model)[t],
                   other = trees_of(second.xgboost_model)[t];
    EXPECT_EQ(a["id"], t);
    EXPECT_EQ(b["id"], t + 4);
    for (auto* j : {&a, &b, &first, &other}) j->erase("id");
    EXPECT_EQ(a, first) << "tree " << t;
    EXPECT_EQ(b, other) << "tree " << t;
  }
  // The saved bag loads and scores as the sum of its members.
  const RankerModel m = RankerModel::from_json(RankerModel::to_json(bag.info, bag.xgboost_model), "bag");
  const RankerModel m1 = RankerModel::from_json(RankerModel::to_json(one.info, one.xgboost_model), "one");
  const RankerModel m2 = RankerModel::from_json(RankerModel::to_json(second.info, second.xgboost_model), "two");
  // Differences of two rows: the base margin cancels, the leaves add up.
  std::vector<float> r1(kNumFeatures), r2(kNumFeatures);
  for (std::size_t f = 0; f < kNumFeatures; ++f) {
    r1[f] = 0.1f * static_cast<float>(f % 7);
    r2[f] = 0.05f * static_cast<float>(f % 11);
  }
  auto diff = [&](const RankerModel& model) { return model.score(r1.data()) - model.score(r2.data()); };
  EXPECT_NEAR(diff(m), diff(m1) + diff(m2), 1e-4);
  EXPECT_EQ(bag.info.training["bag"], 2);
  EXPECT_EQ(bag.info.training["member_validation_accuracy"].size(), 2u);
}

TEST(FirePlaceRanker, FleetScalesRollOutOnScaledFleets) {
  Workload w = testing::constant_usage_workload(240, 5);
  RankerTrainOptions o = small_options();
  o.dagger = 0;
  o.fleet_scales = {1, 1.5, 2};
  const RankerTrainResult r = train_ranker({{"w", &w}}, o);
  EXPECT_EQ(r.rollout_hosts, (std::vector<std::int32_t>{8, 12, 16}));
  // More fleets, more decisions than the single fleet.
  o.fleet_scales = {1};
  EXPECT_GT(r.decisions, train_ranker({{"w", &w}}, o).decisions);
}

TEST(FirePlaceRanker, RolloutFleetCanBeSizedByThePolicyToBeat) {
  Workload w = testing::constant_usage_workload(240, 5);
  RankerTrainOptions o = small_options();
  o.hosts = 0;
  o.dagger = 0;
  const RankerTrainResult by_teacher = train_ranker({{"w", &w}}, o);
  o.fleet_policy = "p2";
  const RankerTrainResult by_p2 = train_ranker({{"w", &w}}, o);
  // The fleet p2 needs on the training workload, sized as the trainer does.
  SimConfig config = workload_config({"w", &w}, o.sim);
  config.record_latency = false;
  config.seed = o.seed;
  SizingOptions sizing;
  sizing.overload_limit = o.overload_limit;
  const SizingResult p2 = size_fleet(w, [] { return make_placer("p2"); }, config, sizing);
  ASSERT_TRUE(p2.found);
  EXPECT_EQ(by_p2.rollout_hosts, (std::vector<std::int32_t>{p2.servers_needed}));
  // The hindsight teacher needs fewer hosts than p2 here, so the option
  // changes where the rollouts run.
  ASSERT_EQ(by_teacher.rollout_hosts.size(), 1u);
  EXPECT_LT(by_teacher.rollout_hosts[0], p2.servers_needed);
  EXPECT_EQ(by_p2.info.training["rollout_fleet"], "p2");
  EXPECT_EQ(by_teacher.info.training["rollout_fleet"], "teacher");
  o.fleet_policy = "no-such-policy";
  try {
    train_ranker({{"w", &w}}, o);
    ADD_FAILURE() << "an unknown policy was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--rollout-fleet"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fleetopt::fireplace
