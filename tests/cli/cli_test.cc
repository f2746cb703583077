// The command line end to end: the documented JSON keys, and clean errors
// (exit code 2, a message naming the field or file) on bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "fleetopt/core/scratch_dir.h"

namespace {

using fleetopt::testing::CommandResult;

CommandResult run(const std::string& args) { return fleetopt::testing::run_fleetopt(args); }

nlohmann::json json_of(const CommandResult& r) { return fleetopt::testing::first_json_object(r.out); }

const char* kSynthetic = "synthetic:@vms=200@hours=12@seed=4";

TEST(Cli, SimulatePrintsTheDocumentedKeys) {
  CommandResult r = run(std::string("simulate placement --workload ") + kSynthetic + " --policy p2 --hosts 20 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  for (const char* key : {"policy", "hosts", "overload_rate", "rejected", "active_host_hours",
                          "peak_to_average", "decisions", "decision_ns_p50", "decision_ns_p99",
                          "wall_seconds"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["hosts"], 20);
  EXPECT_EQ(j["decisions"], 200);
}

TEST(Cli, SizeReportsServersNeededPerPolicy) {
  CommandResult r = run(std::string("size --workload ") + kSynthetic +
              " --policy first-fit,worst-fit --overload-limit 0.05 --overcommit cpu=2 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  ASSERT_EQ(j["results"].size(), 2u);
  for (const auto& row : j["results"]) {
    ASSERT_TRUE(row["found"].get<bool>());
    EXPECT_GE(row["servers_needed"].get<int>(), row["lower_bound_hosts"].get<int>());
    EXPECT_LE(row["overload_rate"].get<double>(), 0.05);
    EXPECT_EQ(row["rejected"], 0);
  }
}

TEST(Cli, SizeOverSeveralSeedsReportsTheMedian) {
  const std::string base = std::string("size --workload ") + kSynthetic +
                           " --policy p2 --overload-limit 0.05 --overcommit cpu=2 --json";
  auto several = json_of(run(base + " --seeds 3 --seed 5"))["results"][0];
  ASSERT_EQ(several["seeds"], nlohmann::json({5, 6, 7}));
  ASSERT_EQ(several["servers_needed_per_seed"].size(), 3u);
  std::vector<int> per_seed;
  for (int s = 5; s <= 7; ++s) {
    auto one = json_of(run(base + " --seed " + std::to_string(s)))["results"][0];
    per_seed.push_back(one["servers_needed"].get<int>());
    EXPECT_EQ(several["servers_needed_per_seed"][static_cast<std::size_t>(s - 5)], one["servers_needed"]);
  }
  std::sort(per_seed.begin(), per_seed.end());
  EXPECT_EQ(several["servers_needed"].get<double>(), per_seed[1]);
  EXPECT_LE(several["overload_rate"].get<double>(), 0.05);  // the median seed's own run
}

TEST(Cli, BadOptionValueExitsTwoNamingTheOption) {
  CommandResult r = run(std::string("size --workload ") + kSynthetic + " --policy p2 --seeds 0");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--seeds"), std::string::npos) << r.out;
  EXPECT_EQ(run("size --help").code, 0);
}

TEST(Cli, UnknownPolicyIsACleanError) {
  CommandResult r = run(std::string("simulate placement --workload ") + kSynthetic + " --policy nope --hosts 3");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown placement policy 'nope'"), std::string::npos) << r.out;
}

TEST(Cli, BadOvercommitNamesTheField) {
  CommandResult r = run(std::string("size --workload ") + kSynthetic + " --policy p2 --overcommit cpu=nan");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--overcommit"), std::string::npos) << r.out;
}

TEST(Cli, MissingTraceDirectoryIsACleanError) {
  CommandResult r = run("simulate placement --workload planetlab:/nonexistent/dir --policy p2 --hosts 3");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/dir"), std::string::npos) << r.out;
}

TEST(Cli, MalformedCanonicalFileNamesFileAndLine) {
  fleetopt::ScratchDir scratch("cli_bad_canonical");
  const auto& dir = scratch.dir();
  {
    std::ofstream(dir / "instances.csv") << "id,arrival,departure,cpu,mem,tags\nvm1,0,600,2,4,\nvm2,0,600,-3,4,\n";
    std::ofstream(dir / "usage.csv") << "id,time,cpu,mem\n";
  }
  CommandResult r = run("simulate placement --workload canonical:" + dir.string() + " --policy p2 --hosts 3");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("instances.csv:3"), std::string::npos) << r.out;
}

// Two full hosts swap their VMs; a third host is the only way through.
struct SwapFiles {
  fleetopt::ScratchDir scratch{"cli_swap"};
  std::string a, b, b_no_spare, a_no_spare;
  SwapFiles() {
    auto host = [](const char* id) {
      return std::string(R"({"id":")") + id + R"(","capacity":{"cpu":4,"mem":8}})";
    };
    auto vm = [](const char* id, const char* h) {
      return std::string(R"({"id":")") + id + R"(","demand":{"cpu":4,"mem":8},"host":")" + h + "\"}";
    };
    auto doc = [&](const std::string& hosts, const std::string& vms) {
      return R"({"resources":["cpu","mem"],"hosts":[)" + hosts + R"(],"vms":[)" + vms + "]}";
    };
    const std::string three = host("h1") + "," + host("h2") + "," + host("h3");
    const std::string two = host("h1") + "," + host("h2");
    a = write("a.json", doc(three, vm("x", "h1") + "," + vm("y", "h2")));
    b = write("b.json", doc(three, vm("x", "h2") + "," + vm("y", "h1")));
    a_no_spare = write("a2.json", doc(two, vm("x", "h1") + "," + vm("y", "h2")));
    b_no_spare = write("b2.json", doc(two, vm("x", "h2") + "," + vm("y", "h1")));
  }
  std::string write(const char* name, const std::string& text) { return scratch.write(name, text); }
};

TEST(Cli, PlanBreaksASwapThroughATemporaryHost) {
  SwapFiles f;
  CommandResult r = run("plan --from " + f.a + " --to " + f.b + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  EXPECT_TRUE(j["feasible"].get<bool>());
  ASSERT_EQ(j["migrations"].size(), 3u);  // one VM steps aside to h3, then two moves
  EXPECT_EQ(j["migrations"][0]["to"], "h3");
  EXPECT_DOUBLE_EQ(j["total_cost"].get<double>(), 24.0);  // 3 moves of 8 GB
  EXPECT_EQ(j["stages"], 3);
}

TEST(Cli, PlanReportsADeadlockWithAReason) {
  SwapFiles f;
  CommandResult r = run("plan --from " + f.a_no_spare + " --to " + f.b_no_spare + " --json");
  auto j = json_of(r);
  EXPECT_FALSE(j["feasible"].get<bool>()) << r.out;
  EXPECT_FALSE(j["reason"].get<std::string>().empty());
}

TEST(Cli, TruncatedClusterJsonNamesTheFile) {
  SwapFiles f;
  std::string bad = f.write("bad.json", R"({"resources":["cpu","mem"],"hosts":[{"id":"h1",)");
  CommandResult r = run("rearrange --cluster " + bad + " --goal defrag --json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("bad.json"), std::string::npos) << r.out;
}

TEST(Cli, RearrangeDefragFreesAHost) {
  SwapFiles f;
  // Two half-full hosts: defrag packs both VMs onto one.
  std::string a = f.write("half.json", R"({"resources":["cpu","mem"],"hosts":[)"
      R"({"id":"h1","capacity":{"cpu":4,"mem":8}},{"id":"h2","capacity":{"cpu":4,"mem":8}}],"vms":[)"
      R"({"id":"x","demand":{"cpu":2,"mem":4},"host":"h1"},{"id":"y","demand":{"cpu":2,"mem":4},"host":"h2"}]})");
  CommandResult r = run("rearrange --cluster " + a + " --goal defrag --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  EXPECT_EQ(j["hosts_before"], 2);
  EXPECT_EQ(j["hosts_after"], 1);
  EXPECT_EQ(j["lower_bound_hosts"], 1);
  EXPECT_TRUE(j["plan"]["feasible"].get<bool>());
  EXPECT_EQ(j["plan"]["migrations"].size(), 1u);
}

}  // namespace

namespace {

TEST(Cli, ScalePrintsTheDocumentedKeysPerAutoscaler) {
  CommandResult r = run("scale --workload constant:@clients=300@minutes=6 --autoscaler hpa,vscale --repeat 2 "
                        "--simulator analytic --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  ASSERT_EQ(j["results"].size(), 2u);
  for (const auto& row : j["results"]) {
    for (const char* key : {"autoscaler", "slo_minutes", "minutes", "vm_minutes", "requests", "requests_served",
                            "requests_over_slo", "dropped", "actions", "flaps", "repetitions"}) {
      EXPECT_TRUE(row.contains(key)) << key;
    }
    EXPECT_EQ(row["minutes"], 6);
    ASSERT_EQ(row["repetitions"].size(), 2u);
    EXPECT_EQ(row["repetitions"][0]["series"]["p99_ms"].size(), 6u);
    EXPECT_EQ(row["repetitions"][0]["series"]["vms"]["app"].size(), 6u);
  }
}

TEST(Cli, ScaleBadAppOrTraceIsACleanError) {
  fleetopt::ScratchDir scratch("cli_scale_bad");
  const std::string app = scratch.write(
      "app.json", R"({"tiers": [{"name": "web"}], "classes": [{"demand_ms": {"web": -5}}]})");
  CommandResult r = run("scale --workload constant:@clients=10 --autoscaler hpa --app " + app);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("demand_ms.web: negative demand"), std::string::npos) << r.out;
  const std::string zero = scratch.write("zero.json", R"({"tiers": [{"name": "web", "min": 0}],
    "classes": [{"demand_ms": {"web": 5}}]})");
  r = run("scale --workload constant:@clients=10 --autoscaler hpa --app " + zero);
  EXPECT_EQ(r.code, 2) << r.out;
  const std::string unknown = scratch.write("unknown.json", R"({"tiers": [{"name": "web"}],
    "classes": [{"demand_ms": {"cache": 5}}]})");
  r = run("scale --workload constant:@clients=10 --autoscaler hpa --app " + unknown);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown tier 'cache'"), std::string::npos) << r.out;
  const std::string trace = scratch.write("rates.csv", "time_seconds,requests\n0,5\n60,nan\n");
  r = run("scale --workload rates:" + trace + " --autoscaler hpa");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("rates.csv:3:"), std::string::npos) << r.out;
  r = run("scale --workload constant:@clients=10 --autoscaler nosuch");
  EXPECT_EQ(r.code, 2) << r.out;
}

}  // namespace
