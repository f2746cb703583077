// fleetopt demo: the main job on an embedded default. Sizes the fleet each
// baseline needs on one real PlanetLab day (or a built-in synthetic workload
// when the traces are absent) and prints the comparison.
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "fleetopt/core/data_dir.h"
#include "sim_options.h"
#include "size_table.h"

namespace fleetopt::cli {
namespace {

constexpr const char* kRealDefault = "planetlab:planetlab/20110303";
constexpr const char* kSyntheticDefault = "synthetic:@vms=800@hours=24@seed=1";
constexpr const char* kPolicies =
    "first-fit,best-fit,worst-fit,random,p2,dot-product,l2,least-allocated,most-allocated,"
    "balanced-allocation";

struct DemoArgs {
  SimOptions sim;
  double limit = 0.01;
};

void run_demo(DemoArgs& args, const GlobalOptions& global) {
  std::string spec = args.sim.workload;
  if (spec.empty()) {
    bool have_data = std::filesystem::is_directory(data_dir(global.data) + "/planetlab/20110303");
    spec = have_data ? kRealDefault : kSyntheticDefault;
    if (!have_data && !args.sim.json) {
      std::printf("note: real traces not found under '%s' (set --data or FLEETOPT_DATA);\n"
                  "      running on the built-in synthetic workload instead.\n\n",
                  data_dir(global.data).c_str());
    }
  }
  SimConfig base = args.sim.config();
  SizingOptions options;
  options.overload_limit = args.limit;
  Workload w = load_for_command(spec, global, true);
  if (!args.sim.json) {
    std::printf("fleetopt demo: servers needed per placement policy\n"
                "workload %s, overcommit %s, overload limit %g\n\n",
                spec.c_str(), args.sim.overcommit.c_str(), args.limit);
  }
  auto rows = size_policies(w, split_policy_list(kPolicies), base, options);
  print_sizing(rows, args.limit, args.sim.json, spec, w, base);
}

void add_demo_command(CLI::App& app, GlobalOptions& global) {
  auto* demo = app.add_subcommand("demo", "compare the baseline placement policies on a real trace");
  auto args = std::make_shared<DemoArgs>();
  args->sim.add_to(*demo, false);
  demo->add_option("--overload-limit", args->limit, "largest acceptable overload rate")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  demo->callback([args, &global] { run_demo(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(10, add_demo_command);

}  // namespace fleetopt::cli
