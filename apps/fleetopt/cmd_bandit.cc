// fleetopt bandit: serverless function placement as a constrained bandit
// (KL-UCB bounds + an LP) against the oracle and greedy baselines.
//   bandit generate   synthetic instance as in the paper
//   bandit azure      instance from the Azure Functions 2019 trace
//   bandit oracle     the LP on the true means
//   bandit run        simulate an algorithm; relative gap, max constraint, time
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/faas/algorithm.h"
#include "fleetopt/faas/azure_functions.h"
#include "fleetopt/faas/baselines.h"
#include "fleetopt/faas/instance.h"
#include "fleetopt/faas/simulation.h"
#include "fleetopt/faas/synthetic.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using nlohmann::json;

struct RejectArgs {
  bool enabled = false;
  double cost = 1.0;
  void add_to(CLI::App& app) {
    app.add_flag("--reject", enabled,
                 "add a reject node (infinite capacity, cost --reject-cost) so the LP is always "
                 "feasible");
    app.add_option("--reject-cost", cost, "cost of rejecting a function, in [0, 1e6]")->capture_default_str();
  }
  faas::RejectOption option() const {
    limits::check_range(cost, 0, limits::kMaxCost, "--reject-cost");  // also when --reject is off: a typo is a typo
    return {enabled, cost};
  }
};

// ---- generate ---------------------------------------------------------------

struct GenerateArgs {
  faas::SyntheticOptions synthetic;
  std::string out;
  bool allow_infeasible = false;
  bool json = false;
};

void run_generate(const GenerateArgs& args) {
  faas::SyntheticOptions options = args.synthetic;
  options.require_feasible = !args.allow_infeasible;
  const faas::SyntheticInstance generated = faas::generate_synthetic(options);
  const json meta = {{"generator", "synthetic (c~U(0.5,1), a~U(0,1), lambda~U(0.5,1) normalised)"},
                     {"seed", options.seed},
                     {"capacity", options.capacity},
                     {"attempts", generated.attempts}};
  faas::save_instance(generated.instance, meta, args.out);
  const faas::OracleSolution oracle = faas::solve_oracle(generated.instance, {});
  json row = {{"out", args.out},
              {"nodes", options.nodes},
              {"classes", options.classes},
              {"resources", options.resources},
              {"seed", options.seed},
              {"attempts", generated.attempts},
              {"feasible", oracle.status == faas::LpStatus::kOptimal}};
  if (oracle.status == faas::LpStatus::kOptimal) row["oracle_value"] = oracle.value;
  if (args.json) {
    print_json(row);
  } else {
    Table t(
        {"out", "nodes", "classes", "resources", "seed", "attempts", "feasible", "oracle_value"});
    t.add(row);
    std::printf("%s", t.text().c_str());
  }
}

// ---- azure ------------------------------------------------------------------

struct AzureArgs {
  faas::AzureInstanceOptions options;
  std::string out;
  bool json = false;
};

void run_azure(const AzureArgs& args, const GlobalOptions& global) {
  const std::string dir = data_dir(global.data) + "/azure-functions-2019";
  const faas::AzureFunctionsTrace trace = faas::read_azure_functions(dir);
  const faas::AzureInstance built = faas::build_azure_instance(trace, args.options);
  faas::save_instance(built.instance, built.meta, args.out);
  const faas::OracleSolution plain = faas::solve_oracle(built.instance, {});
  const faas::OracleSolution with_reject = faas::solve_oracle(built.instance, {true, 1.0});
  json summary = {{"out", args.out},
                  {"functions", trace.functions.size()},
                  {"classes", args.options.classes},
                  {"nodes", args.options.nodes},
                  {"slot_ms", built.meta["slot_ms"]},
                  {"feasible", plain.status == faas::LpStatus::kOptimal},
                  {"oracle_value_with_reject", with_reject.value}};
  if (plain.status == faas::LpStatus::kOptimal) summary["oracle_value"] = plain.value;
  summary["classes_profile"] = built.meta["classes_profile"];
  if (args.json) {
    print_json(summary);
    return;
  }
  Table classes({"class", "functions", "invocations", "arrival", "duration_ms", "memory_mb"});
  for (int i = 0; i < built.instance.classes; ++i) {
    json row = built.meta["classes_profile"][static_cast<std::size_t>(i)];
    row["class"] = i;
    row["arrival"] = built.instance.arrival[static_cast<std::size_t>(i)];
    classes.add(row);
  }
  std::printf("%s: %zu functions -> %d classes on %d nodes, slot %.3f ms\n%s", args.out.c_str(),
              trace.functions.size(), args.options.classes, args.options.nodes,
              built.meta["slot_ms"].get<double>(), classes.text().c_str());
  std::printf("oracle value: %s (with reject node: %.6g)\n",
              plain.status == faas::LpStatus::kOptimal ? fmt::format("{:.6g}", plain.value).c_str()
                                                       : "infeasible",
              with_reject.value);
}

// ---- oracle -----------------------------------------------------------------

struct OracleArgs {
  std::string instance;
  RejectArgs reject;
  bool json = false;
};

