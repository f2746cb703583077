#include "fleetopt/rearrange/exact_search.h"
#include "fleetopt/rearrange/plan.h"

#include <gtest/gtest.h>
#include <fmt/format.h>

#include "fleetopt/rearrange/test_util.h"

namespace fleetopt::rearrange {
namespace {

using testing::cpu_cluster;
using testing::on;

struct Planned {
  Cluster c;
  RuleSet rules;
  Plan plan;
};

Plan plan_and_check(const Cluster& c, const Placement& a, const Placement& b, PlannerOptions opts = {}) {
  RuleSet rules = standard_rules(c);
  auto cost = make_migration_cost("memory");
  Plan plan = plan_migrations(c, rules, *cost, a, b, opts);
  if (plan.feasible()) {
    auto problem = check_plan(c, rules, a, b, plan, opts.limits);
    EXPECT_FALSE(problem.has_value()) << *problem;
  }
  return plan;
}

TEST(Planner, DirectMove) {
  Cluster c = cpu_cluster({4, 4}, {2});
  Plan plan = plan_and_check(c, on({1}), on({2}));
  ASSERT_TRUE(plan.feasible());
  ASSERT_EQ(plan.migrations.size(), 1u);
  EXPECT_EQ(plan.migrations[0].from, 0);
  EXPECT_EQ(plan.migrations[0].to, 1);
  EXPECT_EQ(plan.migrations[0].stage, 1);
  EXPECT_FALSE(plan.migrations[0].temporary);
  EXPECT_DOUBLE_EQ(plan.total_cost, 2);
  EXPECT_EQ(plan.stages, 1);
  EXPECT_TRUE(plan.cost_proven_optimal);
}

TEST(Planner, NothingToDo) {
  Cluster c = cpu_cluster({4, 4}, {2, 1});
  Plan plan = plan_and_check(c, on({1, 2}), on({1, 2}));
  ASSERT_TRUE(plan.feasible());
  EXPECT_TRUE(plan.migrations.empty());
  EXPECT_EQ(plan.stages, 0);
}

TEST(Planner, SwapNeedsTemporaryHostAndMovesTheCheaperVm) {
  // a (3) and b (2) swap between full hosts; h3 has room for either.
  Cluster c = cpu_cluster({3, 3, 3}, {3, 2});
  Plan plan = plan_and_check(c, on({1, 2}), on({2, 1}));
  ASSERT_TRUE(plan.feasible());
  ASSERT_EQ(plan.migrations.size(), 3u);
  EXPECT_EQ(plan.temporary_moves, 1);
  // The cheaper VM (b) steps aside to h3, so the total is 3 + 2 + 2.
  EXPECT_DOUBLE_EQ(plan.total_cost, 7);
  EXPECT_DOUBLE_EQ(plan.lower_bound_cost, 5);
  int temporaries_of_b = 0;
  for (const auto& m : plan.migrations) {
    if (m.temporary) {
      EXPECT_EQ(m.vm, 1);
      EXPECT_EQ(m.to, 2);
      ++temporaries_of_b;
    }
  }
  EXPECT_EQ(temporaries_of_b, 1);
  EXPECT_EQ(plan.stages, 3);  // each move needs the previous one finished
}

void check_chain(int length) {
  // Hosts of capacity 1 hold v1..vk; B shifts each VM one host to the right
  // into the free last host, so the moves must run from the end backwards.
  Cluster c;
  c.dims = dim_bit(kCpu);
  for (int h = 0; h <= length; ++h) {
    Host host;
    host.id = fmt::format("h{}", h);
    host.capacity = make_resources(1, 0);
    c.hosts.push_back(host);
  }
  Placement a, b;
  for (int v = 0; v < length; ++v) {
    Vm vm;
    vm.id = fmt::format("v{}", v);
    vm.demand = make_resources(1, 0);
    vm.memory_gb = 1 + v;
    c.vms.push_back(vm);
    a.push_back(v);
    b.push_back(v + 1);
  }
  c.index();
  Plan plan = plan_and_check(c, a, b);
  ASSERT_TRUE(plan.feasible());
  ASSERT_EQ(plan.migrations.size(), static_cast<std::size_t>(length));
  EXPECT_EQ(plan.temporary_moves, 0);
  EXPECT_EQ(plan.stages, length);
  for (int i = 0; i < length; ++i) EXPECT_EQ(plan.migrations[static_cast<std::size_t>(i)].vm, length - 1 - i);
  EXPECT_DOUBLE_EQ(plan.total_cost, plan.lower_bound_cost);
}

TEST(Planner, ChainOfFour) { check_chain(4); }
TEST(Planner, ChainOfSix) { check_chain(6); }

TEST(Planner, CycleOfThreeBrokenThroughSpareHostByCheapestVm) {
  // a -> h2, b -> h3, c -> h1, all hosts full; h4 is the only spare room.
  Cluster c = cpu_cluster({2, 2, 2, 2}, {2, 2, 2});
  c.vms[0].memory_gb = 8;
  c.vms[1].memory_gb = 1;  // cheapest: it takes the detour
  c.vms[2].memory_gb = 4;
  Plan plan = plan_and_check(c, on({1, 2, 3}), on({2, 3, 1}));
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.migrations.size(), 4u);
  EXPECT_EQ(plan.temporary_moves, 1);
  EXPECT_DOUBLE_EQ(plan.total_cost, 8 + 1 + 4 + 1);
  for (const auto& m : plan.migrations) {
    if (m.temporary) {
      EXPECT_EQ(m.vm, 1);
    }
  }
}

TEST(Planner, ShutdownFirstMakesRoomForSwap) {
  // h1 {a, x} and h2 {b, y} are full; B shuts x down and swaps a with b.
  Cluster c = cpu_cluster({2, 2}, {1, 1, 1, 1});  // a, b, c(=x), d(=y)
  Placement a = on({1, 2, 1, 2});
  Placement b = on({2, 1, 0, 2});  // h1: b; h2: a, d (full)
  Plan plan = plan_and_check(c, a, b);
  ASSERT_TRUE(plan.feasible()) << plan.reason;
  ASSERT_EQ(plan.shutdowns.size(), 1u);
  EXPECT_EQ(plan.shutdowns[0], 2);
  EXPECT_EQ(plan.temporary_moves, 0);
  ASSERT_EQ(plan.migrations.size(), 2u);
  EXPECT_EQ(plan.migrations[0].vm, 1);  // b enters the room x left
  EXPECT_EQ(plan.migrations[1].vm, 0);
}

TEST(Planner, DeadlockWithoutSpareRoomIsInfeasibleWithReason) {
  Cluster c = cpu_cluster({2, 2}, {2, 2});
  Plan plan = plan_and_check(c, on({1, 2}), on({2, 1}));
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(plan.used_exact_search);
  EXPECT_NE(plan.reason.find("deadlock"), std::string::npos) << plan.reason;
  EXPECT_NE(plan.reason.find("a (h1 -> h2)"), std::string::npos) << plan.reason;
  EXPECT_NE(plan.reason.find("b (h2 -> h1)"), std::string::npos) << plan.reason;
  EXPECT_TRUE(plan.migrations.empty());
}

TEST(Planner, StartupsRunLastShutdownsFirst) {
  Cluster c = cpu_cluster({2, 2}, {2, 2});
  // a leaves, b starts on h1 where a was.
  Plan plan = plan_and_check(c, on({1, 0}), on({0, 1}));
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.shutdowns, std::vector<std::int32_t>{0});
  EXPECT_EQ(plan.startups, std::vector<std::int32_t>{1});
  EXPECT_TRUE(plan.migrations.empty());
}

