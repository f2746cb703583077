// The exhaustive check at scale: the planner against uniform-cost search on
// many small random instances. Prints one JSON object.
//   bench_rearrange_exhaustive [instances] [seed] [max_hosts] [max_vms]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetopt/rearrange/oracle.h"
#include "fleetopt/rearrange/plan.h"

using namespace fleetopt;
using namespace fleetopt::rearrange;

namespace {

struct Tally {
  long naive_feasible = 0, naive_invalid = 0;
  long instances = 0, constructed = 0, reachable = 0, unreachable = 0, agree = 0, disagree = 0,
       unknown = 0, feasible = 0, invalid = 0, used_search = 0, optimal = 0, oracle_undecided = 0;
  double ratio_sum = 0, ratio_max = 1, planner_seconds = 0, oracle_seconds = 0;
  double planner_max_seconds = 0;
};

nlohmann::json to_json(const Tally& t) {
  double found = static_cast<double>(std::max(1L, t.feasible));
  return {{"instances", t.instances},
          {"reachable_by_construction", t.constructed},
          {"reachable", t.reachable},
          {"unreachable", t.unreachable},
          {"oracle_undecided", t.oracle_undecided},
          {"planner_agrees", t.agree},
          {"planner_disagrees", t.disagree},
          {"planner_unknown", t.unknown},
          {"naive_planner_succeeds", t.naive_feasible},
          {"naive_planner_invalid", t.naive_invalid},
          {"plans_found", t.feasible},
          {"invalid_plans", t.invalid},
          {"plans_using_exact_search", t.used_search},
          {"plans_at_optimum", t.optimal},
          {"mean_cost_ratio", t.ratio_sum / found},
          {"max_cost_ratio", t.ratio_max},
          {"planner_seconds_total", t.planner_seconds},
          {"planner_seconds_max", t.planner_max_seconds},
          {"oracle_seconds_total", t.oracle_seconds}};
}

Tally run(long count, std::uint64_t seed, const SmallInstanceParams& params, const PlannerOptions& opts) {
  Tally t;
  Rng rng(seed);
  auto cost = make_migration_cost("memory");
  using clock = std::chrono::steady_clock;
  for (long i = 0; i < count; ++i) {
    SmallInstance inst = random_small_instance(rng, params);
    const Cluster& c = inst.cluster;
    RuleSet rules = standard_rules(c);
    auto t0 = clock::now();
    Plan plan = plan_migrations(c, rules, *cost, inst.a, inst.b, opts);
    auto t1 = clock::now();
    Plan naive = naive_plan(c, rules, *cost, inst.a, inst.b, opts.limits);
    if (naive.feasible()) {
      ++t.naive_feasible;
      if (check_plan(c, rules, inst.a, inst.b, naive, opts.limits)) ++t.naive_invalid;
    }
    double planner_s = std::chrono::duration<double>(t1 - t0).count();
    t.planner_seconds += planner_s;
    t.planner_max_seconds = std::max(t.planner_max_seconds, planner_s);
    Placement start = inst.a, goal = inst.b;
    for (std::size_t v = 0; v < start.size(); ++v) {
      if (goal[v] == kNoHost) start[v] = kNoHost;
      if (inst.a[v] == kNoHost) goal[v] = kNoHost;
    }
    bool pinned_conflict = false;
    for (std::size_t v = 0; v < start.size(); ++v) {
      pinned_conflict |= c.vms[v].pinned && start[v] != kNoHost && goal[v] != kNoHost && start[v] != goal[v];
    }
    OracleResult truth;
    if (insane_hosts(c, rules, inst.b).empty() && !pinned_conflict) {
      truth = reference_search(c, rules, *cost, start, goal, 20'000'000);
    }
    t.oracle_seconds += std::chrono::duration<double>(clock::now() - t1).count();
    ++t.instances;
    t.constructed += inst.reachable_by_construction;
    if (!truth.complete) {
      ++t.oracle_undecided;
      continue;
    }
    (truth.reachable ? t.reachable : t.unreachable) += 1;
    if (plan.status == PlanStatus::kUnknown) {
      ++t.unknown;
      continue;
    }
    if (plan.feasible() != truth.reachable) {
      ++t.disagree;
      continue;
    }
    ++t.agree;
    if (!plan.feasible()) continue;
    ++t.feasible;
    if (check_plan(c, rules, inst.a, inst.b, plan, opts.limits)) ++t.invalid;
    t.used_search += plan.used_exact_search;
    double ratio = truth.optimal_cost > 0 ? plan.total_cost / truth.optimal_cost : 1.0;
    t.ratio_sum += ratio;
    t.ratio_max = std::max(t.ratio_max, ratio);
    t.optimal += ratio <= 1 + 1e-9;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  long count = argc > 1 ? std::atol(argv[1]) : 10000;
  std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  SmallInstanceParams params;
  if (argc > 3) params.max_hosts = std::atoi(argv[3]);
  if (argc > 4) params.max_vms = std::atoi(argv[4]);
  PlannerOptions full;
  PlannerOptions ordering_only;
  ordering_only.exact_fallback = false;
  ordering_only.improve_max_vms = 0;
  nlohmann::json out = {{"seed", seed},
                        {"max_hosts", params.max_hosts},
                        {"max_vms", params.max_vms},
                        {"planner", to_json(run(count, seed, params, full))},
                        {"ordering_phase_only", to_json(run(count, seed, params, ordering_only))}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
