// The resources a FirePlace model was trained with: a CPU-only workload
// (memory used at its request, the request invented by the reader) trains a
// model that cannot split on memory, a model that read memory is refused on
// such a workload, and a CPU-only model decides alike on a workload read
// natively and through the canonical format.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/model.h"
#include "fleetopt/fireplace/placers.h"
#include "fleetopt/fireplace/test_workloads.h"
#include "fleetopt/fireplace/training.h"
#include "fleetopt/trace/canonical.h"

namespace fleetopt::fireplace {
namespace {

// Like PlanetLab: shapes store CPU only, the workload simulates CPU only,
// and memory requests are drawn by "the reader". They are drawn larger for
// busier VMs, so a model allowed to read memory has a reason to split on it.
Workload cpu_only_workload(std::size_t vms, std::uint64_t seed) {
  Rng rng(seed);
  Workload w;
  w.name = "cpu-only";
  w.step_seconds = 300;
  w.dims = dim_bit(kCpu);
  w.default_host = make_resources(16, 64);
  for (std::size_t i = 0; i < vms; ++i) {
    const int period = 6 + static_cast<int>(rng.below(30));
    const double base = rng.uniform(0.05, 0.5);
    const double amp = rng.uniform(0.0, 0.5);
    std::vector<float> cpu(static_cast<std::size_t>(period * 4));
    for (std::size_t t = 0; t < cpu.size(); ++t) {
      const bool burst = static_cast<int>(t % static_cast<std::size_t>(period)) < period / 3;
      cpu[t] = static_cast<float>(std::min(1.0, base + (burst ? amp : 0.0) + 0.05 * rng.uniform()));
    }
    Instance inst;
    inst.arrival = static_cast<double>(i / 3) * w.step_seconds;
    inst.departure = inst.arrival + static_cast<double>(10 + rng.below(50)) * w.step_seconds;
    inst.request = make_resources(1.0 + static_cast<double>(rng.below(4)), 1.0 + 16.0 * (base + amp / 3));
    inst.shape = w.add_shape(dim_bit(kCpu), {cpu});
    inst.phase = static_cast<std::uint32_t>(rng.below(cpu.size()));
    w.instances.push_back(inst);
    w.ids.push_back("vm" + std::to_string(i));
    w.tags.emplace_back();
    w.end = std::max(w.end, inst.departure);
  }
  return w;
}

bool reads_memory(const std::string& feature) { return feature.find("mem") != std::string::npos; }

// Names of the features the ensemble splits on (inner nodes only: a leaf's
// split index is a placeholder).
std::set<std::string> split_features(const nlohmann::json& xgboost_model) {
  std::set<std::string> used;
  for (const auto& tree : xgboost_model["learner"]["gradient_booster"]["model"]["trees"]) {
    const auto& left = tree["left_children"];
    const auto& index = tree["split_indices"];
    for (std::size_t n = 0; n < left.size(); ++n) {
      if (left[n].get<int>() >= 0) used.insert(feature_names()[index[n].get<std::size_t>()]);
    }
  }
  return used;
}

KindParams small_params() {
  KindParams p;
  p.tree_depth = 6;
  p.forest_trees = 20;
  p.boosted_rounds = 30;
  return p;
}

TEST(ModelResources, WorkloadResourcesAreWhatItsShapesStore) {
  EXPECT_EQ(usage_resources(cpu_only_workload(20, 1)), dim_bit(kCpu));
  EXPECT_EQ(usage_resources(testing::bursty_workload(20, 1)), kCpuMem);
  // Memory as a dimension but no shape storing it: used at the request.
  Workload mem_at_request = cpu_only_workload(20, 1);
  mem_at_request.dims = kCpuMem;
  EXPECT_EQ(usage_resources(mem_at_request), dim_bit(kCpu));
  // No shapes at all (the decision service: usage is reported, not replayed).
  Workload live;
  live.dims = kCpuMem;
  EXPECT_EQ(usage_resources(live), kCpuMem);
  live.dims = dim_bit(kCpu);
  EXPECT_EQ(usage_resources(live), dim_bit(kCpu));
  EXPECT_EQ(resource_names(dim_bit(kCpu)), std::vector<std::string>{"cpu"});
  EXPECT_EQ(resource_names(kCpuMem), (std::vector<std::string>{"cpu", "mem"}));
}

TEST(ModelResources, CpuOnlyFeaturesHaveNoMemory) {
  Workload w = cpu_only_workload(300, 2);
  SimConfig config;
  config.hosts = 20;
  for (DimMask resources : {dim_bit(kCpu), kCpuMem}) {
    RolloutOptions ro;
    ro.resources = resources;
    Dataset data;
    collect_rollout(w, config, ro, data);
    ASSERT_GT(data.num_rows(), 150u);
    double mem_sum = 0;
    for (std::size_t r = 0; r < data.num_rows(); ++r) {
      for (int f = 0; f < kNumFeatures; ++f) {
        if (reads_memory(feature_names()[static_cast<std::size_t>(f)])) {
          mem_sum += std::abs(data.rows[r * kNumFeatures + static_cast<std::size_t>(f)]);
        }
      }
    }
    if (resources == kCpuMem) {
      EXPECT_GT(mem_sum, 1.0);  // the invented memory is there to be read...
    } else {
      EXPECT_EQ(mem_sum, 0.0);  // ...and a CPU-only builder does not read it
    }
  }
}

TEST(ModelResources, ACpuOnlyWorkloadTrainsACpuOnlyModelThatNeverSplitsOnMemory) {
  Workload w = cpu_only_workload(400, 3);
  TrainOptions o;
  o.params = small_params();
  o.rollouts = 2;
  o.dagger = 1;
  o.targets = {"pick"};
  for (const std::string kind : {"tree", "forest", "boosted"}) {
    o.kinds = {kind};
    TrainResult r = train_fireplace({{"cpu-only", &w}}, o);
    EXPECT_EQ(r.info.resources, dim_bit(kCpu));
    const auto used = split_features(r.xgboost_model);
    EXPECT_FALSE(used.empty()) << kind;
    for (const auto& f : used) EXPECT_FALSE(reads_memory(f)) << kind << " splits on " << f;
    // Written into the file.
    EXPECT_EQ(FirePlaceModel::to_json(r.info, r.xgboost_model)["resources"], nlohmann::json({"cpu"}));
  }
}

TEST(ModelResources, WithMemoryFeaturesTheSameDataSplitsOnMemory) {
  // The control for the test above: the check can fail. On the same
  // workload, rows that keep the invented memory lead a forest to split on it.
  Workload w = cpu_only_workload(400, 3);
  SimConfig config;
  config.hosts = 20;
  RolloutOptions ro;
  ro.resources = kCpuMem;
  ro.validation_from_vm = 350;
  Dataset data;
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    config.seed = seed;
    collect_rollout(w, config, ro, data);
  }
  FittedModel m = fit_model("forest", "pick", data, small_params(), 1);
  const auto used = split_features(m.xgboost_model);
  EXPECT_TRUE(std::any_of(used.begin(), used.end(), reads_memory));
}

TEST(ModelResources, SourcesWithoutMemoryMakeTheWholeModelCpuOnly) {
  Workload cpu = cpu_only_workload(150, 4);
  Workload both = testing::bursty_workload(150, 4);
  TrainOptions o;
  o.params = small_params();
  o.kinds = {"tree"};
  o.targets = {"pick"};
  o.rollouts = 1;
  o.dagger = 0;
  o.hosts = 10;
  EXPECT_EQ(train_fireplace({{"both", &both}}, o).info.resources, kCpuMem);
  EXPECT_EQ(train_fireplace({{"both", &both}, {"cpu", &cpu}}, o).info.resources, dim_bit(kCpu));
}

nlohmann::json trained_doc(const Workload& w) {
  TrainOptions o;
  o.params = small_params();
  o.kinds = {"forest"};
  o.targets = {"pick"};
  o.rollouts = 1;
  o.dagger = 0;
  o.hosts = 12;
  TrainResult r = train_fireplace({{w.name, &w}}, o);
  return FirePlaceModel::to_json(r.info, r.xgboost_model);
}

TEST(ModelResources, ModelFilesWithoutTheFieldReadCpuAndMemory) {
  nlohmann::json doc = trained_doc(cpu_only_workload(150, 5));
  EXPECT_EQ(FirePlaceModel::from_json(doc, "m").info().resources, dim_bit(kCpu));
  doc.erase("resources");  // a file written before models recorded them
  EXPECT_EQ(FirePlaceModel::from_json(doc, "m").info().resources, kCpuMem);
  for (const nlohmann::json& bad : {nlohmann::json("cpu"), nlohmann::json({"mem"}), nlohmann::json({"cpu", "gpu"})}) {
    doc["resources"] = bad;
    try {
      FirePlaceModel::from_json(doc, "old.json");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("old.json.resources"), std::string::npos) << e.what();
    }
  }
}

