// fleetopt report: one self-contained HTML page (inline SVG charts, no
// network at view time) from the JSON results other commands print with
// --json, and reclaim's --margins-csv.
//   fleetopt size ... --json > size.json; fleetopt scale ... --json > scale.json
//   fleetopt report --from size.json scale.json --out report.html
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/report/report.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> from;
  std::string out, title = "fleetopt report", subtitle;
  bool json = false;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

void run_report(const ReportArgs& args) {
  if (args.from.empty()) throw InputError::field("--from", "give at least one result file");
  check_output_file(args.out, "--out");
  std::vector<report::ResultFile> files;
  for (const std::string& path : args.from) files.push_back(report::load_result(path));
  report::ReportOptions options;
  options.title = args.title;
  options.subtitle = args.subtitle;
  const report::Page page = report::build_page(files, options);
  const std::string html = report::render_page(page);
  write_file_atomically(args.out, html);
  const std::size_t charts = count(html, "<svg");
  if (args.json) {
    nlohmann::json j = {{"out", args.out}, {"bytes", html.size()}, {"charts", charts}, {"files", nlohmann::json::array()}};
    for (const auto& f : files) j["files"].push_back({{"path", f.path}, {"kind", f.kind}});
    print_json(j);
    return;
  }
  Table t({"file", "kind"});
  for (const auto& f : files) t.add({{"file", f.path}, {"kind", f.kind}});
  std::printf("%s", t.text().c_str());
  std::printf("wrote %s: %zu sections, %zu charts, %zu KB\n", args.out.c_str(), page.sections.size(), charts,
              (html.size() + 1023) / 1024);
}

void add_report_command(CLI::App& app, GlobalOptions&) {
  auto* cmd = app.add_subcommand("report", "one self-contained HTML page of charts from --json results "
                                           "(size, simulate, bandit run, rearrange, plan, consolidate, scale, reclaim)");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("--from", args->from, "result files: the --json output of a command (or reclaim's --margins-csv)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--out,-o", args->out, "HTML file to write (atomically)")->required();
  cmd->add_option("--title", args->title, "page title")->capture_default_str();
  cmd->add_option("--subtitle", args->subtitle, "a line under the title, e.g. where the data came from");
  cmd->add_flag("--json", args->json, "print JSON: {out, bytes, charts, files: [{path, kind}]}");
  cmd->callback([args] { run_report(*args); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(90, add_report_command);

}  // namespace fleetopt::cli
