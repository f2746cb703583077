#include "fleetopt/report/svg.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::report {
namespace {

// Colour-blind-friendly palette (Okabe-Ito, then Tableau's extras).
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
                                    "#56B4E9", "#F0E442", "#000000", "#8C564B", "#7F7F7F"};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);
const char* colour(std::size_t i) { return kPalette[i % kPaletteSize]; }

// Series longer than this are thinned to the minimum and maximum of each of
// kMaxPoints/2 buckets (peaks survive; the page stays small).
constexpr std::size_t kMaxPoints = 600;

std::string coord(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s == "-0.0") s = "0.0";
  return s;
}

void check_finite(double v, const std::string& chart, const std::string& series, const char* what) {
  if (!std::isfinite(v)) {
    throw InputError::field("chart '" + chart + "', series '" + series + "'",
                            std::string("non-finite ") + what + " value (NaN or infinity)");
  }
}

struct Layout {
  double left = 64, right, top = 34, bottom;  // plot area
  double legend_x;
};

Layout layout(const ChartFrame& f, bool legend) {
  Layout l;
  l.right = f.width - (legend ? 150.0 : 16.0);
  l.bottom = f.height - 44.0;
  l.legend_x = l.right + 14;
  return l;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
  // Widened to whole ticks; a single value gets a unit around it.
  std::vector<double> ticks() {
    if (empty()) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
      const double pad = std::max(1.0, std::fabs(hi) * 0.1);
      lo = lo == 0 ? 0 : lo - pad;
      hi += pad;
    }
    std::vector<double> t = nice_ticks(lo, hi);
    lo = std::min(lo, t.front());
    hi = std::max(hi, t.back());
    return t;
  }
  double map(double v, double a, double b) const { return a + (v - lo) / (hi - lo) * (b - a); }
};

std::string open_svg(const ChartFrame& f) {
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      f.width, f.height, f.width, f.height, xml_escape(f.title));
  // A title wider than the chart is cut (about 7 px per character at 13 px).
  std::string title = f.title;
  const std::size_t fit = static_cast<std::size_t>(std::max(10, (f.width - 16) / 7));
  if (title.size() > fit) title = title.substr(0, fit - 1) + "\u2026";
  s += fmt::format("<text class=\"title\" x=\"{}\" y=\"18\" text-anchor=\"middle\">{}<title>{}</title></text>\n",
                   coord(f.width / 2.0), xml_escape(title), xml_escape(f.title));
  return s;
}

std::string y_axis(const ChartFrame& f, const Layout& l, Range& r, const std::vector<double>& ticks) {
  std::string s = "<g class=\"axis y\">\n";
  for (double t : ticks) {
    const double y = r.map(t, l.bottom, l.top);
    s += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", coord(l.left), coord(y),
                     coord(l.right), coord(y));
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", coord(l.left - 5), coord(y + 4),
                     xml_escape(format_number(t)));
  }
  s += fmt::format("<line class=\"frame\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", coord(l.left),
                   coord(l.top), coord(l.bottom));
  s += fmt::format("<text class=\"label\" transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                   coord((l.top + l.bottom) / 2), xml_escape(f.y_label));
  s += "</g>\n";
  return s;
}

std::string x_label(const ChartFrame& f, const Layout& l) {
  return fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     coord((l.left + l.right) / 2), coord(f.height - 6.0), xml_escape(f.x_label));
}

std::string x_axis_numeric(const Layout& l, Range& r, const std::vector<double>& ticks) {
  std::string s = "<g class=\"axis x\">\n";
  for (double t : ticks) {
    const double x = r.map(t, l.left, l.right);
    s += fmt::format("<line class=\"tick\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", coord(x), coord(l.bottom),
                     coord(l.bottom + 4));
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", coord(x), coord(l.bottom + 16),
                     xml_escape(format_number(t)));
  }
  s += fmt::format("<line class=\"frame\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>\n", coord(l.left),
                   coord(l.right), coord(l.bottom));
  s += "</g>\n";
  return s;
}

