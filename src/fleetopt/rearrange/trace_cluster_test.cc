#include "fleetopt/rearrange/trace_cluster.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/rearrange/rearrange.h"
#include "fleetopt/rearrange/test_util.h"

namespace fleetopt::rearrange {
namespace {

Workload small_workload() {
  Workload w;
  w.name = "toy";
  w.dims = kCpuMem;
  w.start = 0;
  w.end = 1000;
  w.default_host = make_resources(8, 32);
  auto add = [&](const char* id, double arrive, double leave, double cpu, double mem) {
    Instance inst;
    inst.arrival = arrive;
    inst.departure = leave;
    inst.request = make_resources(cpu, mem);
    w.instances.push_back(inst);
    w.ids.push_back(id);
    w.tags.push_back("");
  };
  add("a", 0, 1000, 4, 8);
  add("b", 10, 100, 4, 8);
  add("c", 20, 1000, 2, 4);
  add("d", 30, 1000, 6, 8);
  add("e", 600, 1000, 1, 1);
  return w;
}

TEST(TraceCluster, ReplaysArrivalsAndDepartures) {
  Workload w = small_workload();
  TraceClusterOptions opts;
  opts.at = 500;
  opts.hosts = 3;
  TraceCluster tc = cluster_from_workload(w, opts);
  ASSERT_EQ(tc.cluster.num_vms(), 3);  // a, c, d (b left, e not yet there)
  EXPECT_EQ(tc.cluster.vm(0).id, "a");
  EXPECT_EQ(tc.cluster.vm(2).id, "d");
  EXPECT_EQ(tc.cluster.num_hosts(), 3);
  EXPECT_EQ(tc.rejected, 0);
  RuleSet rules = standard_rules(tc.cluster);
  EXPECT_TRUE(insane_hosts(tc.cluster, rules, tc.a).empty());
  EXPECT_NE(tc.a[0], tc.a[1]);  // spread
}

TEST(TraceCluster, FirstFitPacksAndCountsRejections) {
  Workload w = small_workload();
  TraceClusterOptions opts;
  opts.at = 700;
  opts.hosts = 1;
  opts.placement = "first-fit";
  TraceCluster tc = cluster_from_workload(w, opts);
  // One 8-core host: a (4) and b (4) fill it, so c and d (still running at
  // 700) are rejected; b leaves at 100 and e (1) fits at 600.
  ASSERT_EQ(tc.cluster.num_vms(), 2);
  EXPECT_EQ(tc.cluster.vm(1).id, "e");
  EXPECT_EQ(tc.rejected, 2);
  EXPECT_NE(tc.description.find("2 arrivals rejected"), std::string::npos) << tc.description;
}

TEST(TraceCluster, FillIgnoresDeparturesAndHostsDefaultToTheBound) {
  Workload w = small_workload();
  TraceClusterOptions opts;
  opts.fill = true;
  TraceCluster tc = cluster_from_workload(w, opts);
  EXPECT_EQ(tc.cluster.num_vms(), 5);
  // cpu 17 over hosts of 8: bound 3, fleet 1.3 x 3 -> 4 hosts.
  EXPECT_EQ(tc.cluster.num_hosts(), 4);
}

TEST(TraceCluster, UsesTheTracesOwnMachines) {
  Workload w = small_workload();
  w.hosts = {{"n1", make_resources(16, 64)}, {"n2", make_resources(4, 8)}};
  TraceClusterOptions opts;
  opts.at = 50;
  TraceCluster tc = cluster_from_workload(w, opts);
  ASSERT_EQ(tc.cluster.num_hosts(), 2);
  EXPECT_EQ(tc.cluster.host(0).id, "n1");
}

TEST(TraceCluster, RejectsBadOptions) {
  Workload w = small_workload();
  TraceClusterOptions opts;
  opts.at = 5000;
  EXPECT_THROW(cluster_from_workload(w, opts), InputError);
  opts.at = 10;
  opts.placement = "best";
  EXPECT_THROW(cluster_from_workload(w, opts), InputError);
}

TEST(ReportJson, CarriesTheCommandContractKeys) {
  Cluster c = testing::cpu_cluster({4, 4, 4}, {2, 2});
  RuleSet rules = standard_rules(c);
  auto cost = make_migration_cost("memory");
  Placement a = testing::on({1, 2});
  Scope scope = make_scope(c, a);
  TargetProblem p{c, rules, *cost, a, scope, {}};
  auto s = make_strategy("defrag");
  RearrangeReport r = rearrange(p, *s);
  nlohmann::json j = report_to_json(c, r);
  for (const char* key : {"hosts_before", "hosts_after", "lower_bound_hosts", "load_stddev_before",
                          "load_stddev_after", "plan"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["hosts_before"], 2);
  EXPECT_EQ(j["hosts_after"], 1);
  const auto& plan = j["plan"];
  for (const char* key : {"feasible", "migrations", "stages", "total_cost"}) EXPECT_TRUE(plan.contains(key)) << key;
  ASSERT_EQ(plan["migrations"].size(), 1u);
  for (const char* key : {"vm", "from", "to", "stage", "cost"}) {
    EXPECT_TRUE(plan["migrations"][0].contains(key)) << key;
  }
  EXPECT_FALSE(plan.contains("reason"));
  Plan bad;
  bad.status = PlanStatus::kInfeasible;
  bad.reason = "deadlock";
  nlohmann::json jb = plan_to_json(c, bad);
  EXPECT_EQ(jb["feasible"], false);
  EXPECT_EQ(jb["reason"], "deadlock");
}

}  // namespace
}  // namespace fleetopt::rearrange
