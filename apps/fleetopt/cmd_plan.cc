// fleetopt plan: the migrations that lead from placement A to placement B, in
// parallel stages that keep every host sane (question 2 of a rearrangement).
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/rearrange/cluster_json.h"
#include "fleetopt/rearrange/rearrange.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using namespace fleetopt::rearrange;

struct PlanArgs {
  std::string from, to, cost = "memory", planner = "fleetopt";
  std::int32_t max_parallel = 0, host_in = 2, host_out = 2;
  std::int64_t budget = 200'000;
  double memory_budget_mb = limits::kDefaultMemoryBudgetBytes / 1e6;
  bool json = false;
};

void print_plan_text(const Cluster& c, const Plan& plan) {
  if (!plan.feasible()) {
    std::printf("%s: %s\n", to_string(plan.status), plan.reason.c_str());
    return;
  }
  for (std::int32_t v : plan.shutdowns) std::printf("shut down %s\n", c.vm(v).id.c_str());
  Table t({"stage", "vm", "from", "to", "cost", "temporary"});
  for (const auto& m : plan.migrations) {
    t.add({{"stage", m.stage},
           {"vm", c.vm(m.vm).id},
           {"from", c.host(m.from).id},
           {"to", c.host(m.to).id},
           {"cost", m.cost},
           {"temporary", m.temporary ? "yes" : ""}});
  }
  if (!plan.migrations.empty()) std::printf("%s", t.text().c_str());
  for (std::int32_t v : plan.startups) std::printf("start %s\n", c.vm(v).id.c_str());
  std::printf("%zu migrations in %d stages, total cost %g (lower bound %g%s)\n", plan.migrations.size(), plan.stages,
              plan.total_cost, plan.lower_bound_cost, plan.cost_proven_optimal ? ", optimal" : "");
}

void run_plan(const PlanArgs& args) {
  PlanInput in = read_plan_input(args.from, args.to);
  const Cluster& c = in.a.cluster;
  RuleSet rules = standard_rules(c, &in.a.rules);
  auto cost = make_migration_cost(args.cost);
  PlannerOptions opts;
  opts.limits.max_parallel = args.max_parallel;
  opts.limits.max_in_per_host = args.host_in;
  opts.limits.max_out_per_host = args.host_out;
  opts.search_budget = args.budget;
  opts.memory_budget_bytes = args.memory_budget_mb * 1e6;
  if (args.planner != "fleetopt" && args.planner != "naive") {
    throw InputError::field("--planner", fmt::format("expected fleetopt or naive, got '{}'", args.planner));
  }
  Plan plan = args.planner == "naive" ? naive_plan(c, rules, *cost, in.a.placement, in.b, opts.limits)
                                      : plan_migrations(c, rules, *cost, in.a.placement, in.b, opts);
  if (plan.feasible()) {
    if (auto problem = check_plan(c, rules, in.a.placement, in.b, plan, opts.limits)) {
      throw std::logic_error("internal error: the plan fails its own check: " + *problem);
    }
  }
  if (!plan.feasible()) set_command_exit_code(kExitInfeasible);
  if (args.json) {
    print_json(plan_to_json(c, plan));
  } else {
    print_plan_text(c, plan);
  }
}

void add_plan_command(CLI::App& app, GlobalOptions&) {
  auto* cmd = app.add_subcommand("plan", "plan the live migrations from placement A to placement B");
  auto args = std::make_shared<PlanArgs>();
  cmd->add_option("--from", args->from, "cluster-state JSON of the current placement A")->required();
  cmd->add_option("--to", args->to, "cluster-state JSON of the target placement B (hosts and demands may be left out)")
      ->required();
  cmd->add_option("--max-parallel", args->max_parallel, "most migrations at once (0: no limit)")
      ->check(CLI::Range(0, 1'000'000));
  cmd->add_option("--host-in", args->host_in, "most concurrent incoming migrations per host")->check(CLI::Range(1, 1000));
  cmd->add_option("--host-out", args->host_out, "most concurrent outgoing migrations per host")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--cost", args->cost, "migration cost: memory (GB), precopy (seconds), count");
  cmd->add_option("--planner", args->planner,
                  "fleetopt (ordering + exact search) or naive (list order, no temporaries; the baseline)");
  cmd->add_option("--search-budget", args->budget, "states the exact search may expand before saying 'unknown'")
      ->check(CLI::Range(static_cast<std::int64_t>(1), limits::kMaxSearchStates));
  cmd->add_option("--memory-budget-mb", args->memory_budget_mb,
                  "memory the exact search's states may take before saying 'unknown'")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  cmd->add_flag("--json", args->json, "print JSON: feasible, migrations [{vm, from, to, stage, cost}], stages, "
                                      "total_cost, reason when infeasible");
  cmd->callback([args] { run_plan(*args); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(60, add_plan_command);

}  // namespace fleetopt::cli
