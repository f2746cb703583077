// fleetopt size: servers needed per policy under an overload limit.
#include <atomic>
#include <cstdio>
#include <mutex>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/placement/placer.h"
#include "sim_options.h"
#include "size_table.h"
#include "table.h"

namespace fleetopt::cli {

std::vector<SizingRow> size_policies(const Workload& workload, const std::vector<std::string>& policies,
                                     const SimConfig& base, const SizingOptions& options, int seeds) {
  for (const auto& p : policies) make_placer(p);  // fail fast on a bad name, before any work
  std::vector<SizingRow> rows(policies.size());
  Progress progress("sizing", policies.size());
  std::mutex progress_mutex;
  // Policies are independent; TBB spreads them (and each one's seeds) over the cores.
  tbb::parallel_for(std::size_t{0}, policies.size(), [&](std::size_t i) {
    rows[i].policy = policies[i];
    rows[i].sizing = size_fleet_seeds(workload, [&] { return make_placer(policies[i]); }, base, options, seeds);
    std::lock_guard lock(progress_mutex);
    progress.advance();
  });
  progress.done();
  return rows;
}

void print_sizing(const std::vector<SizingRow>& rows, const SizingOptions& options, int threads, bool json,
                  const std::string& workload_spec, const Workload& w, const SimConfig& config) {
  const double limit = options.overload_limit;
  nlohmann::json results = nlohmann::json::array();
  bool several = false;
  for (const auto& row : rows) {
    const SeededSizing& s = row.sizing;
    // The metrics are those of the seed at the median.
    nlohmann::json j = sizing_json(row.policy, s.per_seed[s.representative]);
    if (s.seeds.size() > 1) {
      several = true;
      j["found"] = s.found;
      j["servers_needed"] = s.found ? nlohmann::json(s.median_servers) : nlohmann::json(nullptr);
      j["seeds"] = s.seeds;
      nlohmann::json per_seed = nlohmann::json::array();
      for (const SizingResult& r : s.per_seed) {
        per_seed.push_back(r.found ? nlohmann::json(r.servers_needed) : nlohmann::json(nullptr));
      }
      j["servers_needed_per_seed"] = per_seed;
    }
    results.push_back(std::move(j));
  }
  if (json) {
    print_json({{"workload", workload_spec},
                {"overload_limit", limit},
                {"vms", w.size()},
                {"host", resources_json(effective_host(w, config), w.dims)},
                {"overcommit", resources_json(config.overcommit, w.dims)},
                {"seeds", rows.empty() ? std::vector<std::uint64_t>{config.seed} : rows.front().sizing.seeds},
                {"scan_below", options.scan_below},
                {"threads", threads},
                {"results", results}});
    return;
  }
  // set_by: what decides servers_needed (requests, rejections or overload);
  // rejected: VMs the reported run could not admit (non-zero only for ">N").
  std::vector<std::string> columns = {"policy", "servers_needed", "lower_bound_hosts", "set_by", "rejected",
                                      "overload_rate", "peak_to_average", "active_host_hours", "decision_ns_p99"};
  if (several) columns.insert(columns.begin() + 2, "per_seed");
  Table t(columns);
  for (auto r : results) {
    if (r["servers_needed"].is_null()) r["servers_needed"] = fmt::format(">{}", r["hosts"].get<int>());
    if (several) {
      std::string per_seed;
      for (const auto& v : r["servers_needed_per_seed"]) {
        per_seed += (per_seed.empty() ? "" : "/") + (v.is_null() ? std::string("never") : v.dump());
      }
      r["per_seed"] = per_seed;
    }
    t.add(r);
  }
  std::printf("%s: %zu VMs, overload limit %g%s\n%s", w.name.c_str(), w.size(), limit,
              several ? fmt::format(", median over {} seeds", rows.front().sizing.seeds.size()).c_str() : "",
              t.text().c_str());
}

namespace {

struct SizeArgs {
  SimOptions sim;
  std::string policies;
  double limit = 0.01;
  int scan_below = 3;
  int seeds = 1;
  int threads = 0;  // 0: the cores TBB may use here
};

void run_size(const SizeArgs& args, const GlobalOptions& global) {
  // Policies and seeds run as TBB tasks (size_policies, size_fleet_seeds);
  // this caps every worker of the process for the command's duration.
  const int threads = args.threads > 0 ? args.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  SimConfig base = args.sim.config();
  SizingOptions options;
  options.overload_limit = args.limit;
  options.scan_below = args.scan_below;
  auto names = split_policy_list(args.policies);
  if (names.empty()) throw InputError::field("--policy", "name at least one policy");
  Workload w = load_for_command(args.sim.workload, global, args.sim.json);
  auto rows = size_policies(w, names, base, options, args.seeds);
  print_sizing(rows, options, threads, args.sim.json, args.sim.workload, w, base);
}

void add_size_command(CLI::App& app, GlobalOptions& global) {
  auto* size = app.add_subcommand("size", "servers needed per policy under an overload limit");
  auto args = std::make_shared<SizeArgs>();
  args->sim.add_to(*size);
  size->add_option("--policy,-p", args->policies, "policies, comma-separated")->required();
  size->add_option("--overload-limit", args->limit, "largest acceptable overload rate")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  size->add_option("--scan-below", args->scan_below,
                   "sizes under the bisection's answer that are also tried (non-monotone curves)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  size->add_option("--seeds", args->seeds,
                   "simulation seeds (from --seed on); servers_needed is then the median, "
                   "servers_needed_per_seed lists each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  size->add_option("--threads", args->threads,
                   "threads for the policies and seeds sized in parallel (default: the machine's cores; "
                   "1: serial); the results do not depend on it")
      ->check(CLI::Range(1, 4096));
  size->callback([args, &global] { run_size(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(30, add_size_command);

}  // namespace fleetopt::cli
