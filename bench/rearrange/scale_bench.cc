// Scale of the rearrangement module: planning and target placement for
// 10,000 VMs on 1,000 hosts (goals: plan <= 1 s, defrag <= 5 s). The
// day-long consolidation benchmark is bench/consolidate/.
#include <benchmark/benchmark.h>

#include "fixtures.h"
#include "fleetopt/rearrange/bounds.h"
#include "fleetopt/rearrange/rearrange.h"

using namespace fleetopt;
using namespace fleetopt::rearrange;

namespace {

const bench::BenchCluster& big() {
  static const bench::BenchCluster c = bench::spread_cluster(1000, 10000, 42);
  return c;
}

Placement defrag_target(const bench::BenchCluster& bc) {
  RuleSet rules = standard_rules(bc.cluster);
  auto cost = make_migration_cost("memory");
  Scope scope = make_scope(bc.cluster, bc.a);
  TargetProblem p{bc.cluster, rules, *cost, bc.a, scope, {}};
  return make_strategy("defrag")->choose(p).b;
}

// Times planning A -> b on the big cluster and reports what the plan is.
void plan_benchmark(benchmark::State& state, const Placement& b) {
  const auto& bc = big();
  RuleSet rules = standard_rules(bc.cluster);
  auto cost = make_migration_cost("memory");
  Plan plan;
  for (auto _ : state) {
    plan = plan_migrations(bc.cluster, rules, *cost, bc.a, b);
    benchmark::DoNotOptimize(plan.total_cost);
  }
  state.counters["migrations"] = static_cast<double>(plan.migrations.size());
  state.counters["temporary"] = plan.temporary_moves;
  state.counters["stages"] = plan.stages;
  state.counters["feasible"] = plan.feasible();
  state.counters["naive_feasible"] = naive_plan(bc.cluster, rules, *cost, bc.a, b).feasible();
}

void BM_PlanToDefragTarget(benchmark::State& state) {
  static const Placement b = defrag_target(big());
  plan_benchmark(state, b);
}
BENCHMARK(BM_PlanToDefragTarget)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlanToRandomWalkTarget(benchmark::State& state) {
  const auto& bc = big();
  static const Placement b = bench::random_walk_target(bc.cluster, bc.a, 20000, 7);
  plan_benchmark(state, b);
}
BENCHMARK(BM_PlanToRandomWalkTarget)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Target(benchmark::State& state, const char* strategy) {
  const auto& bc = big();
  RuleSet rules = standard_rules(bc.cluster);
  auto cost = make_migration_cost("memory");
  Scope scope = make_scope(bc.cluster, bc.a);
  TargetProblem p{bc.cluster, rules, *cost, bc.a, scope, {}};
  auto s = make_strategy(strategy);
  TargetResult r;
  for (auto _ : state) {
    r = s->choose(p);
    benchmark::DoNotOptimize(r.b.data());
  }
  state.counters["hosts_before"] = active_hosts(bc.cluster, bc.a);
  state.counters["hosts_after"] = active_hosts(bc.cluster, r.b);
  state.counters["moved"] = static_cast<double>(moved_vms(bc.a, r.b));
  std::vector<std::int32_t> vms;
  for (std::int32_t v = 0; v < bc.cluster.num_vms(); ++v) {
    if (bc.a[static_cast<std::size_t>(v)] != kNoHost) vms.push_back(v);
  }
  state.counters["lower_bound"] = host_lower_bound(bc.cluster, vms, scope.hosts).best();
  state.counters["stddev_before_x1000"] = 1000 * load_stddev(bc.cluster, bc.a);
  state.counters["stddev_after_x1000"] = 1000 * load_stddev(bc.cluster, r.b);
}
BENCHMARK_CAPTURE(BM_Target, defrag, "defrag")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_Target, rebalance, "rebalance")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_Target, evacuate, "evacuate:h0,h1,h2,h3,h4,h5,h6,h7,h8,h9")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
