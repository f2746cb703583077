#include "fleetopt/service/decision_service.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/service/replay.h"
#include "fleetopt/service/test_workload.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::service {
namespace {

std::unique_ptr<DecisionService> open_service(const ScratchDir& dir, const std::string& policy,
                                              std::uint64_t seed = 1) {
  ServiceConfig config;
  config.policy = policy;
  config.seed = seed;
  return std::make_unique<DecisionService>(open_store("sqlite:" + (dir.dir() / "state.db").string()), config);
}

TEST(DecisionService, PlacesIdempotentlyAndReleases) {
  ScratchDir dir("svc_basic");
  auto svc = open_service(dir, "first-fit");
  EXPECT_EQ(svc->place("vm0", make_resources(1, 1)).status, PlaceOutcome::kNoHost);  // no host yet
  svc->register_host("h1", make_resources(4, 16));
  svc->register_host("h2", make_resources(4, 16));
  EXPECT_EQ(svc->place("a", make_resources(3, 4)).record.host, "h1");
  EXPECT_EQ(svc->place("b", make_resources(3, 4)).record.host, "h2");  // h1 has 1 core left
  const PlaceOutcome retry = svc->place("a", make_resources(3, 4));
  EXPECT_EQ(retry.status, PlaceOutcome::kExisting);
  EXPECT_EQ(retry.record.host, "h1");
  EXPECT_EQ(svc->placements().size(), 2U);
  const PlaceOutcome full = svc->place("c", make_resources(2, 1));
  EXPECT_EQ(full.status, PlaceOutcome::kNoHost);
  EXPECT_NE(full.reason.find("no active host"), std::string::npos) << full.reason;
  ASSERT_TRUE(svc->release("a").has_value());
  EXPECT_FALSE(svc->release("a").has_value());
  EXPECT_EQ(svc->place("c", make_resources(2, 1)).record.host, "h1");
  // Cordoned: no new placements there.
  svc->set_host_state("h1", HostState::kCordoned);
  EXPECT_EQ(svc->place("d", make_resources(1, 1)).record.host, "h2");
  EXPECT_EQ(svc->place("e", make_resources(1, 1)).status, PlaceOutcome::kNoHost);
  // Pinned placements (a binding decided elsewhere) are checked too.
  EXPECT_EQ(svc->place_on("f", "h1", make_resources(1, 1)).status, PlaceOutcome::kNoHost);  // cordoned
  svc->set_host_state("h1", HostState::kActive);
  EXPECT_EQ(svc->place_on("f", "h1", make_resources(1, 1)).status, PlaceOutcome::kPlaced);
  EXPECT_EQ(svc->place_on("g", "h9", make_resources(1, 1)).status, PlaceOutcome::kNoHost);
}

TEST(DecisionService, StateSurvivesARestart) {
  ScratchDir dir("svc_restart");
  {
    auto svc = open_service(dir, "best-fit");
    svc->register_host("h1", make_resources(8, 32));
    svc->register_host("h2", make_resources(8, 32));
    for (int i = 0; i < 6; ++i) svc->place(fmt::format("vm{}", i), make_resources(2, 4));
  }
  auto svc = open_service(dir, "best-fit");
  EXPECT_EQ(svc->placements().size(), 6U);
  double reserved = 0;
  for (const HostView& h : svc->hosts()) reserved += h.record.reserved[kCpu];
  EXPECT_DOUBLE_EQ(reserved, 12);
  EXPECT_EQ(svc->place("vm3", make_resources(2, 4)).status, PlaceOutcome::kExisting);
}

TEST(DecisionService, RefusesPoliciesThatReadTheTrace) {
  ScratchDir dir("svc_policy");
  EXPECT_THROW(open_service(dir, "hindsight"), InputError);
  EXPECT_THROW(open_service(dir, "naive-forecast"), InputError);
  EXPECT_THROW(open_service(dir, "no-such-policy"), InputError);
}

// The service gives every VM the host `simulate` gives it: same policy,
// same seed, the same hosts, usage reported every step.
TEST(DecisionService, DecidesAsTheSimulator) {
  const Workload w = test_workload(11);
  for (const std::string policy : {"first-fit", "best-fit", "worst-fit", "p2", "p3@basis=requests", "random"}) {
    SimConfig config;
    config.hosts = 12;
    config.host_capacity = make_resources(16, 64);
    config.seed = 5;
    std::vector<std::int32_t> assignment;
    config.assignment = &assignment;
    auto placer = make_placer(policy);
    simulate(w, *placer, config);

    ScratchDir dir("svc_replay");
    auto svc = open_service(dir, policy, 5);
    for (int h = 0; h < 12; ++h) svc->register_host(fmt::format("h{:02}", h), make_resources(16, 64));
    ReplayClient client;
    client.place = [&](const std::string& id, const Resources& r) {
      const PlaceOutcome o = svc->place(id, r);
      return o.status == PlaceOutcome::kNoHost ? std::string() : o.record.host;
    };
    client.release = [&](const std::string& id) { ASSERT_TRUE(svc->release(id).has_value()) << id; };
    client.report_usage = [&](const std::vector<UsageSample>& s) { EXPECT_TRUE(svc->report_usage(s).unknown.empty()); };
    const std::vector<std::string> hosts = replay_workload(w, client);
    int rejected = 0, differ = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string want = assignment[i] == kNoHost ? "" : fmt::format("h{:02}", assignment[i]);
      differ += hosts[i] != want ? 1 : 0;
      rejected += want.empty() ? 1 : 0;
    }
    EXPECT_EQ(differ, 0) << policy;
    EXPECT_LT(rejected, static_cast<int>(w.size())) << policy;
  }
}

