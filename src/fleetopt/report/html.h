// A self-contained HTML page of sections and figures: every chart is inline
// SVG, the style sheet is inline, nothing is fetched at view time. Each figure
// shows its numbers in a table beside the chart, the command that produced
// them and where (machine, seed). Output is deterministic for equal input.
#pragma once

#include <string>
#include <vector>

namespace fleetopt::report {

struct DataTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct Figure {
  std::string svg;         // from svg.h (trusted markup)
  DataTable table;         // the numbers drawn
  std::string caption;     // one line under the chart
  std::string command;     // the command that produced the numbers
  std::string provenance;  // machine, seed, source file
};

struct Section {
  std::string id;     // anchor, [a-z0-9-]
  std::string title;
  std::string intro;  // plain text (escaped)
  std::vector<Figure> figures;
  std::vector<std::string> notes;  // plain text, e.g. a plot the results cannot draw
};

struct Page {
  std::string title;
  std::string subtitle;  // plain text under the title
  std::vector<Section> sections;
};

std::string render_page(const Page& page);

}  // namespace fleetopt::report
