// The planner against uniform-cost search over all states, on thousands of
// small random instances: it must find a plan exactly when one exists, every
// plan must pass check_plan, and its cost must be near the optimum.
#include <gtest/gtest.h>

#include "fleetopt/rearrange/oracle.h"
#include "fleetopt/rearrange/plan.h"

namespace fleetopt::rearrange {
namespace {

struct Tally {
  int instances = 0, reachable = 0, found = 0, unknown = 0, constructed_reachable = 0;
  double ratio_sum = 0;
  int optimal = 0;
};

Tally run(std::uint64_t seed, int count, const SmallInstanceParams& params, const PlannerOptions& opts) {
  Tally t;
  Rng rng(seed);
  auto cost = make_migration_cost("memory");
  for (int i = 0; i < count; ++i) {
    SmallInstance inst = random_small_instance(rng, params);
    const Cluster& c = inst.cluster;
    RuleSet rules = standard_rules(c);
    Plan plan = plan_migrations(c, rules, *cost, inst.a, inst.b, opts);
    // The oracle works from A minus shutdowns to B minus startups.
    Placement start = inst.a, goal = inst.b;
    for (std::size_t v = 0; v < start.size(); ++v) {
      if (goal[v] == kNoHost) start[v] = kNoHost;
      if (inst.a[v] == kNoHost) goal[v] = kNoHost;
    }
    bool b_sane = insane_hosts(c, rules, inst.b).empty();
    bool pinned_conflict = false;
    for (std::size_t v = 0; v < start.size(); ++v) {
      pinned_conflict |= c.vms[v].pinned && start[v] != kNoHost && goal[v] != kNoHost && start[v] != goal[v];
    }
    OracleResult truth;
    if (b_sane && !pinned_conflict) truth = reference_search(c, rules, *cost, start, goal, 5'000'000);
    EXPECT_TRUE(truth.complete);
    ++t.instances;
    if (inst.reachable_by_construction) {
      ++t.constructed_reachable;
      EXPECT_TRUE(truth.reachable) << "instance " << i << ": B was built by valid moves";
    }
    if (plan.status == PlanStatus::kUnknown) {
      ++t.unknown;
      t.reachable += truth.reachable;
      continue;
    }
    EXPECT_EQ(plan.feasible(), truth.reachable) << "instance " << i << ": " << plan.reason;
    if (truth.reachable) ++t.reachable;
    if (!truth.reachable || !plan.feasible()) continue;
    ++t.found;
    auto problem = check_plan(c, rules, inst.a, inst.b, plan, opts.limits);
    EXPECT_FALSE(problem.has_value()) << "instance " << i << ": " << *problem;
    EXPECT_GE(plan.total_cost, truth.optimal_cost - 1e-9) << "instance " << i;
    double ratio = truth.optimal_cost > 0 ? plan.total_cost / truth.optimal_cost : 1.0;
    t.ratio_sum += ratio;
    t.optimal += ratio <= 1 + 1e-9 ? 1 : 0;
    if (plan.cost_proven_optimal) {
      EXPECT_NEAR(plan.total_cost, truth.optimal_cost, 1e-9) << "instance " << i;
    }
  }
  return t;
}

TEST(Exhaustive, PlannerAgreesWithStateSearchOnRandomInstances) {
  // The bench (bench_rearrange_exhaustive) runs 10,000 instances of up to 10
  // VMs; the test keeps to 8 so the state search stays fast under sanitizers.
  SmallInstanceParams params;
  params.max_vms = 8;
  PlannerOptions opts;
  Tally t = run(20240611, 1000, params, opts);
  EXPECT_EQ(t.unknown, 0);
  EXPECT_GT(t.reachable, 500);
  EXPECT_LT(t.reachable, t.instances);  // some B are unreachable
  double mean_ratio = t.ratio_sum / std::max(1, t.found);
  EXPECT_LE(mean_ratio, 1.05);
  RecordProperty("instances", t.instances);
  RecordProperty("reachable", t.reachable);
  RecordProperty("mean_cost_ratio_x1e6", static_cast<int>(mean_ratio * 1e6));
}

TEST(Exhaustive, OrderingPhaseAloneIsNeverWrongOnlyIncomplete) {
  // Without the exact search the planner may say "unknown", but whatever it
  // returns must be right.
  SmallInstanceParams params;
  params.max_vms = 8;
  PlannerOptions opts;
  opts.exact_fallback = false;
  opts.improve_max_vms = 0;
  Tally t = run(7, 500, params, opts);
  EXPECT_GE(t.found, 0.9 * t.reachable);
  double mean_ratio = t.ratio_sum / std::max(1, t.found);
  EXPECT_LE(mean_ratio, 1.05);
  RecordProperty("unknown", t.unknown);
  RecordProperty("mean_cost_ratio_x1e6", static_cast<int>(mean_ratio * 1e6));
}

}  // namespace
}  // namespace fleetopt::rearrange