TEST(Planner, PinnedVmThatMustMoveIsInfeasible) {
  Cluster c = cpu_cluster({4, 4}, {1});
  c.vms[0].pinned = true;
  Plan plan = plan_and_check(c, on({1}), on({2}));
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_NE(plan.reason.find("pinned"), std::string::npos);
}

TEST(Planner, InsaneTargetIsInfeasibleNamingTheHost) {
  Cluster c = cpu_cluster({2, 2}, {2, 1});
  Plan plan = plan_and_check(c, on({1, 2}), on({2, 2}));
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_NE(plan.reason.find("h2"), std::string::npos) << plan.reason;
}

TEST(Planner, SwapThroughAHostThatMustFirstBeCleared) {
  // a and b (2 each) swap; h3 could take one of them only if c (1) first
  // steps over to h4. Nobody waits on c, so only the exact search sees it.
  Cluster c = cpu_cluster({2, 2, 2, 1}, {2, 2, 1});
  Plan plan = plan_and_check(c, on({1, 2, 3}), on({2, 1, 3}));
  ASSERT_TRUE(plan.feasible()) << plan.reason;
  EXPECT_TRUE(plan.used_exact_search);
  EXPECT_EQ(plan.migrations.size(), 5u);
  // Pinned, c cannot clear the way and the swap is impossible.
  c.vms[2].pinned = true;
  plan = plan_and_check(c, on({1, 2, 3}), on({2, 1, 3}));
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
}

