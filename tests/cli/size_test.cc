// `fleetopt size` end to end: --threads (recorded, checked, no effect on the
// numbers), what --json records, and a FirePlace model that read memory
// refused on a CPU-only trace with a clean error; `train fireplace` over
// sources of different host sizes.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "fleetopt/core/scratch_dir.h"

namespace {

using fleetopt::testing::run_fleetopt;
using fleetopt::testing::run_fleetopt_split;
using fleetopt::testing::stdout_json;

const std::string kSize =
    "size --workload synthetic:@vms=150@hours=8@seed=2 --policy p2,worst-fit,random --overload-limit 0.05 "
    "--overcommit cpu=2 --seeds 2 --json";

TEST(SizeThreads, ResultsDoNotDependOnThreadsWhichTheJsonRecords) {
  auto serial = stdout_json(run_fleetopt_split(kSize + " --threads 1"));
  auto parallel = stdout_json(run_fleetopt_split(kSize + " --threads 3"));
  EXPECT_EQ(serial["threads"], 1);
  EXPECT_EQ(parallel["threads"], 3);
  ASSERT_EQ(serial["results"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& a = serial["results"][i];
    const auto& b = parallel["results"][i];
    EXPECT_EQ(a["policy"], b["policy"]);
    EXPECT_EQ(a["servers_needed_per_seed"], b["servers_needed_per_seed"]) << a["policy"];
    EXPECT_EQ(a["overload_rate"], b["overload_rate"]) << a["policy"];
  }
  // The default is the machine's concurrency: at least one thread, recorded.
  auto by_default = stdout_json(run_fleetopt_split(kSize));
  EXPECT_GE(by_default["threads"].get<int>(), 1);
}

TEST(SizeThreads, JsonRecordsWhatTheNumbersDependOn) {
  auto j = stdout_json(run_fleetopt_split(kSize + " --host cpu=24,mem=96 --seed 4 --scan-below 2 --threads 1"));
  EXPECT_EQ(j["workload"], "synthetic:@vms=150@hours=8@seed=2");
  EXPECT_EQ(j["host"]["cpu"], 24);
  EXPECT_EQ(j["host"]["mem"], 96);
  EXPECT_EQ(j["overcommit"]["cpu"], 2);
  EXPECT_EQ(j["seeds"], nlohmann::json({4, 5}));
  EXPECT_EQ(j["overload_limit"], 0.05);
  EXPECT_EQ(j["scan_below"], 2);
  EXPECT_EQ(j["threads"], 1);
}

TEST(SizeThreads, ZeroThreadsIsACleanError) {
  auto r = run_fleetopt(kSize + " --threads 0");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--threads"), std::string::npos) << r.out;
}

TEST(SizeFirePlace, AMemoryModelOnACpuOnlyTraceIsACleanError) {
  fleetopt::ScratchDir scratch("cli_size_fireplace");
  // A small PlanetLab folder: CPU only, one file per VM, percent per line.
  for (int vm = 0; vm < 40; ++vm) {
    std::string series;
    for (int t = 0; t < 288; ++t) series += std::to_string((vm * 7 + t * (vm % 5 + 1)) % 90 + 5) + "\n";
    scratch.write("planetlab/vm" + std::to_string(vm), series);
  }
  // Synthetic workloads store memory use: the model reads memory.
  const std::string model = scratch.path("mem_model.json");
  auto trained = run_fleetopt("train fireplace --workload synthetic:@vms=200@hours=8@seed=3 --out " + model +
                              " --rollouts 1 --dagger 0 --model tree --target pick --json");
  ASSERT_EQ(trained.code, 0) << trained.out;
  ASSERT_EQ(nlohmann::json::parse(fleetopt::testing::read_text(model))["resources"],
            nlohmann::json({"cpu", "mem"}));

  auto r = run_fleetopt("size --workload planetlab:" + scratch.path("planetlab") + " --policy p2,fireplace:" + model);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(model), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stores no mem usage"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("terminate"), std::string::npos) << r.out;  // an error, not a crash
}

// Both trainers take --host once for all workloads or once per workload;
// `base` trains on two synthetic workloads. Returns the per-workload run's
// JSON for checks of the command's own.
nlohmann::json expect_one_host_per_workload_or_one_for_all(const std::string& base) {
  auto j = stdout_json(run_fleetopt_split(base + " --host cpu=16,mem=64 --host cpu=64,mem=256"));
  EXPECT_EQ(j["rollout_host_capacity"].size(), 2u);
  EXPECT_EQ(j["rollout_host_capacity"][0]["cpu"], 16);
  EXPECT_EQ(j["rollout_host_capacity"][1]["cpu"], 64);
  // Four times the host: fewer hosts for a workload of the same kind.
  EXPECT_GT(j["rollout_hosts"][0].get<int>(), j["rollout_hosts"][1].get<int>());
  auto all = stdout_json(run_fleetopt_split(base + " --host cpu=16,mem=64"));
  EXPECT_EQ(all["rollout_host_capacity"][1]["cpu"], 16);
  auto r = run_fleetopt(base + " --host cpu=16 --host cpu=32 --host cpu=64");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--host"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 workloads, 3 hosts"), std::string::npos) << r.out;
  return j;
}

const char* kTwoWorkloads = " -w synthetic:@vms=120@hours=6@seed=1 -w synthetic:@vms=120@hours=6@seed=2";

TEST(TrainFireplaceHosts, OneHostPerWorkloadOrOneForAll) {
  fleetopt::ScratchDir scratch("cli_train_hosts");
  expect_one_host_per_workload_or_one_for_all(std::string("train fireplace") + kTwoWorkloads + " --out " +
                                              scratch.path("m.json") +
                                              " --rollouts 1 --dagger 0 --model tree --target pick --json");
}

TEST(TrainRankerHosts, OneHostPerWorkloadOrOneForAll) {
  fleetopt::ScratchDir scratch("cli_train_ranker_hosts");
  const nlohmann::json j = expect_one_host_per_workload_or_one_for_all(
      std::string("train-ranker") + kTwoWorkloads + " --out " + scratch.path("r.json") +
      " --rollouts 1 --dagger 0 --rounds 5 --candidates prefilter=4 --json");
  EXPECT_EQ(j["training"]["rollout_host_capacity"], j["rollout_host_capacity"]);
}

}  // namespace
