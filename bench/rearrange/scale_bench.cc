// Scale of the rearrangement module: planning and target placement for
// 10,000 VMs on 1,000 hosts (goals: plan <= 1 s, defrag <= 5 s), and one
// simulated day of the CloudSim PlanetLab consolidation benchmark (goal:
// < 0.2 s for any policy; `cloudsim` cases: --fidelity cloudsim with
// CloudSim's directory VM order).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "fixtures.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/rearrange/bounds.h"
#include "fleetopt/rearrange/dc_sim.h"
#include "fleetopt/rearrange/rearrange.h"
#include "fleetopt/trace/planetlab.h"

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

void BM_ConsolidateDay(benchmark::State& state, const char* policy) {
  std::string dir = data_dir() + "/planetlab/20110303";
  if (!std::filesystem::exists(dir)) {
    state.SkipWithError(("no PlanetLab data at " + dir).c_str());
    return;
  }
  static const DcSetup setup = cloudsim_planetlab_setup(read_planetlab(dir, nullptr));
  DcMetrics m;
  for (auto _ : state) {
    auto p = make_consolidation_policy(policy);
    m = simulate_consolidation(setup, *p);
    benchmark::DoNotOptimize(m.energy_kwh);
  }
  state.counters["energy_kwh"] = m.energy_kwh;
  state.counters["migrations"] = static_cast<double>(m.migrations);
  state.counters["slav_x1e6"] = m.slav * 1e6;
}
BENCHMARK_CAPTURE(BM_ConsolidateDay, fleetopt_pctl, "fleetopt-pctl")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDay, thr_mmt, "thr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK_CAPTURE(BM_ConsolidateDay, lr_mmt, "lr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK_CAPTURE(BM_ConsolidateDay, iqr_mmt, "iqr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_ConsolidateDayCloudSim(benchmark::State& state, const char* policy) {
  std::string dir = data_dir() + "/planetlab/20110303";
  if (!std::filesystem::exists(dir)) {
    state.SkipWithError(("no PlanetLab data at " + dir).c_str());
    return;
  }
  static const DcSetup setup =
      cloudsim_planetlab_setup(reorder_series(read_planetlab(dir, nullptr), directory_order(dir)));
  DcConfig config;
  config.quirks = quirks_for(Fidelity::kCloudSim);
  DcMetrics m;
  for (auto _ : state) {
    auto p = make_consolidation_policy(policy);
    m = simulate_consolidation(setup, *p, config);
    benchmark::DoNotOptimize(m.energy_kwh);
  }
  state.counters["energy_kwh"] = m.energy_kwh;
  state.counters["migrations"] = static_cast<double>(m.migrations);
  state.counters["slav_x1e6"] = m.slav * 1e6;
}
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, fleetopt_pctl, "fleetopt-pctl")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, thr_mmt, "thr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, lr_mmt, "lr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, iqr_mmt, "iqr-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ConsolidateDayCloudSim, mad_mmt, "mad-mmt")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
