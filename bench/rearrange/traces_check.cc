// Defragmentation on clusters built from real traces, ours against the
// baselines: hosts freed against the lower bound, migrations and memory
// moved. Prints one JSON object.
//   bench_rearrange_traces [data_dir]
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "fleetopt/consolidate/dc_cluster.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/rearrange/rearrange.h"
#include "fleetopt/rearrange/trace_cluster.h"
#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/workload_spec.h"

using namespace fleetopt;
using namespace fleetopt::rearrange;

namespace {

const std::vector<std::string> kStrategies = {"defrag", "ffd", "watcher-basic", "watcher-basic@efficacy=0",
                                              "watcher-vm-workload"};

nlohmann::json compare(const TraceCluster& tc) {
  RuleSet rules = standard_rules(tc.cluster);
  auto cost = make_migration_cost("memory");
  Scope scope = make_scope(tc.cluster, tc.a);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& name : kStrategies) {
    TargetProblem p{tc.cluster, rules, *cost, tc.a, scope, {}};
    auto s = make_strategy(name);
    RearrangeReport r = rearrange::rearrange(p, *s);
    bool valid = r.plan.feasible() && !check_plan(tc.cluster, rules, tc.a, r.target.b, r.plan, PlanLimits{});
    bool naive = naive_plan(tc.cluster, rules, *cost, tc.a, r.target.b).feasible();
    rows.push_back({{"strategy", name},
                    {"hosts_before", r.hosts_before},
                    {"hosts_after", r.hosts_after},
                    {"hosts_freed", r.hosts_before - r.hosts_after},
                    {"lower_bound_hosts", r.bounds.best()},
                    {"above_bound", r.bounds.best() > 0 ? double(r.hosts_after) / r.bounds.best() - 1 : 0.0},
                    {"migrations", r.plan.migrations.size()},
                    {"migration_lower_bound", r.migration_lower_bound},
                    {"moved_gb", r.moved_gb},
                    {"plan_valid", valid},
                    {"naive_plan_feasible", naive},
                    {"seconds", r.target_seconds + r.plan_seconds}});
  }
  return {{"cluster", tc.description}, {"vms", tc.a.size()}, {"hosts", tc.cluster.num_hosts()}, {"results", rows}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = data_dir(argc > 1 ? argv[1] : "");
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::string> days;
  for (const auto& e : std::filesystem::directory_iterator(data + "/planetlab")) days.push_back(e.path().string());
  std::sort(days.begin(), days.end());
  for (const auto& day : days) {
    consolidate::DcSetup setup = consolidate::cloudsim_planetlab_setup(read_planetlab(day, nullptr));
    out.push_back(compare(consolidate::cluster_from_dc_setup(setup, setup.steps / 2)));
  }
  LoadOptions load;
  load.data_dir = data;
  {
    Workload w = load_workload("bitbrains:@static=1", load, nullptr);
    out.push_back(compare(cluster_from_workload(w, TraceClusterOptions{})));
  }
  {
    Workload w = load_workload("alibaba2023:", load, nullptr);
    out.push_back(compare(cluster_from_workload(w, TraceClusterOptions{})));
    TraceClusterOptions fill;
    fill.fill = true;
    out.push_back(compare(cluster_from_workload(w, fill)));
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