TEST(DecisionService, UsageReportsRejectUnknownIdsWhole) {
  ScratchDir dir("svc_usage");
  auto svc = open_service(dir, "p2");
  svc->register_host("h1", make_resources(8, 32));
  svc->place("a", make_resources(2, 4));
  const UsageOutcome bad = svc->report_usage({{"a", make_resources(1, 1)}, {"ghost", make_resources(1, 1)}});
  ASSERT_EQ(bad.unknown.size(), 1U);
  EXPECT_EQ(bad.unknown[0], "ghost");
  EXPECT_FALSE(svc->hosts()[0].usage.has_value());  // nothing applied
  EXPECT_EQ(svc->report_usage({{"a", make_resources(1, 3)}}).step, 1);
  ASSERT_TRUE(svc->hosts()[0].usage.has_value());
  EXPECT_DOUBLE_EQ((*svc->hosts()[0].usage)[kMem], 3);
}

TEST(DecisionService, FilterAndPrioritizeForKubernetes) {
  ScratchDir dir("svc_k8s");
  auto svc = open_service(dir, "best-fit");
  svc->register_host("n1", make_resources(4, 16));
  svc->register_host("n2", make_resources(8, 32));
  svc->register_host("n3", make_resources(8, 32));
  svc->place_on("x", "n2", make_resources(6, 8));
  svc->set_host_state("n3", HostState::kCordoned);
  const auto f = svc->filter({"n1", "n2", "n3", "n4"}, make_resources(3, 4));
  ASSERT_EQ(f.size(), 4U);
  EXPECT_TRUE(f[0].fits);
  EXPECT_FALSE(f[1].fits);  // 6 + 3 > 8
  EXPECT_FALSE(f[2].fits);  // cordoned
  EXPECT_NE(f[3].reason.find("not registered"), std::string::npos);
  svc->set_host_state("n3", HostState::kActive);
  const auto p = svc->prioritize({"n1", "n2", "n3"}, make_resources(1, 1));
  // best-fit picks the host left with the least room: n2 (1 core left after), score 10.
  EXPECT_EQ(p[1].score, 10);
  EXPECT_LT(p[0].score, 10);
  EXPECT_LT(p[2].score, 10);
  EXPECT_GE(p[2].score, 0);
  // Prioritizing reserves nothing and leaves the decision stream unchanged.
  EXPECT_EQ(svc->placements().size(), 1U);
}

}  // namespace
}  // namespace fleetopt::service
