// fleetopt consolidate: the day-long VM-consolidation benchmark in the setting
// of CloudSim's PlanetLab experiments (Beloglazov & Buyya 2012), with the
// classic policies beside ours.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/rearrange/dc_sim.h"
#include "fleetopt/rearrange/target.h"
#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/workload_spec.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using namespace fleetopt::rearrange;

struct ConsolidateArgs {
  std::string workload, policy = "thr-mmt,lr-mmt,fleetopt-pctl", ram = "cloudsim";
  std::int32_t hosts = 800;
  bool json = false;
};

// planetlab:DIR names one day (a folder of series) or a folder of days.
std::vector<std::string> day_folders(const std::string& spec, const GlobalOptions& global) {
  auto colon = spec.find(':');
  if (colon == std::string::npos || spec.substr(0, colon) != "planetlab") {
    throw InputError::field("--workload", fmt::format("expected planetlab:DIR, got '{}'", spec));
  }
  std::string path = spec.substr(colon + 1);
  if (path.empty()) path = "planetlab/20110303";
  std::string dir = resolve_trace_path(path, data_dir(global.data));
  namespace fs = std::filesystem;
  std::vector<std::string> days;
  bool has_files = false;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) days.push_back(entry.path().string());
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') has_files = true;
  }
  if (has_files) return {dir};
  if (days.empty()) throw InputError(fmt::format("{}: no PlanetLab series or day folders", dir));
  std::sort(days.begin(), days.end());
  return days;
}

std::vector<std::string> split_policies(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  if (out.empty()) throw InputError::field("--policy", "expected at least one policy");
  return out;
}

void run_consolidate(const ConsolidateArgs& args, const GlobalOptions& global) {
  DcConfig config;
  if (args.ram == "strict") {
    config.ram = RamModel::kStrict;
  } else if (args.ram != "cloudsim") {
    throw InputError::field("--ram", fmt::format("expected cloudsim or strict, got '{}'", args.ram));
  }
  auto policies = split_policies(args.policy);
  for (const auto& p : policies) make_consolidation_policy(p);  // fail early on a bad name
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& dir : day_folders(args.workload, global)) {
    ReadReport report;
    DcSetup setup = cloudsim_planetlab_setup(read_planetlab(dir, &report), args.hosts);
    if (!args.json && !report.text().empty()) std::fprintf(stderr, "%s", report.text().c_str());
    for (const auto& p : policies) {
      auto policy = make_consolidation_policy(p);
      DcMetrics m = simulate_consolidation(setup, *policy, config);
      rows.push_back({{"day", std::filesystem::path(dir).filename().string()},
                      {"policy", p},
                      {"vms", m.vms},
                      {"energy_kwh", m.energy_kwh},
                      {"migrations", m.migrations},
                      {"slatah", m.slatah},
                      {"pdm", m.pdm},
                      {"slav", m.slav},
                      {"mean_active_hosts", m.mean_active_hosts},
                      {"rejected_moves", m.rejected_moves},
                      {"ram_model", args.ram},
                      {"wall_seconds", m.wall_seconds}});
    }
  }
  if (args.json) {
    print_json(rows.size() == 1 ? rows[0] : rows);
    return;
  }
  Table t({"day", "policy", "vms", "energy_kwh", "migrations", "slatah", "pdm", "slav", "mean_active_hosts",
           "wall_seconds"});
  for (const auto& r : rows) t.add(r);
  std::printf("%s", t.text().c_str());
}

void add_consolidate_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "consolidate", "day-long dynamic VM consolidation on PlanetLab in CloudSim's setting (800 hosts, SPECpower)");
  auto args = std::make_shared<ConsolidateArgs>();
  cmd->add_option("--workload,-w", args->workload, "planetlab:DIR -- one day's folder, or a folder of days")
      ->required();
  std::string known;
  for (const auto& [name, summary] : consolidation_policies()) known += fmt::format("\n  {}: {}", name, summary);
  cmd->add_option("--policy,-p", args->policy, "comma-separated policies:" + known);
  cmd->add_option("--ram", args->ram, "cloudsim (RAM checked at creation only, as in CloudSim) or strict");
  cmd->add_option("--hosts", args->hosts, "hosts, alternating G4 and G5")->check(CLI::Range(1, 1'000'000));
  cmd->add_flag("--json", args->json,
                "print JSON (one object for one run, else an array): energy_kwh, migrations, slatah, pdm, slav, "
                "wall_seconds");
  cmd->callback([args, &global] { run_consolidate(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(62, add_consolidate_command);

}  // namespace fleetopt::cli