TEST(ModelResources, ACpuOnlyWorkloadRejectsAModelTrainedWithMemory) {
  ScratchDir scratch("fireplace_resources");
  const nlohmann::json doc = trained_doc(testing::bursty_workload(150, 6));
  ASSERT_EQ(doc["resources"], nlohmann::json({"cpu", "mem"}));
  const std::string path = scratch.write("mem_model.json", doc.dump());
  auto placer = make_placer("fireplace:" + path);
  Workload cpu = cpu_only_workload(100, 7);
  SimConfig config;
  config.hosts = 10;
  try {
    simulate(cpu, *placer, config);
    ADD_FAILURE() << "a CPU-only workload accepted a model trained with memory";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("mem"), std::string::npos) << what;
    EXPECT_NE(what.find("cpu-only"), std::string::npos) << what;  // the workload's name
  }
  // The same model on a workload that stores memory use is fine.
  Workload both = testing::bursty_workload(100, 7);
  EXPECT_GT(simulate(both, *make_placer("fireplace:" + path), config).decisions, 0);
  // A CPU-only model works on both.
  const std::string cpu_path = scratch.write("cpu_model.json", trained_doc(cpu_only_workload(150, 6)).dump());
  EXPECT_GT(simulate(cpu, *make_placer("fireplace:" + cpu_path), config).decisions, 0);
  EXPECT_GT(simulate(both, *make_placer("fireplace:" + cpu_path), config).decisions, 0);
}

