// fleetopt rearrange: pick a target placement B for a goal (defragment,
// rebalance, evacuate), then plan the migrations from A to B.
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/consolidate/dc_cluster.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/exit_codes.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/rearrange/cluster_json.h"
#include "fleetopt/rearrange/rearrange.h"
#include "fleetopt/rearrange/trace_cluster.h"
#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/workload_spec.h"
#include "sim_options.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using namespace fleetopt::rearrange;

struct RearrangeArgs {
  std::string cluster, workload, at = "peak", host, placement = "spread";
  std::int32_t hosts = 0;
  std::string goal = "defrag", strategy, subset, within, cost = "memory", out, save_a;
  std::int64_t budget_migrations = -1;
  double budget_cost = -1;
  bool image_affinity = false, compare = false, json = false, show_plan = false, fill = false;
  std::int32_t max_parallel = 0, host_in = 2, host_out = 2;
};

struct Loaded {
  ClusterFile file;
  std::string description;
};

Loaded load_cluster(const RearrangeArgs& args, const GlobalOptions& global) {
  Loaded out;
  if (!args.cluster.empty()) {
    out.file = read_cluster_json(args.cluster);
    out.description = args.cluster;
    return out;
  }
  double at = -1;
  if (args.at != "peak") {
    if (!parse_double(args.at, at) || at < 0) {
      throw InputError::field("--at", fmt::format("expected seconds >= 0 or 'peak', got '{}'", args.at));
    }
  }
  TraceCluster tc;
  const std::string prefix = "cloudsim:";
  if (args.workload.rfind(prefix, 0) == 0) {
    std::string path = args.workload.substr(prefix.size());
    std::string dir = resolve_trace_path(path.empty() ? "planetlab/20110303" : path, data_dir(global.data));
    ReadReport report;
    consolidate::DcSetup setup =
        consolidate::cloudsim_planetlab_setup(read_planetlab(dir, &report), args.hosts > 0 ? args.hosts : 800);
    std::int32_t step = at < 0 ? setup.steps / 2 : static_cast<std::int32_t>(at / setup.step_seconds);
    tc = consolidate::cluster_from_dc_setup(setup, step);
  } else {
    Workload w = load_for_command(args.workload, global, args.json);
    TraceClusterOptions opts;
    opts.at = at;
    opts.hosts = args.hosts;
    opts.placement = args.placement;
    opts.fill = args.fill;
    if (!args.host.empty()) opts.host = parse_resources(args.host, "--host");
    tc = cluster_from_workload(w, opts);
  }
  out.file.cluster = std::move(tc.cluster);
  out.file.placement = std::move(tc.a);
  out.description = tc.description;
  return out;
}

std::vector<std::string> strategies_for(const RearrangeArgs& args) {
  std::string goal = args.goal;
  std::string ours = goal;
  if (goal.rfind("evacuate:", 0) == 0) {
    ours = goal;
  } else if (goal != "defrag" && goal != "rebalance") {
    throw InputError::field("--goal", fmt::format("expected defrag, rebalance or evacuate:H1,H2, got '{}'", goal));
  }
  if (!args.strategy.empty()) ours = args.strategy;
  if (!args.compare) return {ours};
  if (goal == "defrag") {
    return {ours, "ffd", "watcher-basic", "watcher-basic@efficacy=0", "watcher-vm-workload"};
  }
  if (goal == "rebalance") return {ours, "watcher-stabilization", "watcher-stabilization@threshold=0"};
  return {ours};
}

nlohmann::json summary_row(const RearrangeReport& r) {
  return {{"strategy", r.strategy},
          {"hosts_before", r.hosts_before},
          {"hosts_after", r.hosts_after},
          {"lower_bound_hosts", r.bounds.best()},
          {"load_stddev_before", r.stddev_before},
          {"load_stddev_after", r.stddev_after},
          {"migrations", r.plan.migrations.size()},
          {"moved_gb", r.moved_gb},
          {"stages", r.plan.stages},
          {"feasible", r.plan.feasible()},
          {"seconds", r.target_seconds + r.plan_seconds}};
}

