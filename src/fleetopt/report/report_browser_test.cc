// The report of a fixed set of result files, rendered in headless Chromium
// (Debian's `chromium`): the page loads without console errors, every chart
// is a non-empty SVG with the expected number of series, the file stays under
// a size limit, and a screenshot is written as the visual check image
// (out/report-test/report.png under the source tree; docs/report.png is a
// copy). Skips with a message when chromium is not installed.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/report/report.h"
#include "fleetopt/report/report_fixtures.h"

namespace fleetopt::report {
namespace {

constexpr std::size_t kPageLimitBytes = 1'000'000;

bool have_chromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs chromium headless on `html_path` with `args`; stdout to out_path,
// stderr (the console log) to log_path. Returns the exit code.
int chromium(const ScratchDir& dir, const std::string& args, const std::string& html_path, const std::string& out_path,
             const std::string& log_path) {
  const std::string cmd = "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                          "--user-data-dir=" + dir.path("profile") + " --enable-logging=stderr --v=0 " + args +
                          " file://" + html_path + " >" + out_path + " 2>" + log_path;
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// Console messages (errors, failed loads, uncaught exceptions) in the log.
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos) out.push_back(line);
  }
  return out;
}

struct SvgSummary {
  int series = 0;
  int empty_series = 0;
  int shapes = 0;
};

std::vector<SvgSummary> svgs_in(const std::string& dom) {
  std::vector<SvgSummary> out;
  for (std::size_t p = dom.find("<svg"); p != std::string::npos; p = dom.find("<svg", p + 4)) {
    const std::size_t end = dom.find("</svg>", p);
    const std::string svg = dom.substr(p, end == std::string::npos ? std::string::npos : end - p);
    SvgSummary s;
    for (std::size_t q = svg.find("data-series="); q != std::string::npos; q = svg.find("data-series=", q + 1)) {
      ++s.series;
      const std::size_t dp = svg.find("data-points=\"", q);
      if (dp == std::string::npos || std::atoi(svg.c_str() + dp + 13) <= 0) ++s.empty_series;
    }
    for (const char* shape : {"<rect x", "<polyline", "<circle"}) {
      for (std::size_t q = svg.find(shape); q != std::string::npos; q = svg.find(shape, q + 1)) ++s.shapes;
    }
    out.push_back(s);
  }
  return out;
}

std::filesystem::path image_dir() {
  const char* src = std::getenv("FLEETOPT_SOURCE_DIR");
  return std::filesystem::path(src != nullptr ? src : ".") / "out" / "report-test";
}

TEST(ReportBrowser, FixtureReportLoadsCleanlyWithEveryChart) {
  if (!have_chromium()) GTEST_SKIP() << "chromium not installed (apt-get install chromium; scripts/install-deps.sh)";
  ScratchDir dir("report_browser");
  const auto fx = testing::write_fixture(dir);
  ReportOptions options;
  options.subtitle = "fixed test results (src/fleetopt/report/report_fixtures.h)";
  const std::string html = build_report(fx.paths, options);
  const std::string page = dir.write("report.html", html);
  EXPECT_LT(html.size(), kPageLimitBytes);
  // Self-contained: nothing to fetch (the only URL is the SVG namespace).
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);

  ASSERT_EQ(chromium(dir, "--dump-dom", page, dir.path("dom.html"), dir.path("dom.log")), 0) << read(dir.path("dom.log"));
  const std::string dom = read(dir.path("dom.html"));
  const auto console = console_lines(read(dir.path("dom.log")));
  EXPECT_TRUE(console.empty()) << console.size() << " console messages, first: " << console.front();
  const auto svgs = svgs_in(dom);
  ASSERT_EQ(svgs.size(), fx.series_per_chart.size()) << "charts in the loaded page";
  for (std::size_t i = 0; i < svgs.size(); ++i) {
    EXPECT_EQ(svgs[i].series, fx.series_per_chart[i]) << "chart " << i;
    EXPECT_EQ(svgs[i].empty_series, 0) << "chart " << i;
    EXPECT_GE(svgs[i].shapes, svgs[i].series) << "chart " << i;
  }

  // The visual check image.
  std::filesystem::create_directories(image_dir());
  const std::string png = (image_dir() / "report.png").string();
  std::filesystem::remove(png);
  ASSERT_EQ(chromium(dir, "--hide-scrollbars --force-device-scale-factor=1 --window-size=1280,2000 --screenshot=" + png,
                     page, dir.path("shot.out"), dir.path("shot.log")),
            0)
      << read(dir.path("shot.log"));
  const std::string image = read(png);
  ASSERT_GT(image.size(), 20'000u) << png;
  EXPECT_EQ(image.substr(1, 3), "PNG");
  std::printf("visual check image: %s\n", png.c_str());
}

// The console check itself: a page with a script error is caught.
TEST(ReportBrowser, ConsoleCheckCatchesAnError) {
  if (!have_chromium()) GTEST_SKIP() << "chromium not installed (apt-get install chromium; scripts/install-deps.sh)";
  ScratchDir dir("report_browser_err");
  const std::string page = dir.write("bad.html", "<html><body><script>no_such_function();</script></body></html>");
  ASSERT_EQ(chromium(dir, "--dump-dom", page, dir.path("dom.html"), dir.path("dom.log")), 0);
  EXPECT_FALSE(console_lines(read(dir.path("dom.log"))).empty());
}

}  // namespace
}  // namespace fleetopt::report