std::string legend(const Layout& l, const std::vector<std::string>& names) {
  std::string s = "<g class=\"legend\">\n";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double y = l.top + 4 + 16.0 * static_cast<double>(i);
    std::string name = names[i];
    if (name.size() > 22) name = name.substr(0, 21) + "\u2026";
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>", coord(l.legend_x), coord(y),
                     colour(i));
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", coord(l.legend_x + 14), coord(y + 9), xml_escape(name));
  }
  s += "</g>\n";
  return s;
}

std::string no_data(const Layout& l) {
  return fmt::format("<text class=\"nodata\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>\n",
                     coord((l.left + l.right) / 2), coord((l.top + l.bottom) / 2));
}

// Indices of the points to draw: all of them, or min and max per bucket.
std::vector<std::size_t> thin(const std::vector<double>& y) {
  std::vector<std::size_t> keep;
  if (y.size() <= kMaxPoints) {
    for (std::size_t i = 0; i < y.size(); ++i) keep.push_back(i);
    return keep;
  }
  const std::size_t buckets = kMaxPoints / 2;
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::size_t a = b * y.size() / buckets, e = (b + 1) * y.size() / buckets;
    if (a >= e) continue;
    std::size_t lo = a, hi = a;
    for (std::size_t i = a; i < e; ++i) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    keep.push_back(std::min(lo, hi));
    if (lo != hi) keep.push_back(std::max(lo, hi));
  }
  return keep;
}

void check_xy(const XyChart& c) {
  for (const XySeries& s : c.series) {
    if (s.x.size() != s.y.size()) {
      throw InputError::field("chart '" + c.frame.title + "', series '" + s.name + "'",
                              fmt::format("{} x values but {} y values", s.x.size(), s.y.size()));
    }
    for (double v : s.x) check_finite(v, c.frame.title, s.name, "x");
    for (double v : s.y) check_finite(v, c.frame.title, s.name, "y");
  }
}

std::string render_xy(const XyChart& c, bool lines) {
  check_xy(c);
  const ChartFrame& f = c.frame;
  const Layout l = layout(f, !c.series.empty());
  Range rx, ry;
  if (f.y_from_zero) ry.add(0);
  bool any = false;
  for (const XySeries& s : c.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      rx.add(s.x[i]);
      ry.add(s.y[i]);
      any = true;
    }
  }
  const std::vector<double> xt = rx.ticks(), yt = ry.ticks();
  std::string out = open_svg(f);
  out += y_axis(f, l, ry, yt);
  out += x_axis_numeric(l, rx, xt);
  out += x_label(f, l);
  if (!any) out += no_data(l);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const XySeries& s = c.series[k];
    names.push_back(s.name);
    out += fmt::format("<g class=\"series\" data-series=\"{}\" data-points=\"{}\" fill=\"{}\" stroke=\"{}\">\n",
                       xml_escape(s.name), s.x.size(), colour(k), colour(k));
    if (lines && s.x.size() > 1) {
      out += "<polyline fill=\"none\" stroke-width=\"1.6\" points=\"";
      bool first = true;
      for (std::size_t i : thin(s.y)) {
        if (!first) out += ' ';
        first = false;
        out += coord(rx.map(s.x[i], l.left, l.right)) + "," + coord(ry.map(s.y[i], l.bottom, l.top));
      }
      out += "\"/>\n";
    } else {
      for (std::size_t i : thin(s.y)) {
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill-opacity=\"0.8\" stroke=\"none\"/>",
                           coord(rx.map(s.x[i], l.left, l.right)), coord(ry.map(s.y[i], l.bottom, l.top)));
      }
      out += "\n";
    }
    out += "</g>\n";
  }
  if (!names.empty()) out += legend(l, names);
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0; drop them.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t') break;
        out += ch;
    }
  }
  return out;
}

std::string format_number(double value, int digits) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "inf" : "-inf");
  if (value == 0) return "0";
  // Whole numbers below ten million print in full (10000, not 1e+04).
  if (std::fabs(value) < 1e7 && std::fabs(value) >= 1 && value == std::round(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.{}g}", value, digits);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> t;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (int i = 0; i < 1000; ++i) {
    double v = first + step * i;
    if (std::fabs(v) < step * 1e-9) v = 0;
    t.push_back(v);
    if (v >= hi - step * 1e-9) break;
  }
  return t;
}

