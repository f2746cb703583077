// fleetopt report and fleetopt demo end to end, run as a user would
// (tests/cli/cli_run.h): the report of real command outputs, its errors, and
// the demo's tour on synthetic inputs (and on the real traces when present).
#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/scratch_dir.h"

namespace fleetopt {
namespace {

using testing::read_text;
using testing::run_fleetopt;
using testing::run_fleetopt_split;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// Runs a command with --json and keeps its stdout as a result file.
std::string result_of(const ScratchDir& dir, const std::string& name, const std::string& args) {
  const auto r = run_fleetopt_split(args + " --json");
  EXPECT_EQ(r.code, 0) << args << "\n" << r.all();
  return dir.write(name, r.out);
}

TEST(ReportCli, PageFromCommandOutputs) {
  ScratchDir dir("report_cli");
  const std::string size = result_of(dir, "size.json",
                                     "size --workload canonical:examples/workload --policy p2,random --seeds 2");
  const std::string fast = result_of(dir, "fast.json",
                                     "bandit run --instance examples/bandit-instance.json --algorithm fast --horizon 2000");
  const std::string oracle = result_of(
      dir, "oracle.json", "bandit run --instance examples/bandit-instance.json --algorithm oracle --horizon 2000");
  const std::string rearr = result_of(dir, "rearr.json", "rearrange --cluster examples/cluster-a.json --goal defrag");
  const std::string out = dir.path("report.html");
  const auto r = run_fleetopt_split("report --from " + size + " " + fast + " " + oracle + " " + rearr + " --out " + out +
                                    " --json");
  ASSERT_EQ(r.code, 0) << r.all();
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["charts"], 5);  // sizes; gap and constraint; hosts and stages
  ASSERT_EQ(j["files"].size(), 4u);
  EXPECT_EQ(j["files"][0]["kind"], "size");
  EXPECT_EQ(j["files"][3]["kind"], "rearrange");
  const std::string html = read_text(out);
  EXPECT_EQ(count(html, "<svg"), 5u);
  EXPECT_EQ(j["bytes"], html.size());
  // size: 1 series; bandit: 2 + 2; rearrange: before/after/bound + 1 plan.
  EXPECT_EQ(count(html, "data-series="), 1u + 4u + 3u + 1u);
  EXPECT_NE(html.find("fleetopt size --workload canonical:examples/workload --policy p2,random"), std::string::npos);
}

TEST(ReportCli, BadFilesExitTwoNamingTheFile) {
  ScratchDir dir("report_cli_bad");
  const std::string unknown = dir.write("what.json", R"({"answer": 42})");
  const std::string out = dir.path("report.html");
  auto r = run_fleetopt("report --from " + unknown + " --out " + out);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("what.json: not a result of a known fleetopt command"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(out));
  const std::string cut = dir.write("cut.json", R"({"algorithm": "fast", "curve": [{"t": 1)");
  r = run_fleetopt("report --from " + cut + " --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("cut.json"), std::string::npos) << r.out;
  // A recognised result with a non-number where a plot needs one.
  const std::string bad = dir.write("bad.json", R"({"algorithm": "fast", "curve": [{"t": 1, "relative_gap": "x",
      "max_constraint": 1}], "relative_gap": 0.1, "max_constraint": 1})");
  const auto s = run_fleetopt_split("report --from " + bad + " --out " + out + " --json");
  EXPECT_EQ(s.code, 2);
  const auto err = nlohmann::json::parse(s.out);
  EXPECT_NE(err["error"]["message"].get<std::string>().find("bad.json: field 'curve[0].relative_gap'"),
            std::string::npos)
      << s.out;
  // The previous report survives a failed run.
  dir.write("report.html", "old");
  r = run_fleetopt("report --from " + unknown + " --out " + out);
  EXPECT_EQ(read_text(out), "old");
  r = run_fleetopt("report --from " + unknown + " --out " + dir.path("no/such/dir/r.html"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--out"), std::string::npos) << r.out;
}

// The whole tour: every problem's table, then a report whose sections match.
void check_demo(const std::string& data_flag, bool real) {
  ScratchDir dir("demo");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_fleetopt(data_flag + " demo --out " + dir.path("demo"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_LT(seconds, 60.0) << "the demo's time goal";
  EXPECT_NE(r.out.find(real ? "on the real traces" : "built-in synthetic inputs"), std::string::npos) << r.out;
  for (const char* problem :
       {"== placement", "== bandit", "== rearrangement", "== consolidation", "== autoscaling", "== reclamation"}) {
    EXPECT_NE(r.out.find(problem), std::string::npos) << problem << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(real ? "bitbrains-hosts:" : "8 synthetic hosts"), std::string::npos) << r.out;
  const std::string html = read_text(dir.path("demo/report.html"));
  for (const char* id : {"placement", "bandit", "rearrangement", "consolidation", "autoscaling", "reclamation"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("Skipped or failed steps"), std::string::npos);
  EXPECT_GE(count(html, "<svg"), 10u);
  EXPECT_LT(html.size(), 2'000'000u);
  // Each figure names the exact command that produced it.
  EXPECT_NE(html.find("command: <code>fleetopt"), std::string::npos);
  EXPECT_EQ(html.find("rebuilt from the result"), std::string::npos);
}

TEST(DemoCli, TourOnSyntheticInputs) { check_demo("--data " + ScratchDir("nodata").path("absent"), false); }

TEST(DemoCli, TourOnRealTraces) {
  const std::string data = data_dir();
  if (!std::filesystem::is_directory(data + "/planetlab/20110303") ||
      !std::filesystem::is_directory(data + "/bitbrains-rnd")) {
    GTEST_SKIP() << "real traces not found under " << data << "; set FLEETOPT_DATA to run this test";
  }
  check_demo("", true);
}

}  // namespace
}  // namespace fleetopt
