// fleetopt consolidate: the day-long VM-consolidation benchmark in the setting
// of CloudSim's PlanetLab experiments (Beloglazov & Buyya 2012), with the
// classic policies beside ours.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/workload_spec.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using namespace fleetopt::consolidate;

struct ConsolidateArgs {
  std::string workload, policy = "thr-mmt,lr-mmt,fleetopt-pctl", ram = "cloudsim", fidelity = "fleetopt";
  std::string vm_order;  // "": file-name order; "dir": readdir order; else a file of names
  std::string quirks;    // "": as --fidelity; else a comma-separated list of CloudSimQuirks flags
  std::int32_t hosts = 800;
  bool json = false;
};

// The SPEC options consolidate understands. The VMs always run all day (the
// CloudSim setting), so @static=1 is accepted and @static=0 refused.
struct DayOptions {
  std::size_t vms = 0;  // 0: every series; else a seeded subset of this many
  std::uint64_t seed = 1;
  double hours = 0;  // 0: the whole day; else only the first H hours
};

DayOptions day_options(const WorkloadSpec& spec) {
  static const char* const kKnown = "hours, seed, static, vms";
  auto bad = [&](const std::string& key, const std::string& value, const char* want) {
    return InputError::field(fmt::format("--workload {}@{}", spec.reader, key),
                             fmt::format("expected {}, got '{}'", want, value));
  };
  DayOptions o;
  for (const auto& [key, value] : spec.options) {
    long long n = 0;
    if (key == "vms" || key == "seed") {
      if (!parse_int64(value, n) || n < (key == "vms" ? 1 : 0)) {
        throw bad(key, value, key == "vms" ? "a positive integer" : "a non-negative integer");
      }
      if (key == "vms") {
        o.vms = static_cast<std::size_t>(n);
      } else {
        o.seed = static_cast<std::uint64_t>(n);
      }
    } else if (key == "hours") {
      if (!parse_double(value, o.hours) || !(o.hours > 0 && o.hours <= 1e6)) {
        throw bad(key, value, "a number of hours in (0, 1e6]");
      }
    } else if (key == "static") {
      if (value != "1" && value != "true" && value != "yes") {
        throw bad(key, value, "1 (consolidate always keeps every VM all day, as CloudSim does)");
      }
    } else {
      throw InputError::field("--workload", fmt::format("{}: unknown option '{}' for consolidate (known: {})",
                                                        spec.text, key, kKnown));
    }
  }
  return o;
}

// The series a run uses: a seeded subset of `vms` of them (VM types are then
// assigned over the subset, as CloudSim does for however many series it is
// given) and the first `hours` of each.
SeriesTrace select_series(SeriesTrace all, const DayOptions& o) {
  if (o.vms > all.size()) {
    throw InputError::field("--workload", fmt::format("@vms={} but {} has only {} series", o.vms, all.name,
                                                      all.size()));
  }
  if (o.vms == 0 && o.hours <= 0) return all;
  std::vector<std::size_t> chosen(all.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) chosen[i] = i;
  if (o.vms > 0) {
    Rng rng(o.seed);
    for (std::size_t i = 0; i < o.vms; ++i) {
      std::swap(chosen[i], chosen[i + static_cast<std::size_t>(rng.below(chosen.size() - i))]);
    }
    chosen.resize(o.vms);
    std::sort(chosen.begin(), chosen.end());  // keep file-name order
  }
  const double cut_steps = o.hours > 0 ? std::ceil(o.hours * 3600 / all.step_seconds - 1e-9) : 1e18;
  SeriesTrace out;
  out.name = all.name;
  out.step_seconds = all.step_seconds;
  out.dims = all.dims;
  out.has_sizes = all.has_sizes;
  out.hosts = all.hosts;
  for (std::size_t i : chosen) {
    const UsageShape& shape = all.shapes[i];
    const double room = cut_steps - static_cast<double>(all.first_step[i]);
    if (room < 1) continue;  // starts after the window
    const auto length = static_cast<std::uint32_t>(std::min<double>(shape.length, room));
    const auto begin = all.samples.begin() + static_cast<std::ptrdiff_t>(shape.offset);
    std::vector<float> samples(begin, begin + static_cast<std::ptrdiff_t>(std::size_t{length} * shape.stride));
    out.add_series(all.ids[i], all.first_step[i], all.sizes.empty() ? Resources{} : all.sizes[i], samples, length);
  }
  if (out.size() == 0) throw InputError::field("--workload", "@hours leaves no series");
  return out;
}