std::string render_bars(const BarChart& c) {
  const ChartFrame& f = c.frame;
  for (const BarSeries& s : c.series) {
    const std::string where = "chart '" + f.title + "', series '" + s.name + "'";
    if (s.values.size() != c.categories.size()) {
      throw InputError::field(where, fmt::format("{} values for {} categories", s.values.size(), c.categories.size()));
    }
    if (s.lo.size() != s.hi.size() || (!s.lo.empty() && s.lo.size() != s.values.size())) {
      throw InputError::field(where, "whiskers need one low and one high value per category");
    }
    for (double v : s.values) check_finite(v, f.title, s.name, "bar");
    for (double v : s.lo) check_finite(v, f.title, s.name, "whisker");
    for (double v : s.hi) check_finite(v, f.title, s.name, "whisker");
  }
  const Layout l = layout(f, !c.series.empty());
  Range ry;
  ry.add(0);
  bool any = false;
  for (const BarSeries& s : c.series) {
    for (double v : s.values) ry.add(v), any = true;
    for (double v : s.lo) ry.add(v);
    for (double v : s.hi) ry.add(v);
  }
  const std::vector<double> yt = ry.ticks();
  std::string out = open_svg(f);
  out += y_axis(f, l, ry, yt);
  out += x_label(f, l);
  const double n = std::max<double>(1, static_cast<double>(c.categories.size()));
  const double group = (l.right - l.left) / n;
  const double nser = std::max<double>(1, static_cast<double>(c.series.size()));
  const double bar = group * 0.8 / nser;
  // Category labels, rotated when many.
  out += "<g class=\"axis x\">\n";
  const bool rotate = c.categories.size() > 6;
  for (std::size_t i = 0; i < c.categories.size(); ++i) {
    const double x = l.left + group * (static_cast<double>(i) + 0.5);
    std::string name = c.categories[i];
    if (name.size() > 18) name = name.substr(0, 17) + "\u2026";
    if (rotate) {
      out += fmt::format("<text transform=\"translate({},{}) rotate(-25)\" text-anchor=\"end\">{}</text>\n", coord(x),
                         coord(l.bottom + 12), xml_escape(name));
    } else {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", coord(x), coord(l.bottom + 16),
                         xml_escape(name));
    }
  }
  out += fmt::format("<line class=\"frame\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>\n", coord(l.left),
                     coord(l.right), coord(ry.map(0, l.bottom, l.top)));
  out += "</g>\n";
  if (!any) out += no_data(l);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const BarSeries& s = c.series[k];
    names.push_back(s.name);
    out += fmt::format("<g class=\"series\" data-series=\"{}\" data-points=\"{}\" fill=\"{}\">\n", xml_escape(s.name),
                       s.values.size(), colour(k));
    const double y0 = ry.map(0, l.bottom, l.top);
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      const double x = l.left + group * (static_cast<double>(i) + 0.1) + bar * static_cast<double>(k);
      const double y = ry.map(s.values[i], l.bottom, l.top);
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title></rect>",
                         coord(x), coord(std::min(y, y0)), coord(std::max(bar - 1, 1.0)),
                         coord(std::fabs(y0 - y)), xml_escape(c.categories[i]), xml_escape(format_number(s.values[i])));
      if (!s.lo.empty() && !s.hi.empty()) {
        const double cx = x + bar / 2, ylo = ry.map(s.lo[i], l.bottom, l.top), yhi = ry.map(s.hi[i], l.bottom, l.top);
        out += fmt::format(
            "<path class=\"whisker\" d=\"M{0} {1}V{2}M{3} {1}H{4}M{3} {2}H{4}\"/>", coord(cx), coord(ylo), coord(yhi),
            coord(cx - std::min(4.0, bar / 3)), coord(cx + std::min(4.0, bar / 3)));
      }
    }
    out += "\n</g>\n";
  }
  if (!names.empty()) out += legend(l, names);
  out += "</svg>\n";
  return out;
}

std::string render_lines(const XyChart& chart) { return render_xy(chart, true); }
std::string render_scatter(const XyChart& chart) { return render_xy(chart, false); }

}  // namespace fleetopt::report
