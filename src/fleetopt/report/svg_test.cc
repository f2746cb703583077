#include "fleetopt/report/svg.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/report/html.h"

namespace fleetopt::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

XyChart two_lines() {
  XyChart c;
  c.frame.title = "t";
  c.series.push_back({"a", {0, 1, 2}, {1, 3, 2}});
  c.series.push_back({"b", {0, 1, 2}, {2, 2, 5}});
  return c;
}

TEST(Svg, EscapesEveryText) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  XyChart c = two_lines();
  c.frame.title = "<script>alert(1)</script>";
  c.frame.x_label = "x & y";
  c.series[0].name = "\"quoted\" <name>";
  const std::string svg = render_lines(c);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("x &amp; y"), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"&quot;quoted&quot; &lt;name&gt;\""), std::string::npos);
  // Control characters are not XML: dropped.
  EXPECT_EQ(xml_escape(std::string("a\x01" "b")), "ab");
}

TEST(Svg, OneGroupPerSeries) {
  const std::string lines = render_lines(two_lines());
  EXPECT_EQ(count(lines, "data-series="), 2u);
  EXPECT_EQ(count(lines, "<polyline"), 2u);
  const std::string scatter = render_scatter(two_lines());
  EXPECT_EQ(count(scatter, "data-series="), 2u);
  EXPECT_EQ(count(scatter, "<circle"), 6u);
  BarChart b;
  b.categories = {"p", "q", "r"};
  b.series.push_back({"s1", {1, 2, 3}, {0.5, 1, 2}, {1.5, 3, 4}});
  b.series.push_back({"s2", {3, 2, 1}, {}, {}});
  const std::string bars = render_bars(b);
  EXPECT_EQ(count(bars, "data-series="), 2u);
  EXPECT_EQ(count(bars, "<rect x"), 6u + 2u);  // 6 bars + 2 legend swatches
  EXPECT_EQ(count(bars, "class=\"whisker\""), 3u);
}

TEST(Svg, EmptyChartsDrawTheirFrame) {
  XyChart none;
  none.frame.title = "empty";
  const std::string svg = render_lines(none);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("no data"), std::string::npos);
  EXPECT_EQ(count(svg, "data-series="), 0u);
  XyChart empty_series;
  empty_series.series.push_back({"nothing", {}, {}});
  const std::string s2 = render_scatter(empty_series);
  EXPECT_NE(s2.find("no data"), std::string::npos);
  EXPECT_NE(s2.find("data-points=\"0\""), std::string::npos);
  BarChart b;
  EXPECT_NE(render_bars(b).find("no data"), std::string::npos);
}

TEST(Svg, RejectsNonFiniteAndMismatchedValues) {
  XyChart c = two_lines();
  c.series[1].y[1] = std::numeric_limits<double>::quiet_NaN();
  try {
    render_lines(c);
    FAIL() << "NaN accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("series 'b'"), std::string::npos) << e.what();
  }
  c = two_lines();
  c.series[0].x[0] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(render_scatter(c), InputError);
  c = two_lines();
  c.series[0].x.pop_back();
  EXPECT_THROW(render_lines(c), InputError);
  BarChart b;
  b.categories = {"p"};
  b.series.push_back({"s", {std::nan("")}, {}, {}});
  EXPECT_THROW(render_bars(b), InputError);
  b.series[0] = {"s", {1, 2}, {}, {}};
  EXPECT_THROW(render_bars(b), InputError);
  b.series[0] = {"s", {1}, {0}, {}};
  EXPECT_THROW(render_bars(b), InputError);
}

TEST(Svg, LongTitleIsCutToTheChartWidth) {
  XyChart c = two_lines();
  c.frame.title = std::string(300, 'x');
  const std::string svg = render_lines(c);
  EXPECT_EQ(svg.find(std::string(100, 'x') + "\u2026"), std::string::npos);  // cut well before 100
  EXPECT_NE(svg.find("x\u2026<title>"), std::string::npos);                    // with an ellipsis
  EXPECT_NE(svg.find(std::string(300, 'x') + "</title>"), std::string::npos);   // whole in the tooltip
}

TEST(Svg, Deterministic) {
  EXPECT_EQ(render_lines(two_lines()), render_lines(two_lines()));
  EXPECT_EQ(format_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(1234567), "1234567");
  EXPECT_EQ(format_number(12345678), "1.235e+07");
  EXPECT_EQ(format_number(1234.4), "1234");
}

TEST(Svg, NiceTicksCoverTheRange) {
  for (auto [lo, hi] : {std::pair{0.0, 1.0}, {0.0, 1052.0}, {-3.2, 7.9}, {0.001, 0.0042}, {100.0, 100.5}}) {
    const auto t = nice_ticks(lo, hi);
    ASSERT_GE(t.size(), 2u) << lo << " " << hi;
    EXPECT_LE(t.front(), lo);
    EXPECT_GE(t.back(), hi - 1e-12);
    EXPECT_LE(t.size(), 12u);
    for (std::size_t i = 1; i < t.size(); ++i) EXPECT_GT(t[i], t[i - 1]);
  }
}

TEST(Svg, LongSeriesAreThinnedKeepingPeaks) {
  XyChart c;
  XySeries s{"long", {}, {}};
  for (int i = 0; i < 20000; ++i) {
    s.x.push_back(i);
    s.y.push_back(i == 12345 ? 1000.0 : 1.0);
  }
  c.series.push_back(s);
  const std::string svg = render_lines(c);
  EXPECT_LT(svg.size(), 40000u);
  // The peak is drawn: the polyline reaches the top of the plot (y of 1000 = 34.0).
  EXPECT_NE(svg.find(",34.0"), std::string::npos);
}

TEST(Html, PageEscapesTextAndHoldsTheFigures) {
  Page p;
  p.title = "R&D <report>";
  Section s;
  s.id = "x";
  s.title = "Sec";
  Figure f;
  f.svg = render_lines(two_lines());
  f.table = {{"a", "b"}, {{"1", "<2>"}}};
  f.command = "fleetopt size --policy 'a' > out";
  s.figures.push_back(f);
  s.notes.push_back("note & more");
  p.sections.push_back(s);
  const std::string html = render_page(p);
  EXPECT_NE(html.find("<title>R&amp;D &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;2&gt;</td>"), std::string::npos);
  EXPECT_NE(html.find("&#39;a&#39; &gt; out"), std::string::npos);
  EXPECT_EQ(count(html, "data-series="), 2u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace fleetopt::report
