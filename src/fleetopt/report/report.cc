#include "fleetopt/report/report.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/report/sections.h"

namespace fleetopt::report {

using nlohmann::json;

std::string result_kind(const json& j) {
  auto has = [&](const json& o, std::initializer_list<const char*> keys) {
    if (!o.is_object()) return false;
    for (const char* k : keys) {
      if (!o.contains(k)) return false;
    }
    return true;
  };
  if (j.is_array()) {
    if (!j.empty() && has(j[0], {"energy_kwh", "migrations", "policy"})) return "consolidate";
    return "";
  }
  if (!j.is_object()) return "";
  if (has(j, {"results"}) && j["results"].is_array() && !j["results"].empty()) {
    const json& r0 = j["results"][0];
    if (has(r0, {"servers_needed", "policy"})) return "size";
    if (has(r0, {"autoscaler", "repetitions"})) return "scale";
    if (has(r0, {"strategy", "savings_usd", "penalties_usd"})) return "reclaim";
    if (has(r0, {"energy_kwh", "migrations", "policy"})) return "consolidate";
  }
  if (has(j, {"energy_kwh", "migrations", "policy"})) return "consolidate";  // one day, one policy
  if (has(j, {"algorithm", "curve"})) return "bandit";
  if (has(j, {"hosts_before", "hosts_after", "lower_bound_hosts", "plan"})) return "rearrange";
  if (has(j, {"migrations", "stages", "status"})) return "plan";
  if (has(j, {"policy", "hosts", "overload_rate"})) return "simulate";
  return "";
}

ResultFile load_result(const std::string& path) {
  ResultFile f;
  f.path = path;
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const InputError& e) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path + ": cannot read: " + e.what());
  }
  if (text.rfind(detail::kMarginsHeader, 0) == 0) {
    f.kind = "reclaim-margins";
    f.csv = std::move(text);
    return f;
  }
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(path + ": not a fleetopt JSON result (" + std::string(e.what()) + ")");
  }
  if (j.is_object() && j.contains("error") && j.size() == 1) {
    throw InputError(path + ": holds an error report of fleetopt, not a result: " + j["error"].value("message", "?"));
  }
  if (j.is_object() && j.contains("result") && j.contains("command") && j["command"].is_string()) {
    f.command = j["command"].get<std::string>();
    if (j.contains("machine") && j["machine"].is_string()) f.machine = j["machine"].get<std::string>();
    json inner = j["result"];
    j = std::move(inner);
  }
  f.kind = result_kind(j);
  if (f.kind.empty()) {
    throw InputError(path + ": not a result of a known fleetopt command (expected the --json output of size, "
                            "simulate, bandit run, rearrange, plan, consolidate, scale or reclaim)");
  }
  f.data = std::move(j);
  return f;
}

Page build_page(const std::vector<ResultFile>& files, const ReportOptions& options) {
  std::map<std::string, std::vector<const ResultFile*>> by;
  for (const ResultFile& f : files) by[f.kind].push_back(&f);
  auto get = [&](const char* k) { return by.count(k) ? by[k] : std::vector<const ResultFile*>{}; };
  Page page;
  page.title = options.title;
  page.subtitle = options.subtitle;
  // Errors in one file's fields name that file; a chart error names the chart.
  auto section = [&](const char* id, const char* title, const char* intro, auto&& fill) {
    Section s;
    s.id = id;
    s.title = title;
    s.intro = intro;
    try {
      fill(s);
    } catch (const json::exception& e) {
      throw InputError(std::string(title) + " results: malformed value: " + e.what());
    }
    page.sections.push_back(std::move(s));
  };
  if (!get("size").empty() || !get("simulate").empty()) {
    section("placement", "VM placement", "Servers each placement policy needs to keep overload under the limit.",
            [&](Section& s) { detail::placement(get("size"), get("simulate"), s); });
  }
  if (!get("bandit").empty()) {
    section("bandit", "Serverless function placement (bandit)",
            "Constrained bandit (KL-UCB + LP) learning where functions run, against the oracle that knows the means.",
            [&](Section& s) { detail::bandit(get("bandit"), s); });
  }
  std::vector<const ResultFile*> rearr = get("rearrange");
  for (const ResultFile* p : get("plan")) rearr.push_back(p);
  if (!rearr.empty()) {
    section("rearrangement", "Rearrangement", "A target placement for the goal and the staged migration plan to it.",
            [&](Section& s) { detail::rearrangement(rearr, s); });
  }
  if (!get("consolidate").empty()) {
    section("consolidation", "Continuous consolidation",
            "Dynamic VM consolidation in CloudSim's PlanetLab setting: energy against migrations and SLA violation.",
            [&](Section& s) { detail::consolidation(get("consolidate"), s); });
  }
  if (!get("scale").empty()) {
    section("autoscaling", "Autoscaling", "Replicas per tier of a multi-tier application for a p99 latency SLO.",
            [&](Section& s) { detail::autoscaling(get("scale"), s); });
  }
  if (!get("reclaim").empty() || !get("reclaim-margins").empty()) {
    section("reclamation", "Reclamation", "Reselling predicted-idle capacity behind a safety margin.",
            [&](Section& s) { detail::reclamation(get("reclaim"), get("reclaim-margins"), s); });
  }
  return page;
}

std::string build_report(const std::vector<std::string>& paths, const ReportOptions& options) {
  std::vector<ResultFile> files;
  files.reserve(paths.size());
  for (const std::string& p : paths) files.push_back(load_result(p));
  return render_page(build_page(files, options));
}

}  // namespace fleetopt::report