void run_rearrange(const RearrangeArgs& args, const GlobalOptions& global) {
  if (args.cluster.empty() == args.workload.empty()) {
    throw InputError::field("--cluster/--workload", "give exactly one of them");
  }
  if (!args.out.empty()) check_output_file(args.out, "--out");
  if (!args.save_a.empty()) check_output_file(args.save_a, "--save-a");
  Loaded loaded = load_cluster(args, global);
  const Cluster& c = loaded.file.cluster;
  const Placement& a = loaded.file.placement;
  if (!args.save_a.empty()) {
    write_file_atomically(args.save_a, cluster_to_json(c, a, loaded.file.rules).dump(1) + "\n");
  }
  RuleSet rules = standard_rules(c, &loaded.file.rules);
  auto cost = make_migration_cost(args.cost);
  Scope scope = make_scope(c, a, args.subset, args.within);
  TargetOptions options;
  options.max_migrations = args.budget_migrations;
  options.max_cost = args.budget_cost;
  options.image_affinity = args.image_affinity;
  PlannerOptions planner;
  planner.limits.max_parallel = args.max_parallel;
  planner.limits.max_in_per_host = args.host_in;
  planner.limits.max_out_per_host = args.host_out;
  std::vector<std::string> names = strategies_for(args);
  for (const auto& n : names) make_strategy(n);  // fail early on a bad name
  std::vector<RearrangeReport> reports;
  Progress progress("rearrange", names.size());
  for (const auto& name : names) {
    auto strategy = make_strategy(name);
    TargetProblem problem{c, rules, *cost, a, scope, options};
    reports.push_back(rearrange::rearrange(problem, *strategy, planner));
    reports.back().strategy = name;
    const RearrangeReport& r = reports.back();
    if (r.target.ok && r.plan.feasible()) {
      if (auto problem_text = check_plan(c, rules, a, r.target.b, r.plan, planner.limits)) {
        throw std::logic_error("internal error: the plan fails its own check: " + *problem_text);
      }
    }
    progress.advance();
  }
  progress.done();
  const RearrangeReport& main = reports.front();
  const bool feasible = main.target.ok && main.plan.feasible();
  // An infeasible answer is printed (it says why) but never written as B.
  if (!feasible) set_command_exit_code(kExitInfeasible);
  if (!args.out.empty() && feasible) {
    write_file_atomically(args.out, cluster_to_json(c, main.target.b, loaded.file.rules).dump(1) + "\n");
  }
  if (args.json) {
    if (!args.compare) {
      nlohmann::json j = report_to_json(c, main);
      j["cluster"] = loaded.description;
      print_json(j);
    } else {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& r : reports) rows.push_back(summary_row(r));
      print_json({{"cluster", loaded.description}, {"results", rows}});
    }
    return;
  }
  std::printf("%s\n", loaded.description.c_str());
  Table t({"strategy", "hosts_before", "hosts_after", "lower_bound_hosts", "load_stddev_before", "load_stddev_after",
           "migrations", "moved_gb", "stages", "feasible", "seconds"});
  for (const auto& r : reports) t.add(summary_row(r));
  std::printf("%s", t.text().c_str());
  for (const auto& r : reports) {
    if (!r.note.empty()) std::printf("%s: %s\n", r.strategy.c_str(), r.note.c_str());
    if (!r.plan.feasible()) std::printf("%s: plan %s: %s\n", r.strategy.c_str(), to_string(r.plan.status), r.plan.reason.c_str());
  }
  if (args.show_plan) {
    for (const auto& m : main.plan.migrations) {
      std::printf("stage %d: %s %s -> %s (cost %g%s)\n", m.stage, c.vm(m.vm).id.c_str(), c.host(m.from).id.c_str(),
                  c.host(m.to).id.c_str(), m.cost, m.temporary ? ", temporary" : "");
    }
  }
}

void add_rearrange_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("rearrange", "choose a target placement (defrag, rebalance, evacuate) and plan the "
                                              "migrations to it");
  auto args = std::make_shared<RearrangeArgs>();
  cmd->add_option("--cluster", args->cluster, "cluster-state JSON of the current placement A");
  cmd->add_option("--workload,-w", args->workload,
                  "or a workload SPEC (READER:PATH[@KEY=VALUE], docs/traces.md); A = its VMs running at --at, placed "
                  "by replaying arrivals and departures; cloudsim:planetlab/DAY builds the CloudSim PlanetLab data "
                  "centre");
  cmd->add_option("--at", args->at, "with --workload: seconds after the start, or 'peak' (most VMs running)");
  cmd->add_option("--hosts", args->hosts, "with --workload: hosts (0: the trace's machines, else 1.3 x the bound)")
      ->check(CLI::Range(0, static_cast<int>(limits::kMaxHosts)));
  cmd->add_option("--host", args->host, "with --workload: host size, e.g. cpu=32,mem=128");
  cmd->add_option("--placement", args->placement, "with --workload: how the replay placed VMs (spread, first-fit)");
  cmd->add_flag("--fill", args->fill, "with --workload: ignore departures, every VM that arrived by --at stays "
                                      "(--at peak then means the end of the trace)");
  cmd->add_option("--goal", args->goal, "defrag | rebalance | evacuate:H1,H2");
  std::string known;
  for (const auto& [name, summary] : registered_strategies()) known += fmt::format("\n  {}: {}", name, summary);
  cmd->add_option("--strategy", args->strategy, "a named strategy instead of the goal's own:" + known);
  cmd->add_option("--budget-migrations", args->budget_migrations, "most migrations allowed (temporary moves count)")
      ->check(CLI::Range(static_cast<std::int64_t>(0), static_cast<std::int64_t>(1'000'000'000)));
  cmd->add_option("--budget-cost", args->budget_cost, "most total migration cost allowed")->check(CLI::NonNegativeNumber);
  cmd->add_option("--subset", args->subset, "VMs that may move: tag:T, vm:ID, host:ID, image:I, group:G (comma = or)");
  cmd->add_option("--within", args->within, "hosts taking part: host:ID, tag:T (comma = or)");
  cmd->add_flag("--image-affinity", args->image_affinity, "prefer hosts running the same image (page sharing)");
  cmd->add_option("--cost", args->cost, "migration cost: memory (GB), precopy (seconds), count");
  cmd->add_option("--max-parallel", args->max_parallel, "most migrations at once (0: no limit)")
      ->check(CLI::Range(0, 1'000'000));
  cmd->add_option("--host-in", args->host_in, "most concurrent incoming migrations per host")->check(CLI::Range(1, 1000));
  cmd->add_option("--host-out", args->host_out, "most concurrent outgoing migrations per host")
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--compare", args->compare, "also run the baselines for the goal (ffd, watcher-*)");
  cmd->add_option("--out", args->out, "write B as cluster-state JSON (not written when infeasible: exit 3)");
  cmd->add_option("--save-a", args->save_a, "write A as cluster-state JSON (useful with --workload)");
  cmd->add_flag("--show-plan", args->show_plan, "list every migration");
  cmd->add_flag("--json", args->json, "print JSON: hosts_before, hosts_after, lower_bound_hosts, load_stddev_before, "
                                      "load_stddev_after, plan");
  cmd->callback([args, &global] { run_rearrange(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(61, add_rearrange_command);

}  // namespace fleetopt::cli
