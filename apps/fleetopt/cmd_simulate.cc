// fleetopt simulate placement: one replay of a workload with one policy on a
// fixed fleet.
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/placement/placer.h"
#include "sim_options.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

struct SimulateArgs {
  SimOptions sim;
  std::string policy;
  int hosts = 0;
};

void run_simulate(const SimulateArgs& args, const GlobalOptions& global) {
  SimConfig config = args.sim.config();
  config.hosts = args.hosts;
  config.show_progress = true;
  auto placer = make_placer(args.policy);
  Workload w = load_for_command(args.sim.workload, global, args.sim.json);
  SimMetrics m = simulate(w, *placer, config);
  nlohmann::json j = metrics_json(m);
  j["workload"] = args.sim.workload;
  if (args.sim.json) {
    print_json(j);
    return;
  }
  Table t({"policy", "hosts", "overload_rate", "host_overload_share", "rejected",
           "active_host_hours", "peak_to_average", "decision_ns_p50", "decision_ns_p99"});
  t.add(j);
  std::printf("%s", t.text().c_str());
  std::printf("%s: %zu VMs, %lld steps of %g s, %lld VM-steps in %.3f s\n", w.name.c_str(), w.size(),
              static_cast<long long>(m.steps), w.step_seconds, static_cast<long long>(m.vm_steps),
              m.wall_seconds);
}

void add_simulate_command(CLI::App& app, GlobalOptions& global) {
  auto* sim = app.add_subcommand("simulate", "replay a workload through a decision policy");
  sim->require_subcommand(1);
  auto* placement = sim->add_subcommand("placement", "place every VM of a workload on a fixed fleet");
  auto args = std::make_shared<SimulateArgs>();
  args->sim.add_to(*placement);
  placement->add_option("--policy,-p", args->policy, "placement policy (see `fleetopt policies`)")
      ->required();
  placement->add_option("--hosts,-n", args->hosts, "number of identical hosts")->required()
      ->check(CLI::Range(1, static_cast<int>(limits::kMaxHosts)));
  placement->callback([args, &global] { run_simulate(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(20, add_simulate_command);

}  // namespace fleetopt::cli