TEST(Planner, MigratingVmCountsOnBothHostsSoMovesAreStaged) {
  // b must leave h2 before a can enter it; in one stage b would still count
  // on h2 while a arrives.
  Cluster c = cpu_cluster({2, 1, 1}, {1, 1});
  Plan plan = plan_and_check(c, on({1, 2}), on({2, 3}));
  ASSERT_TRUE(plan.feasible());
  ASSERT_EQ(plan.migrations.size(), 2u);
  EXPECT_EQ(plan.stages, 2);
  EXPECT_EQ(plan.migrations[0].vm, 1);
}

TEST(Planner, IndependentMovesShareAStage) {
  Cluster c = cpu_cluster({2, 2, 2, 2}, {1, 1});
  Plan plan = plan_and_check(c, on({1, 2}), on({3, 4}));
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.stages, 1);
}

TEST(Planner, PerHostAndGlobalLimitsBoundStages) {
  // Six VMs leave h1 for six empty hosts.
  Cluster c = cpu_cluster({6, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1});
  PlannerOptions opts;
  opts.limits.max_out_per_host = 2;
  Plan plan = plan_and_check(c, on({1, 1, 1, 1, 1, 1}), on({2, 3, 4, 5, 6, 7}), opts);
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.stages, 3);
  opts.limits.max_out_per_host = 6;
  opts.limits.max_parallel = 4;
  plan = plan_and_check(c, on({1, 1, 1, 1, 1, 1}), on({2, 3, 4, 5, 6, 7}), opts);
  EXPECT_EQ(plan.stages, 2);
  opts.limits.max_parallel = 0;
  plan = plan_and_check(c, on({1, 1, 1, 1, 1, 1}), on({2, 3, 4, 5, 6, 7}), opts);
  EXPECT_EQ(plan.stages, 1);
}

TEST(Planner, AntiAffinityIsHonouredDuringMoves) {
  // a and b are replicas (one group); B swaps them between h1 and h2. Even
  // with plenty of room a temporary move to h3 is needed, because neither
  // may join the other.
  Cluster c = cpu_cluster({4, 4, 4}, {1, 1});
  c.vms[0].anti_affinity = c.intern_group("db");
  c.vms[1].anti_affinity = 0;
  Plan plan = plan_and_check(c, on({1, 2}), on({2, 1}));
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.temporary_moves, 1);
  for (const auto& m : plan.migrations) {
    if (m.temporary) {
      EXPECT_EQ(m.to, 2);
    }
  }
}

TEST(Planner, BudgetExhaustedSaysUnknownNotInfeasible) {
  Cluster c = cpu_cluster({2, 2, 1, 1, 1, 1}, {2, 2, 1, 1});
  PlannerOptions opts;
  opts.search_budget = 3;
  // The swap of a and b can never happen (nothing else holds 2), but with a
  // budget of three states the search cannot prove it.
  Plan plan = plan_and_check(c, on({1, 2, 3, 4}), on({2, 1, 3, 4}), opts);
  EXPECT_EQ(plan.status, PlanStatus::kUnknown);
  EXPECT_NE(plan.reason.find("budget"), std::string::npos) << plan.reason;
  opts.search_budget = 1'000'000;
  plan = plan_and_check(c, on({1, 2, 3, 4}), on({2, 1, 3, 4}), opts);
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
}

// Issue 9 (defect 3): a huge state budget no longer means unbounded memory;
// the search stops at its memory budget and says why.
TEST(Planner, Defect3_MemoryBudgetStopsTheSearchBeforeTheStateBudget) {
  Cluster c = cpu_cluster({2, 2, 1, 1, 1, 1}, {2, 2, 1, 1});
  PlannerOptions opts;
  opts.search_budget = 100'000'000;
  opts.memory_budget_bytes = 1000;  // a handful of states
  Plan plan = plan_and_check(c, on({1, 2, 3, 4}), on({2, 1, 3, 4}), opts);
  EXPECT_EQ(plan.status, PlanStatus::kUnknown);
  EXPECT_NE(plan.reason.find("MB"), std::string::npos) << plan.reason;
  opts.memory_budget_bytes = 1e9;
  plan = plan_and_check(c, on({1, 2, 3, 4}), on({2, 1, 3, 4}), opts);
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
}