TEST(ModelResources, ACpuOnlyModelDecidesAlikeOnTheCanonicalCopy) {
  // `fleetopt convert` writes the canonical format; reading it back must not
  // change a CPU-only model's decisions (the canonical copy keeps the
  // workload's dims, so its memory requests are gone: nothing to read).
  ScratchDir scratch("fireplace_canonical");
  Workload native = cpu_only_workload(300, 8);
  write_canonical(native, scratch.path("w"));
  Workload copy = read_canonical(scratch.path("w"), nullptr);
  ASSERT_EQ(copy.size(), native.size());
  EXPECT_EQ(copy.dims, dim_bit(kCpu));
  EXPECT_EQ(usage_resources(copy), dim_bit(kCpu));

  const std::string path = scratch.write("cpu_model.json", trained_doc(cpu_only_workload(300, 9)).dump());
  SimConfig config;
  config.hosts = 14;
  config.host_capacity = make_resources(16, 64);
  std::vector<std::int32_t> a, b;
  config.assignment = &a;
  simulate(native, *make_placer("fireplace:" + path), config);
  config.assignment = &b;
  simulate(copy, *make_placer("fireplace:" + path), config);
  ASSERT_EQ(a.size(), native.size());
  EXPECT_EQ(a, b);
  // Not trivially equal: the VMs are spread over many hosts.
  EXPECT_GT(std::set<std::int32_t>(a.begin(), a.end()).size(), 5u);
}

}  // namespace
}  // namespace fleetopt::fireplace
