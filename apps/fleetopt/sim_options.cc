#include "sim_options.h"

#include <cstdio>

#include <fmt/format.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/trace/workload_spec.h"

namespace fleetopt::cli {

void SimOptions::add_to(CLI::App& command, bool workload_required) {
  auto* w = command.add_option("--workload,-w", workload,
                               "workload SPEC, e.g. planetlab:planetlab/20110303 (see README)");
  if (workload_required) w->required();
  command.add_option("--host", host,
                     "host capacity, e.g. cpu=32,mem=128 (default: the workload's default host)");
  command.add_option("--overcommit", overcommit,
                     "admission overcommit ratio per resource, e.g. cpu=4,mem=1 (unnamed: 1)")
      ->capture_default_str();
  command.add_option("--seed", seed, "random seed")->capture_default_str();
  command.add_flag("--json", json, "print JSON instead of a table");
}

SimConfig SimOptions::config() const {
  SimConfig c;
  c.seed = seed;
  DimMask named = 0;
  c.overcommit = parse_resources(overcommit, "--overcommit", &named);
  // A ratio of 0 that was written is an error, not "unnamed, so 1".
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(named, d) && c.overcommit[d] == 0) {
      throw InputError::field("--overcommit." + std::string(kDimNames[static_cast<std::size_t>(d)]),
                              "a ratio must be > 0, got 0");
    }
  }
  for (int d = 0; d < kMaxDims; ++d) {
    if (c.overcommit[d] == 0) c.overcommit[d] = 1;
    if (c.overcommit[d] < 1e-6 || c.overcommit[d] > 1e6) {
      throw InputError::field("--overcommit", "ratios must lie in [1e-6, 1e6]");
    }
  }
  if (!host.empty()) c.host_capacity = parse_resources(host, "--host");
  return c;
}

Workload load_for_command(const std::string& spec, const GlobalOptions& global, bool quiet) {
  LoadOptions options;
  options.data_dir = data_dir(global.data);
  ReadReport report;
  Workload w = load_workload(spec, options, &report);
  if (!quiet) {
    std::string text = report.text();
    if (!text.empty()) std::fprintf(stderr, "%s", text.c_str());
  }
  return w;
}

std::vector<Resources> hosts_per_workload(const std::vector<std::string>& hosts, std::size_t workloads) {
  if (hosts.size() > 1 && hosts.size() != workloads) {
    throw InputError::field("--host", fmt::format("give one host for every workload or one per --workload "
                                                  "({} workloads, {} hosts)", workloads, hosts.size()));
  }
  std::vector<Resources> out(workloads);
  for (std::size_t i = 0; i < workloads && !hosts.empty(); ++i) {
    out[i] = parse_resources(hosts[hosts.size() == 1 ? 0 : i], "--host");
  }
  return out;
}

nlohmann::json metrics_json(const SimMetrics& m) {
  return {
      {"policy", m.policy},
      {"hosts", m.hosts},
      {"overload_rate", m.overload_rate},
      {"host_overload_share", m.host_overload_share},
      {"rejected", m.rejected},
      {"active_host_hours", m.active_host_hours},
      {"peak_to_average", m.peak_to_average},
      {"decisions", m.decisions},
      {"decision_ns_p50", m.decision_ns_p50},
      {"decision_ns_p99", m.decision_ns_p99},
      {"wall_seconds", m.wall_seconds},
      {"steps", m.steps},
      {"vm_steps", m.vm_steps},
  };
}

nlohmann::json sizing_json(const std::string& policy, const SizingResult& r) {
  nlohmann::json j = metrics_json(r.at_size);
  j["policy"] = policy;
  j["found"] = r.found;
  j["servers_needed"] = r.found ? nlohmann::json(r.servers_needed) : nlohmann::json(nullptr);
  j["lower_bound_hosts"] = r.lower_bound;
  j["simulations"] = r.simulations;
  j["set_by"] = r.set_by;
  return j;
}

nlohmann::json resources_json(const Resources& r, DimMask dims) {
  nlohmann::json j = nlohmann::json::object();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d)) j[std::string(kDimNames[static_cast<std::size_t>(d)])] = r[d];
  }
  return j;
}

}  // namespace fleetopt::cli