TEST(Planner, ExactSearchRescuesWhatTheOrderingPhaseMisses) {
  // Moving a straight to its target (h3) first would fill the only host the
  // b/c swap can use; the ordering phase alone cannot undo that choice, the
  // exact search can.
  Cluster c = cpu_cluster({2, 2, 2, 1}, {1, 2, 2});
  PlannerOptions opts;
  opts.exact_fallback = false;
  Plan plan = plan_and_check(c, on({4, 1, 2}), on({3, 2, 1}), opts);
  EXPECT_EQ(plan.status, PlanStatus::kUnknown);
  opts.exact_fallback = true;
  plan = plan_and_check(c, on({4, 1, 2}), on({3, 2, 1}), opts);
  ASSERT_TRUE(plan.feasible()) << plan.reason;
  EXPECT_TRUE(plan.used_exact_search);
  EXPECT_TRUE(plan.cost_proven_optimal);
  EXPECT_EQ(plan.temporary_moves, 1);
  EXPECT_DOUBLE_EQ(plan.total_cost, 1 + 2 + 2 + 2);
}

TEST(Planner, HintIsUsedWhenValid) {
  Cluster c = cpu_cluster({2, 2, 2}, {1, 1});
  std::vector<Migration> hint = {{0, 0, 2, 0, 1, false}, {1, 1, 2, 0, 1, false}};
  PlannerOptions opts;
  opts.hint = &hint;
  Plan plan = plan_and_check(c, on({1, 2}), on({3, 3}), opts);
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.migrations.size(), 2u);
  // An invalid hint (wrong source) is ignored, not trusted.
  std::vector<Migration> bad = {{0, 1, 2, 0, 1, false}};
  opts.hint = &bad;
  plan = plan_and_check(c, on({1, 2}), on({3, 3}), opts);
  ASSERT_TRUE(plan.feasible());
  EXPECT_EQ(plan.migrations.size(), 2u);
}

TEST(NaivePlanner, WorksOnlyWhenListOrderDoes) {
  // Chain: list order moves a first, into b's still occupied host.
  Cluster c = cpu_cluster({1, 1, 1}, {1, 1});
  RuleSet rules = standard_rules(c);
  auto cost = make_migration_cost("memory");
  Plan naive = naive_plan(c, rules, *cost, on({1, 2}), on({2, 3}));
  EXPECT_EQ(naive.status, PlanStatus::kInfeasible);
  EXPECT_NE(naive.reason.find("a (h1 -> h2)"), std::string::npos) << naive.reason;
  Plan ours = plan_and_check(c, on({1, 2}), on({2, 3}));
  EXPECT_TRUE(ours.feasible());
  // Reversed names make list order right: the naive plan then passes the check.
  Plan easy = naive_plan(c, rules, *cost, on({2, 1}), on({3, 2}));
  ASSERT_TRUE(easy.feasible());
  EXPECT_FALSE(check_plan(c, rules, on({2, 1}), on({3, 2}), easy, PlanLimits{}).has_value());
}

TEST(CheckPlan, CatchesAPlanThatOverfillsAHostInFlight) {
  Cluster c = cpu_cluster({2, 1, 1}, {1, 1});
  RuleSet rules = standard_rules(c);
  Plan plan;
  plan.migrations = {{1, 1, 2, 1, 1, false}, {0, 0, 1, 1, 1, false}};
  plan.stages = 1;
  plan.total_cost = 2;
  auto problem = check_plan(c, rules, on({1, 2}), on({2, 3}), plan, PlanLimits{});
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("h2"), std::string::npos) << *problem;
  plan.migrations[1].stage = 2;
  plan.stages = 2;
  EXPECT_FALSE(check_plan(c, rules, on({1, 2}), on({2, 3}), plan, PlanLimits{}).has_value());
}

TEST(ExactSearch, FindsOptimalRotation) {
  Cluster c = cpu_cluster({2, 2, 2, 2}, {2, 2, 2});
  c.vms[0].memory_gb = 5;
  c.vms[1].memory_gb = 3;
  c.vms[2].memory_gb = 4;
  RuleSet rules = standard_rules(c);
  auto cost = make_migration_cost("memory");
  SearchResult r = exact_search(c, rules, *cost, on({1, 2, 3}), on({2, 3, 1}), 100000);
  ASSERT_EQ(r.outcome, SearchResult::Outcome::kFound);
  EXPECT_DOUBLE_EQ(r.cost, 5 + 3 + 4 + 3);
}

TEST(PrecopyModel, GrowsWithDirtyRateAndShrinksWithBandwidth) {
  double idle = precopy_seconds(8, 0, 10);
  EXPECT_NEAR(idle, 8000.0 / 1250.0, 1e-9);
  double busy = precopy_seconds(8, 200, 10);
  EXPECT_GT(busy, idle);
  EXPECT_LT(precopy_seconds(8, 200, 40), busy);
  // A dirty rate above the link rate never converges; the model stops.
  EXPECT_TRUE(std::isfinite(precopy_seconds(8, 5000, 10)));
}

}  // namespace
}  // namespace fleetopt::rearrange
