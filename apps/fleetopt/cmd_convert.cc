// fleetopt convert: reads any workload SPEC (a real trace, a composite, the
// synthetic generator) and writes it in the canonical CSV format, printing
// what the reader did with the trace's quirks.
//   fleetopt convert --workload planetlab:planetlab/20110303 --out pl-0303
//   fleetopt convert --workload azure2017:@split=test@hours=24 --out az --json
//   fleetopt convert --list
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/trace/canonical.h"
#include "fleetopt/trace/workload_spec.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

using nlohmann::json;

struct ConvertArgs {
  std::string workload;
  std::string out;
  bool dry_run = false;
  bool list = false;
  bool json = false;
};

json resources_json(const Resources& r, DimMask dims) {
  json j = json::object();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d) || r[d] != 0) j[std::string(kDimNames[static_cast<std::size_t>(d)])] = r[d];
  }
  return j;
}

void list_readers(bool as_json) {
  Table t({"reader", "default PATH", "options", "summary"});
  for (const WorkloadReaderInfo& r : workload_readers()) {
    t.add({{"reader", r.name},
           {"default PATH", r.default_path.empty() ? "-" : r.default_path},
           {"options", fmt::format("{}", fmt::join(r.options, ","))},
           {"summary", r.summary}});
  }
  if (as_json) {
    print_json(t.json());
  } else {
    std::printf("%s", t.text().c_str());
    std::printf("\nSPEC: READER:PATH[@KEY=VALUE]...  (docs/traces.md)\n");
  }
}

void run_convert(const ConvertArgs& args, const GlobalOptions& global) {
  if (args.list) {
    list_readers(args.json);
    return;
  }
  if (args.workload.empty()) throw InputError::field("--workload", "required (or --list)");
  if (args.out.empty() && !args.dry_run) throw InputError::field("--out", "required (or --dry-run)");
  LoadOptions options;
  options.data_dir = data_dir(global.data);
  ReadReport report;
  auto t0 = std::chrono::steady_clock::now();
  Workload w = load_workload(args.workload, options, &report);
  auto t1 = std::chrono::steady_clock::now();
  if (!args.dry_run) write_canonical(w, args.out);
  auto t2 = std::chrono::steady_clock::now();

  std::size_t with_usage = 0;
  for (const Instance& inst : w.instances) with_usage += inst.shape >= 0 ? 1 : 0;
  std::string dims;
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(w.dims, d)) dims += (dims.empty() ? "" : ",") + std::string(kDimNames[static_cast<std::size_t>(d)]);
  }
  json summary = {
      {"workload", w.name},
      {"instances", w.size()},
      {"with_usage", with_usage},
      {"shapes", w.shapes.size()},
      {"samples", w.samples.size()},
      {"dims", dims},
      {"step_seconds", w.step_seconds},
      {"hours", (w.end - w.start) / 3600},
      {"default_host", format_resources(w.default_host, w.dims)},
      {"hosts", w.hosts.size()},
      {"load_seconds", std::chrono::duration<double>(t1 - t0).count()},
      {"write_seconds", std::chrono::duration<double>(t2 - t1).count()},
      {"out", args.dry_run ? json(nullptr) : json(args.out)},
  };
  if (args.json) {
    json quirks = json::object();
    for (const auto& [quirk, n] : report.counts()) quirks[quirk] = n;
    json j = summary;
    j["default_host"] = resources_json(w.default_host, w.dims);
    j["quirks"] = quirks;
    j["warnings"] = report.warnings();
    j["warnings_total"] = report.warnings_total();
    j["notes"] = report.notes();
    print_json(j);
    return;
  }
  Table t({"workload", "instances", "with_usage", "shapes", "dims", "step_seconds", "hours",
           "default_host", "hosts", "load_seconds", "write_seconds"});
  t.add(summary);
  std::printf("%s", t.text().c_str());
  if (!report.counts().empty()) {
    Table q({"quirk handled", "count"});
    for (const auto& [quirk, n] : report.counts()) q.add({{"quirk handled", quirk}, {"count", n}});
    std::printf("\n%s", q.text().c_str());
  }
  for (const std::string& note : report.notes()) std::printf("note: %s\n", note.c_str());
  for (const std::string& warning : report.warnings()) std::fprintf(stderr, "warning: %s\n", warning.c_str());
  const auto shown = static_cast<std::int64_t>(report.warnings().size());
  if (report.warnings_total() > shown) {
    std::fprintf(stderr, "warning: ... %lld more warnings not shown\n",
                 static_cast<long long>(report.warnings_total() - shown));
  }
  if (!args.dry_run) std::printf("wrote %s/{instances.csv,usage.csv,workload.json}\n", args.out.c_str());
}

void add_convert_command(CLI::App& app, GlobalOptions& global) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand(
      "convert", "read a workload SPEC (any trace reader) and write it in the canonical CSV format");
  cmd->add_option("--workload,-w", args->workload,
                  "workload SPEC READER:PATH[@KEY=VALUE]..., e.g. planetlab:planetlab/20110303");
  cmd->add_option("--out,-o", args->out, "output directory (instances.csv, usage.csv, workload.json)");
  cmd->add_flag("--dry-run", args->dry_run, "load and report only; write nothing");
  cmd->add_flag("--list", args->list, "list the readers, their default paths and options");
  cmd->add_flag("--json", args->json, "print JSON instead of tables");
  cmd->callback([args, &global] { run_convert(*args, global); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(80, add_convert_command);

}  // namespace fleetopt::cli
