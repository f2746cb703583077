// A small SVG chart writer: bar charts with error whiskers, line charts with
// several series, scatter plots; axes with 1-2-5 ticks, legend, title.
//
// Why the project's own writer: no Debian C++ library renders SVG charts
// (matplot++ and friends are not packaged, gnuplot would be a run-time
// dependency writing files through a pipe), and vendoring a JavaScript chart
// library would either fetch it at view time (network) or inline a bundle of
// hundreds of KB into every report. A static chart needs a few hundred lines.
//
// Output is deterministic (fixed number formatting, no clock, no ids from
// addresses), every text is XML-escaped, and every number must be finite:
// NaN or infinity throws InputError naming the chart and series. Each drawn
// series is one <g data-series="NAME"> element, so tests count series in the
// DOM of the rendered page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fleetopt::report {

// Escapes & < > " ' for XML text and attribute values.
std::string xml_escape(std::string_view text);

// A short, stable number text: up to `digits` significant digits, no
// exponent for ordinary magnitudes ("12", "0.35", "1.2e+06").
std::string format_number(double value, int digits = 4);

struct ChartFrame {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 560;
  int height = 320;
  bool y_from_zero = true;  // line/scatter: include 0 in the y range
};

// Bars: one group per category, one bar per series within it. `lo`/`hi`
// (optional, same length as values) draw whiskers around each bar.
struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category
  std::vector<double> lo, hi;  // empty, or one per category
};
struct BarChart {
  ChartFrame frame;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
};

// Points (x, y) of one series; a line chart joins them in the given order.
struct XySeries {
  std::string name;
  std::vector<double> x, y;
};
struct XyChart {
  ChartFrame frame;
  std::vector<XySeries> series;
};

// Each returns one <svg> element. A chart without any point draws its frame
// and "no data". Throws InputError on a non-finite value or mismatched lengths.
std::string render_bars(const BarChart& chart);
std::string render_lines(const XyChart& chart);
std::string render_scatter(const XyChart& chart);

// Ticks covering [lo, hi] at a 1-2-5 step, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace fleetopt::report