// planetlab:DIR names one day (a folder of series) or a folder of days.
std::vector<std::string> day_folders(const WorkloadSpec& spec, const GlobalOptions& global) {
  if (spec.reader != "planetlab") {
    throw InputError::field("--workload", fmt::format("expected planetlab:DIR[@KEY=VALUE]..., got '{}'", spec.text));
  }
  std::string path = spec.path;
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

// The day's series names in the order --vm-order gives, or none (keep
// file-name order).
std::vector<std::string> vm_order_for(const std::string& option, const std::string& dir, std::size_t days) {
  if (option.empty()) return {};
  if (option == "dir") return directory_order(dir);
  if (days > 1) {
    throw InputError::field("--vm-order", "a list of names applies to one day; use --vm-order dir for a folder of days");
  }
  const std::string text = read_text_file(option);  // InputError naming the file
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    std::size_t lead = line.find_first_not_of(" \t");
    if (lead != std::string::npos) names.push_back(line.substr(lead));
    start = end + 1;
  }
  if (names.empty()) throw InputError::field("--vm-order", fmt::format("'{}' lists no names", option));
  return names;
}

void run_consolidate(const ConsolidateArgs& args, const GlobalOptions& global) {
  DcConfig config;
  if (args.fidelity == "cloudsim") {
    config.quirks = quirks_for(Fidelity::kCloudSim);
  } else if (args.fidelity != "fleetopt") {
    throw InputError::field("--fidelity", fmt::format("expected cloudsim or fleetopt, got '{}'", args.fidelity));
  }
  if (!args.quirks.empty()) {
    if (args.fidelity != "fleetopt") throw InputError::field("--quirks", "use either --quirks or --fidelity cloudsim");
    config.quirks = CloudSimQuirks{};
    if (args.quirks != "none") {
      for (const auto& name : split_policies(args.quirks)) {
        if (!set_quirk(config.quirks, name)) {
          throw InputError::field("--quirks", fmt::format("unknown CloudSim behaviour '{}' (known: {})", name,
                                                          quirk_names()));
        }
      }
    }
  }
  if (args.ram == "strict") {
    config.ram = RamModel::kStrict;
  } else if (args.ram != "cloudsim") {
    throw InputError::field("--ram", fmt::format("expected cloudsim or strict, got '{}'", args.ram));
  }
  auto policies = split_policies(args.policy);
  for (const auto& p : policies) make_consolidation_policy(p);  // fail early on a bad name
  const WorkloadSpec spec = WorkloadSpec::parse(args.workload);
  const DayOptions day = day_options(spec);
  nlohmann::json rows = nlohmann::json::array();
  const std::vector<std::string> days = day_folders(spec, global);
  Progress progress("consolidate", days.size() * policies.size());
  for (const auto& dir : days) {
    ReadReport report;
    SeriesTrace trace = read_planetlab(dir, &report);
    const std::vector<std::string> order = vm_order_for(args.vm_order, dir, days.size());
    if (!order.empty()) trace = reorder_series(trace, order);
    DcSetup setup = cloudsim_planetlab_setup(select_series(std::move(trace), day), args.hosts);
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
                      {"active_hosts", m.active_hosts},
                      {"rejected_moves", m.rejected_moves},
                      {"vms_left", m.vms_left},
                      {"vms_not_created", m.vms_not_created},
                      {"ram_model", args.ram},
                      {"fidelity", args.fidelity},
                      {"wall_seconds", m.wall_seconds}});
      progress.advance();
    }
  }
  progress.done();
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
  cmd->add_option("--workload,-w", args->workload,
                  "planetlab:DIR[@vms=N][@seed=S][@hours=H] -- one day's folder, or a folder of days; "
                  "@vms keeps a seeded subset of N series, @hours the first H hours")
      ->required();
  std::string known;
  for (const auto& [name, summary] : consolidation_policies()) known += fmt::format("\n  {}: {}", name, summary);
  cmd->add_option("--policy,-p", args->policy, "comma-separated policies:" + known);
  cmd->add_option("--ram", args->ram, "cloudsim (RAM checked at creation only, as in CloudSim) or strict");
  cmd->add_option("--fidelity", args->fidelity,
                  "fleetopt (default: VMs never vanish, power from real utilisation, no double draining) or "
                  "cloudsim (CloudSim 4.0's behaviours, quirks included; see docs/consolidate.md)");
  cmd->add_option("--quirks", args->quirks,
                  "fleetopt's model with only these CloudSim behaviours (comma-separated, or none): " + quirk_names());
  cmd->add_option("--vm-order", args->vm_order,
                  "order of the day's series, which sets each VM's type as CloudSim does: FILE (one file name a "
                  "line, e.g. as CloudSim's File.listFiles() returned them) or 'dir' (the directory's own, "
                  "unsorted order); default: file-name order");
  cmd->add_option("--hosts", args->hosts, "hosts, alternating G4 and G5")->check(CLI::Range(1, 1'000'000));
  cmd->add_flag("--json", args->json,
                "print JSON (one object for one run, else an array): energy_kwh, migrations, slatah, pdm, slav, "
                "wall_seconds");
  cmd->callback([args, &global] { run_consolidate(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(62, add_consolidate_command);

}  // namespace fleetopt::cli
