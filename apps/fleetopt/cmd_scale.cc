// fleetopt scale: autoscaling a multi-tier application (vScale and the
// classic autoscalers) on a load trace, with the discrete-event or the
// analytic simulator.
//   fleetopt scale --workload worldcup98-days: --autoscaler vscale,rightscale --repeat 4 --json
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/scaling/scaling_run.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using namespace fleetopt::scaling;

struct ScaleArgs {
  std::string workload, app, autoscalers, simulator = "des", save_state, load_state, series_csv;
  double slo_ms = 5000, interval_s = 60;
  int repeat = 1;
  std::uint64_t seed = 1;
  bool json = false, list = false;
};

std::string series_csv(const std::vector<std::pair<std::string, ScaleResult>>& results, const AppModel& app) {
  std::string out = "autoscaler,repetition,minute,load,p99_ms,completed,dropped,met";
  for (const TierSpec& t : app.tiers) out += ",vms_" + t.name;
  out += "\n";
  for (const auto& [spec, r] : results) {
    for (std::size_t k = 0; k < r.repetitions.size(); ++k) {
      for (const MinuteRecord& m : r.repetitions[k].series) {
        out += fmt::format("{},{},{},{},{},{},{},{}", spec, k + 1, m.t_s / 60, m.level, m.p99_ms, m.completed,
                           m.dropped, m.met ? 1 : 0);
        for (int v : m.vms) out += fmt::format(",{}", v);
        out += "\n";
      }
    }
  }
  return out;
}

void run_scale(const ScaleArgs& args, const GlobalOptions& global) {
  if (args.list) {
    Table t({"autoscaler", "summary"});
    for (const auto& [name, summary] : registered_autoscalers()) t.add({{"autoscaler", name}, {"summary", summary}});
    if (args.json) {
      print_json(t.json());
    } else {
      std::printf("%s", t.text().c_str());
    }
    return;
  }
  if (args.workload.empty()) throw InputError::field("--workload", "required (or --list)");
  if (args.autoscalers.empty()) throw InputError::field("--autoscaler", "required (or --list)");
  if (!args.series_csv.empty()) check_output_file(args.series_csv, "--series-csv");
  if (!args.save_state.empty()) check_output_file(args.save_state, "--save-state");
  const std::vector<std::string> specs = split_policy_list(args.autoscalers);
  if ((!args.save_state.empty() || !args.load_state.empty()) && specs.size() != 1) {
    throw InputError::field("--save-state/--load-state", "need exactly one --autoscaler");
  }
  for (const auto& s : specs) make_autoscaler(s);  // fail fast on a bad name
  const AppModel app = args.app.empty() ? default_app() : read_app_json(args.app);
  LoadTraceOptions load_options;
  load_options.data_dir = global.data;
  const LoadTrace trace = load_trace(args.workload, load_options);
  ScaleOptions options;
  options.slo_ms = args.slo_ms;
  options.repeat = args.repeat;
  options.interval_s = args.interval_s;
  options.seed = args.seed;
  options.simulator = args.simulator == "analytic" ? SimulatorKind::kAnalytic : SimulatorKind::kDiscreteEvent;

  std::vector<std::pair<std::string, ScaleResult>> results;
  for (const auto& spec : specs) {
    auto autoscaler = make_autoscaler(spec);
    if (!args.load_state.empty()) autoscaler->load_state(read_json_file(args.load_state));
    results.emplace_back(spec, run_scaling(app, trace, *autoscaler, options));
    if (!args.save_state.empty()) write_file_atomically(args.save_state, autoscaler->save_state().dump(1) + "\n");
  }
  if (!args.series_csv.empty()) write_file_atomically(args.series_csv, series_csv(results, app));

  if (args.json) {
    nlohmann::json out = {{"workload", trace.name},
                          {"simulator", args.simulator},
                          {"slo_p99_ms", args.slo_ms},
                          {"interval_s", args.interval_s},
                          {"repeat", args.repeat},
                          {"seed", args.seed},
                          {"results", nlohmann::json::array()}};
    for (const auto& [spec, r] : results) {
      nlohmann::json reps = nlohmann::json::array();
      for (const RepetitionResult& rep : r.repetitions) reps.push_back(to_json(rep, app, true));
      nlohmann::json row = to_json(r.repetitions.back(), app, false);
      row["autoscaler"] = spec;
      row["repetition"] = r.repetitions.size();
      row["wall_seconds"] = r.wall_seconds;
      row["repetitions"] = reps;
      out["results"].push_back(row);
    }
    print_json(out);
    return;
  }
  std::printf("%s: %zu steps of %g s, %s loop, SLO p99 <= %g ms, %s simulator\n", trace.name.c_str(),
              trace.values.size(), trace.step_seconds, trace.kind == LoadKind::kClosed ? "closed" : "open",
              args.slo_ms, args.simulator.c_str());
  Table t({"autoscaler", "repetition", "slo_minutes", "minutes", "vm_minutes", "requests", "requests_served",
           "requests_over_slo", "dropped", "actions", "flaps"});
  for (const auto& [spec, r] : results) {
    for (std::size_t k = 0; k < r.repetitions.size(); ++k) {
      nlohmann::json row = to_json(r.repetitions[k], app, false);
      row["autoscaler"] = spec;
      row["repetition"] = k + 1;
      t.add(row);
    }
  }
  std::printf("%s", t.text().c_str());
}

void add_scale_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("scale", "autoscale a multi-tier application on a load trace (vScale vs HPA, "
                                          "RightScale, thresholds)");
  auto args = std::make_shared<ScaleArgs>();
  cmd->add_option("--workload,-w", args->workload,
                  "load SPEC: rates:FILE[@peak=R], worldcup98-days:[@clients=N], worldcup98:[@days=A-B], "
                  "azurefunctions-app:[@app=H], shift:, constant:@rate=R|@clients=N (docs/scaling.md)");
  cmd->add_option("--app", args->app, "application JSON (default: the built-in three-tier app)");
  cmd->add_option("--autoscaler,-a", args->autoscalers, "comma-separated autoscalers (see --list)");
  cmd->add_option("--slo-p99-ms", args->slo_ms, "p99 latency SLO, ms")->capture_default_str()->check(CLI::Range(1e-3, 1e7));
  cmd->add_option("--repeat", args->repeat, "repetitions of the trace (learned state is kept)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--simulator", args->simulator, "des (request-level) or analytic (queueing formulas)")
      ->capture_default_str()
      ->check(CLI::IsMember({"des", "analytic"}));
  cmd->add_option("--interval-s", args->interval_s, "control interval, seconds")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--seed", args->seed, "random seed (discrete-event simulator)")->capture_default_str();
  cmd->add_option("--save-state", args->save_state, "write the autoscaler's learned state (JSON)");
  cmd->add_option("--load-state", args->load_state, "start from a saved learned state");
  cmd->add_option("--series-csv", args->series_csv, "write the per-minute series as CSV (plots as data)");
  cmd->add_flag("--list", args->list, "list the autoscalers");
  cmd->add_flag("--json", args->json, "print JSON: {results: [...]} with per-repetition metrics and series");
  cmd->callback([args, &global] { run_scale(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(55, add_scale_command);

}  // namespace fleetopt::cli
