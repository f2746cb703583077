// fleetopt report: one HTML page from the JSON results the commands print
// with --json (size, simulate, bandit run, rearrange, plan, consolidate,
// scale, reclaim) and reclaim's --margins-csv. Each file's kind is recognised
// by its fields; files of one kind are drawn together.
//
// A result may come wrapped as {"command": "...", "machine": "...",
// "result": {...}} (what `fleetopt demo` writes): the page then shows the
// exact command and machine; otherwise it shows the command rebuilt from the
// result's fields and says the machine was not recorded.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/report/html.h"

namespace fleetopt::report {

struct ResultFile {
  std::string path;
  std::string kind;  // size, simulate, bandit, rearrange, plan, consolidate, scale, reclaim, reclaim-margins
  nlohmann::json data;
  std::string command;  // empty: not recorded
  std::string machine;  // empty: not recorded
  std::string csv;      // reclaim-margins: the CSV text
};

// The kind of a --json result, or "" when no known command writes it.
std::string result_kind(const nlohmann::json& j);

// Reads and recognises one file. Throws InputError naming the file when it
// cannot be read, is not JSON (or the margins CSV), is an error report, or
// has no known kind.
ResultFile load_result(const std::string& path);

struct ReportOptions {
  std::string title = "fleetopt report";
  std::string subtitle;  // e.g. which data the results came from
};

// Builds the page. Throws InputError naming the file when a recognised file
// lacks a field its plots need or holds a non-finite number.
Page build_page(const std::vector<ResultFile>& files, const ReportOptions& options);

// load_result on each path, build_page, render_page.
std::string build_report(const std::vector<std::string>& paths, const ReportOptions& options);

}  // namespace fleetopt::report
