#include "fleetopt/rearrange/cluster_json.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"

namespace fleetopt::rearrange {
namespace {

const char* kCluster = R"({
  "resources": ["cpu", "mem"],
  "overcommit": {"cpu": 2},
  "rules": [{"rule": "max_vms", "value": 10}],
  "hosts": [
    {"id": "h1", "capacity": {"cpu": 16, "mem": 64}, "reserve": {"cpu": 1, "mem": 4}, "tags": ["zone-a"]},
    {"id": "h2", "capacity": {"cpu": 16, "mem": 64}, "bandwidth_gbps": 25}
  ],
  "vms": [
    {"id": "web-1", "demand": {"cpu": 4, "mem": 8}, "host": "h1", "anti_affinity": "web", "tags": ["web"]},
    {"id": "web-2", "demand": {"cpu": 4, "mem": 8}, "host": "h2", "anti_affinity": "web",
     "memory_gb": 6, "dirty_rate_mbps": 30, "image": "ubuntu"},
    {"id": "db", "demand": {"cpu": 8, "mem": 32}, "host": null, "pinned": true}
  ]
})";

std::string error_of(const std::string& text) {
  try {
    parse_cluster_json(text, "a.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ClusterJson, ParsesEveryField) {
  ClusterFile f = parse_cluster_json(kCluster, "a.json");
  const Cluster& c = f.cluster;
  EXPECT_EQ(c.dims, kCpuMem);
  EXPECT_EQ(c.overcommit[kCpu], 2);
  EXPECT_EQ(c.overcommit[kMem], 1);
  ASSERT_EQ(c.num_hosts(), 2);
  EXPECT_EQ(c.limit(0)[kCpu], 31);
  EXPECT_EQ(c.host(1).bandwidth_gbps, 25);
  EXPECT_EQ(c.host(0).tags, std::vector<std::string>{"zone-a"});
  ASSERT_EQ(c.num_vms(), 3);
  EXPECT_EQ(f.placement, (Placement{0, 1, kNoHost}));
  EXPECT_EQ(c.vm(0).memory_gb, 8);  // defaults to the memory demand
  EXPECT_EQ(c.vm(1).memory_gb, 6);
  EXPECT_EQ(c.vm(1).dirty_rate_mbps, 30);
  EXPECT_EQ(c.vm(0).anti_affinity, c.vm(1).anti_affinity);
  EXPECT_EQ(c.images.size(), 1u);
  EXPECT_TRUE(c.vm(2).pinned);
  EXPECT_TRUE(f.rules.is_array());
  EXPECT_EQ(c.find_vm("db"), 2);
}

TEST(ClusterJson, RoundTrips) {
  ClusterFile f = parse_cluster_json(kCluster, "a.json");
  ClusterFile g = parse_cluster_json(cluster_to_json(f.cluster, f.placement, f.rules).dump(), "b.json");
  EXPECT_EQ(g.placement, f.placement);
  ASSERT_EQ(g.cluster.num_vms(), f.cluster.num_vms());
  for (std::int32_t v = 0; v < f.cluster.num_vms(); ++v) {
    EXPECT_EQ(g.cluster.vm(v).demand, f.cluster.vm(v).demand);
    EXPECT_EQ(g.cluster.vm(v).memory_gb, f.cluster.vm(v).memory_gb);
    EXPECT_EQ(g.cluster.vm(v).pinned, f.cluster.vm(v).pinned);
  }
  EXPECT_EQ(g.cluster.limit(0), f.cluster.limit(0));
}

TEST(ClusterJson, RejectsBadInputNamingTheField) {
  std::string base = kCluster;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = base;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_NE(error_of(with("\"host\": \"h2\"", "\"host\": \"h9\"")).find("a.json: vms[1].host: unknown host 'h9'"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"id\": \"h2\"", "\"id\": \"h1\"")).find("duplicate host id 'h1'"), std::string::npos);
  EXPECT_NE(error_of(with("\"id\": \"db\"", "\"id\": \"web-1\"")).find("duplicate VM id"), std::string::npos);
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": -8, \"mem\": 32")).find("vms[2].demand.cpu"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": 8, \"ram\": 32")).find("vms[2].demand.ram: unknown resource"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": 8")).find("vms[2].demand.mem: missing"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": 8, \"mem\": 32, \"gpu\": 1")).find("not listed"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"pinned\": true", "\"pined\": true")).find("vms[2].pined: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": 1e400, \"mem\": 32")).find("a.json"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": \"8\", \"mem\": 32")).find("expected a number"),
            std::string::npos);
  EXPECT_NE(error_of(with("[\"cpu\", \"mem\"]", "[\"cpu\", \"cores\"]")).find("resources[1]"), std::string::npos);
  // NaN is not JSON; a truncated document names the line.
  EXPECT_NE(error_of(with("\"cpu\": 8, \"mem\": 32", "\"cpu\": NaN, \"mem\": 32")).find("a.json:"),
            std::string::npos);
  std::string truncated = base.substr(0, base.size() / 2);
  std::string err = error_of(truncated);
  EXPECT_NE(err.find("a.json:"), std::string::npos) << err;
  EXPECT_NE(err.find("malformed JSON"), std::string::npos) << err;
  EXPECT_NE(error_of("").find("malformed JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("expected an object"), std::string::npos);
}

TEST(ClusterJson, PlanInputMergesNewAndAbsentVms) {
  const char* b = R"({"vms": [
      {"id": "web-1", "host": "h2"},
      {"id": "db", "host": "h1"},
      {"id": "cache", "demand": {"cpu": 1, "mem": 2}, "host": "h1"}]})";
  PlanInput in = parse_plan_input(kCluster, "a.json", b, "b.json");
  const Cluster& c = in.a.cluster;
  ASSERT_EQ(c.num_vms(), 4);
  EXPECT_EQ(in.a.placement, (Placement{0, 1, kNoHost, kNoHost}));
  EXPECT_EQ(in.b, (Placement{1, kNoHost, 0, 0}));  // web-2 absent from B: shut down
  EXPECT_EQ(c.vm(3).id, "cache");
}

TEST(ClusterJson, PlanInputRejectsInconsistentB) {
  auto err = [](const char* b) {
    try {
      parse_plan_input(kCluster, "a.json", b, "b.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err(R"({"vms": [{"id": "web-1", "host": "h7"}]})").find("b.json: vms[0].host: unknown host"),
            std::string::npos);
  EXPECT_NE(err(R"({"vms": [{"id": "new", "host": "h1"}]})").find("the VM is new in B"), std::string::npos);
  EXPECT_NE(err(R"({"vms": [{"id": "web-1", "demand": {"cpu": 5, "mem": 8}, "host": "h1"}]})").find("differs from A"),
            std::string::npos);
  EXPECT_NE(err(R"({"vms": [{"id": "web-1", "host": "h1"}, {"id": "web-1", "host": "h2"}]})").find("duplicate"),
            std::string::npos);
  EXPECT_NE(err(R"({"hosts": [{"id": "h3"}], "vms": []})").find("not in A"), std::string::npos);
}

}  // namespace
}  // namespace fleetopt::rearrange