void run_oracle(const OracleArgs& args, const GlobalOptions& global) {
  const faas::Instance instance =
      faas::load_instance(resolve_data_path(args.instance, global.data));
  const faas::OracleSolution oracle = faas::solve_oracle(instance, args.reject.option());
  if (oracle.status != faas::LpStatus::kOptimal) {
    throw InputError(fmt::format("{}: the placement LP is {}{}", args.instance,
                                 faas::to_string(oracle.status),
                                 args.reject.enabled ? "" : " (try --reject)"));
  }
  json policy = json::array();
  json reject = json::array();
  for (int i = 0; i < instance.classes; ++i) {
    json row = json::array();
    for (int j = 0; j < instance.nodes; ++j) row.push_back(oracle.policy.at(i, j));
    policy.push_back(row);
    if (args.reject.enabled) reject.push_back(oracle.policy.at(i, instance.nodes));
  }
  json out = {{"status", "optimal"}, {"value", oracle.value}, {"policy", policy}};
  if (args.reject.enabled) out["reject"] = reject;
  if (args.json) {
    print_json(out);
    return;
  }
  std::vector<std::string> columns = {"class"};
  for (int j = 0; j < instance.nodes; ++j) columns.push_back(fmt::format("node{}", j));
  if (args.reject.enabled) columns.push_back("reject");
  Table t(columns);
  for (int i = 0; i < instance.classes; ++i) {
    json row = {{"class", i}};
    for (int j = 0; j < oracle.policy.columns(); ++j)
      row[columns[static_cast<std::size_t>(j) + 1]] = oracle.policy.at(i, j);
    t.add(row);
  }
  std::printf("oracle value (expected cost per slot): %.6g\n%s", oracle.value, t.text().c_str());
}

// ---- run --------------------------------------------------------------------

struct RunArgs {
  std::string instance;
  std::string demand_feedback = "all";
  faas::ExperimentOptions experiment;
  RejectArgs reject;
  bool json = false;
};

void run_run(RunArgs args, const GlobalOptions& global) {
  const faas::Instance instance =
      faas::load_instance(resolve_data_path(args.instance, global.data));
  args.experiment.algorithm_options.reject = args.reject.option();
  args.experiment.algorithm_options.demand_feedback = args.demand_feedback == "chosen"
                                                          ? faas::DemandFeedback::kChosenNode
                                                          : faas::DemandFeedback::kAllNodes;
  Progress progress("bandit " + args.experiment.algorithm,
                    static_cast<std::uint64_t>(args.experiment.runs));
  const faas::ExperimentResult r =
      faas::run_experiment(instance, args.experiment, [&] { progress.advance(); });
  progress.done();

  double solves = 0, infeasible = 0;
  int over_capacity = 0;
  for (const auto& run : r.runs) {
    over_capacity += run.max_constraint > 1.0 ? 1 : 0;
    solves += static_cast<double>(run.lp_solves) / static_cast<double>(r.runs.size());
    infeasible += static_cast<double>(run.lp_infeasible) / static_cast<double>(r.runs.size());
  }
  json curve = json::array();
  for (std::size_t p = 0; p < r.checkpoints.size(); ++p) {
    curve.push_back({{"t", r.checkpoints[p]},
                     {"relative_gap", r.gap_curve[p]},
                     {"max_constraint", r.constraint_curve[p]}});
  }
  const json summary = {{"instance", args.instance},
                        {"algorithm", args.experiment.algorithm},
                        {"horizon", args.experiment.horizon},
                        {"runs", args.experiment.runs},
                        {"seed", args.experiment.seed},
                        {"reject", args.reject.enabled},
                        {"demand_feedback", args.demand_feedback},
                        {"oracle_value", r.oracle_value},
                        {"relative_gap", r.relative_gap},
                        {"relative_gap_min", r.relative_gap_min},
                        {"relative_gap_max", r.relative_gap_max},
                        {"max_constraint", r.max_constraint},
                        {"max_constraint_mean", r.max_constraint_mean},
                        {"runs_over_capacity", over_capacity},
                        {"policy_constraint", r.policy_constraint},
                        {"average_cost_gap", r.average_cost_gap},
                        {"per_decision_us", r.per_decision_us},
                        {"lp_solves", solves},
                        {"lp_infeasible", infeasible}};
  if (args.json) {
    json out = summary;
    out["curve"] = curve;
    print_json(out);
    return;
  }
  Table t({"algorithm", "horizon", "runs", "relative_gap", "relative_gap_min", "relative_gap_max",
           "max_constraint", "runs_over_capacity", "average_cost_gap", "per_decision_us",
           "lp_solves"});
  t.add(summary);
  Table c({"t", "relative_gap", "max_constraint"});
  const std::size_t stride = std::max<std::size_t>(1, curve.size() / 10);
  for (std::size_t p = stride - 1; p < curve.size(); p += stride) c.add(curve[p]);
  std::printf("oracle value %.6g\n%s\n%s", r.oracle_value, t.text().c_str(), c.text().c_str());
}

