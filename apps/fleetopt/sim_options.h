// Options shared by the commands that replay a workload: which workload, the
// host type, overcommit ratios and seed; and the JSON form of the metrics.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/sim/fleet_sizing.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::cli {

struct SimOptions {
  std::string workload;
  std::string host;  // "cpu=32,mem=128"; empty: the workload's default host
  std::string overcommit = "cpu=8";  // see README: why 8
  std::uint64_t seed = 1;
  bool json = false;

  void add_to(CLI::App& command, bool workload_required = true);
  // Builds the SimConfig (hosts left 0) and validates the flags.
  SimConfig config() const;
};

// Loads the workload named by spec, printing what the reader could not read
// (with file and line) to stderr, unless quiet.
Workload load_for_command(const std::string& spec, const GlobalOptions& global, bool quiet);

// For the trainers' --host: given once, it applies to every --workload;
// given once per --workload, the i-th to the i-th (sources of different host
// sizes); not given, each workload rolls out on its own default host (all
// zero). Throws InputError naming --host on any other count.
std::vector<Resources> hosts_per_workload(const std::vector<std::string>& hosts, std::size_t workloads);

nlohmann::json metrics_json(const SimMetrics& m);
nlohmann::json sizing_json(const std::string& policy, const SizingResult& r);
// {"cpu": .., "mem": ..} over the dimensions in `dims`.
nlohmann::json resources_json(const Resources& r, DimMask dims);

}  // namespace fleetopt::cli
