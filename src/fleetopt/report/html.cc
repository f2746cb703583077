#include "fleetopt/report/html.h"

#include "fleetopt/report/svg.h"

namespace fleetopt::report {
namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c9cfdb}
nav{padding:8px 28px;background:#e9ecf1;font-size:13px}nav a{margin-right:14px;color:#1d4f91}
main{padding:8px 28px 28px}section{margin:18px 0 26px}
h2{font-size:18px;border-bottom:2px solid #d4d9e2;padding-bottom:4px}
.intro{margin:4px 0 10px;color:#3c4454}.note{color:#8a5a00;background:#fff6e0;padding:4px 8px;border-radius:4px}
figure{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start;margin:12px 0;background:#fff;
border:1px solid #dde2ea;border-radius:6px;padding:10px}
figcaption{flex-basis:100%;font-size:12.5px;color:#3c4454}
.numbers{max-height:300px;overflow:auto;font-size:12px}
table{border-collapse:collapse}th,td{padding:2px 8px;border-bottom:1px solid #e3e7ee;text-align:right}
th{background:#f0f2f6;position:sticky;top:0}td:first-child,th:first-child{text-align:left}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f0f2f6;padding:1px 4px;border-radius:3px;
word-break:break-all}
.prov{color:#6a7385}
svg.chart{background:#fff;font-size:11px;font-family:system-ui,sans-serif}
svg .title{font-size:13px;font-weight:600}svg .label{font-size:11.5px;fill:#3c4454}
svg .grid{stroke:#e6e9ef}svg .frame,svg .tick{stroke:#555}svg .whisker{stroke:#222;stroke-width:1.2;fill:none}
svg .nodata{fill:#999;font-size:14px}
)";

std::string esc(const std::string& s) { return xml_escape(s); }

std::string render_table(const DataTable& t) {
  if (t.columns.empty()) return "";
  std::string out = "<div class=\"numbers\"><table><thead><tr>";
  for (const auto& c : t.columns) out += "<th>" + esc(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td>" + esc(cell) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

}  // namespace

std::string render_page(const Page& page) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      esc(page.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<header><h1>" + esc(page.title) +
      "</h1>";
  if (!page.subtitle.empty()) out += "<p>" + esc(page.subtitle) + "</p>";
  out += "</header>\n<nav>";
  for (const Section& s : page.sections) out += "<a href=\"#" + esc(s.id) + "\">" + esc(s.title) + "</a>";
  out += "</nav>\n<main>\n";
  for (const Section& s : page.sections) {
    out += "<section id=\"" + esc(s.id) + "\">\n<h2>" + esc(s.title) + "</h2>\n";
    if (!s.intro.empty()) out += "<p class=\"intro\">" + esc(s.intro) + "</p>\n";
    for (const Figure& f : s.figures) {
      out += "<figure>\n" + f.svg + render_table(f.table) + "<figcaption>";
      if (!f.caption.empty()) out += esc(f.caption) + "<br>";
      if (!f.command.empty()) out += "command: <code>" + esc(f.command) + "</code><br>";
      if (!f.provenance.empty()) out += "<span class=\"prov\">" + esc(f.provenance) + "</span>";
      out += "</figcaption>\n</figure>\n";
    }
    for (const auto& n : s.notes) out += "<p class=\"note\">" + esc(n) + "</p>\n";
    out += "</section>\n";
  }
  if (page.sections.empty()) out += "<p class=\"note\">No results.</p>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace fleetopt::report