void add_bandit_command(CLI::App& app, GlobalOptions& global) {
  auto* bandit = app.add_subcommand(
      "bandit", "serverless function placement: constrained bandit (KL-UCB + LP) vs baselines");
  bandit->require_subcommand(1);

  auto* generate = bandit->add_subcommand("generate", "write a synthetic instance (paper's setup)");
  auto gen = std::make_shared<GenerateArgs>();
  generate->add_option("--nodes", gen->synthetic.nodes, "N")
      ->required()
      ->check(CLI::Range(1, faas::kMaxNodes));
  generate->add_option("--classes", gen->synthetic.classes, "M")
      ->required()
      ->check(CLI::Range(1, faas::kMaxClasses));
  generate->add_option("--resources", gen->synthetic.resources, "K")
      ->required()
      ->check(CLI::Range(1, faas::kMaxResources));
  generate->add_option("--seed", gen->synthetic.seed, "seed")->capture_default_str();
  generate->add_option("--capacity", gen->synthetic.capacity, "every node's capacity per resource")
      ->capture_default_str();
  generate->add_option("--out", gen->out, "instance JSON to write")->required();
  generate->add_flag("--allow-infeasible", gen->allow_infeasible,
                     "keep the first draw even if no policy fits (default: redraw until feasible)");
  generate->add_flag("--json", gen->json, "print JSON");
  generate->callback([gen] { run_generate(*gen); });

  auto* azure = bandit->add_subcommand(
      "azure", "write an instance built from the Azure Functions 2019 trace (see docs/faas.md)");
  auto az = std::make_shared<AzureArgs>();
  azure->add_option("--classes", az->options.classes, "M: function classes (k-means)")
      ->capture_default_str();
  azure->add_option("--nodes", az->options.nodes, "N: heterogeneous nodes")->capture_default_str();
  azure->add_option("--seed", az->options.seed, "seed (k-means++, node jitter)")
      ->capture_default_str();
  azure
      ->add_option("--arrival-load", az->options.arrival_load,
                   "probability that a slot holds an arrival (fixes the slot length)")
      ->capture_default_str();
  azure->add_option("--headroom", az->options.headroom, "fleet capacity over average load")
      ->capture_default_str();
  azure->add_option("--out", az->out, "instance JSON to write")->required();
  azure->add_flag("--json", az->json, "print JSON");
  azure->callback([az, &global] { run_azure(*az, global); });

  auto* oracle = bandit->add_subcommand("oracle", "solve the LP on the true means");
  auto orc = std::make_shared<OracleArgs>();
  oracle->add_option("--instance", orc->instance, "instance JSON ($DATA/ or @/ prefix allowed)")
      ->required();
  orc->reject.add_to(*oracle);
  oracle->add_flag("--json", orc->json, "print JSON");
  oracle->callback([orc, &global] { run_oracle(*orc, global); });

  auto* run = bandit->add_subcommand("run", "simulate an algorithm on an instance");
  auto ra = std::make_shared<RunArgs>();
  run->add_option("--instance", ra->instance, "instance JSON ($DATA/ or @/ prefix allowed)")
      ->required();
  run->add_option("--algorithm", ra->experiment.algorithm,
                  "base, fast, greedy, epsilon, random, oracle")
      ->capture_default_str();
  run->add_option("--horizon", ra->experiment.horizon, "T: slots per run")->capture_default_str();
  run->add_option("--runs", ra->experiment.runs, "independent runs")->capture_default_str();
  run->add_option("--seed", ra->experiment.seed, "seed")->capture_default_str();
  run->add_option("--threads", ra->experiment.threads,
                  "runs simulated in parallel (timings are cleanest with 1)")
      ->capture_default_str();
  run->add_option("--checkpoints", ra->experiment.checkpoints,
                  "windows of the curve (final gap: the last window)")
      ->capture_default_str();
  run->add_option("--rho", ra->experiment.algorithm_options.rho, "fast: geometric update ratio")
      ->capture_default_str();
  run->add_option("--period", ra->experiment.algorithm_options.period,
                  "fast: also update every this many slots (0: never)")
      ->capture_default_str();
  run->add_option("--warmup", ra->experiment.algorithm_options.warmup,
                  "uniform warm-up slots (-1: N*M for fast/greedy/epsilon, 0 for base)")
      ->capture_default_str();
  run->add_option(
         "--explore", ra->experiment.algorithm_options.explore,
         "fast: share of each class kept for exploration (floor explore*(1-t/T)/N per node)")
      ->capture_default_str();
  run->add_option("--epsilon", ra->experiment.algorithm_options.epsilon,
                  "epsilon-greedy: share of uniform placements")
      ->capture_default_str();
  run->add_option("--demand-feedback", ra->demand_feedback,
                  "all: an arrival's use of every node is revealed (the paper's model); chosen: "
                  "only the use on the node it was placed on")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "chosen"}));
  ra->reject.add_to(*run);
  run->add_flag("--json", ra->json, "print JSON (with the curve)");
  run->callback([ra, &global] { run_run(*ra, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(50, add_bandit_command);

}  // namespace fleetopt::cli
