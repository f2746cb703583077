#include "fleetopt/rearrange/rules.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"
#include "fleetopt/rearrange/test_util.h"

namespace fleetopt::rearrange {
namespace {

using testing::cpu_cluster;
using testing::on;

TEST(Rules, CapacityHonoursOvercommitAndReserve) {
  Cluster c = cpu_cluster({10}, {6, 6});
  c.overcommit[kCpu] = 1.5;        // 15 reservable
  c.hosts[0].reserve[kCpu] = 2;    // 13 left for VMs
  RuleSet rules = standard_rules(c);
  Occupancy occ(c);
  occ.add(0, 0);
  EXPECT_TRUE(rules.admits(occ, 1, 0));  // 12 <= 13
  c.hosts[0].reserve[kCpu] = 4;          // 11 left
  RuleSet tighter = standard_rules(c);
  EXPECT_FALSE(tighter.admits(occ, 1, 0));
  EXPECT_NE(tighter.explain(occ, 1, 0).find("needs cpu 6"), std::string::npos) << tighter.explain(occ, 1, 0);
}

TEST(Rules, AntiAffinityOnlyWhenGroupsExist) {
  Cluster c = cpu_cluster({10}, {1, 1, 1});
  c.vms[0].anti_affinity = c.intern_group("db");
  c.vms[1].anti_affinity = 0;
  RuleSet rules = standard_rules(c);
  EXPECT_EQ(rules.size(), 2u);
  Occupancy occ(c);
  occ.add(0, 0);
  EXPECT_FALSE(rules.admits(occ, 1, 0));
  EXPECT_TRUE(rules.admits(occ, 2, 0));
  occ.add(1, 0);
  EXPECT_FALSE(rules.holds(occ, 0));
  occ.remove(0, 0);
  EXPECT_TRUE(rules.holds(occ, 0));  // monotone: removal restores sanity
}

TEST(Rules, ExtraRulesFromJson) {
  Cluster c = cpu_cluster({10}, {4, 4, 1});
  auto extra = nlohmann::json::parse(R"([{"rule":"max_utilisation","cpu":0.8},{"rule":"max_vms","value":2}])");
  RuleSet rules = standard_rules(c, &extra);
  EXPECT_EQ(rules.size(), 3u);
  Occupancy occ(c);
  occ.add(0, 0);
  EXPECT_TRUE(rules.admits(occ, 1, 0));   // 8 <= 8
  occ.add(2, 0);
  EXPECT_FALSE(rules.admits(occ, 1, 0));  // 9 > 8, and a third VM
}

TEST(Rules, BadExtraRulesNameTheField) {
  Cluster c = cpu_cluster({10}, {1});
  auto unknown = nlohmann::json::parse(R"([{"rule":"min_load"}])");
  try {
    standard_rules(c, &unknown);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("rules[0].rule"), std::string::npos) << e.what();
  }
  auto bad_dim = nlohmann::json::parse(R"([{"rule":"max_utilisation","gpu":0.5}])");
  EXPECT_THROW(standard_rules(c, &bad_dim), InputError);
  auto negative = nlohmann::json::parse(R"([{"rule":"max_vms","value":-1}])");
  EXPECT_THROW(standard_rules(c, &negative), InputError);
}

TEST(Rules, InsaneHostsAreListedWithReason) {
  Cluster c = cpu_cluster({2, 2}, {2, 1});
  RuleSet rules = standard_rules(c);
  auto bad = insane_hosts(c, rules, on({1, 1}));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("h1: capacity: cpu 3 > limit 2"), std::string::npos) << bad[0];
}

TEST(Occupancy, EmptyHostHasExactlyZeroLoad) {
  Cluster c = cpu_cluster({1}, {0.1, 0.2});
  Occupancy occ(c);
  occ.add(0, 0);
  occ.add(1, 0);
  occ.remove(0, 0);
  occ.remove(1, 0);
  EXPECT_EQ(occ.load(0)[kCpu], 0.0);
  EXPECT_THROW(occ.remove(1, 0), std::logic_error);
}

}  // namespace
}  // namespace fleetopt::rearrange
