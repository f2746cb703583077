#include "fleetopt/report/report.h"

#include <string>

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/report/report_fixtures.h"

namespace fleetopt::report {
namespace {

using nlohmann::json;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

std::string error_of(const std::vector<std::string>& paths) {
  try {
    build_report(paths, {});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Report, RecognisesEachKindByItsFields) {
  EXPECT_EQ(result_kind(testing::size_result()), "size");
  EXPECT_EQ(result_kind(testing::simulate_result("p2", 5)), "simulate");
  EXPECT_EQ(result_kind(testing::bandit_result("fast", 3)), "bandit");
  EXPECT_EQ(result_kind(testing::rearrange_result()), "rearrange");
  EXPECT_EQ(result_kind(testing::rearrange_result()["plan"]), "plan");
  EXPECT_EQ(result_kind(testing::consolidate_result()), "consolidate");
  EXPECT_EQ(result_kind(testing::scale_result(5)), "scale");
  EXPECT_EQ(result_kind(testing::reclaim_result()), "reclaim");
  EXPECT_EQ(result_kind(json::object()), "");
  EXPECT_EQ(result_kind(json::array()), "");
  EXPECT_EQ(result_kind(json({{"results", json::array()}})), "");
  EXPECT_EQ(result_kind(42), "");
}

TEST(Report, WholeFixtureGivesEveryChartWithItsSeries) {
  ScratchDir dir("report");
  const auto fx = testing::write_fixture(dir);
  const std::string html = build_report(fx.paths, {});
  EXPECT_EQ(count(html, "<svg"), fx.series_per_chart.size());
  int total = 0;
  for (int n : fx.series_per_chart) total += n;
  EXPECT_EQ(count(html, "data-series="), static_cast<std::size_t>(total));
  for (const char* id : {"placement", "bandit", "rearrangement", "consolidation", "autoscaling", "reclamation"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  }
  // The enveloped file shows its command and machine; the others a rebuilt command.
  EXPECT_NE(html.find("fleetopt bandit run --algorithm oracle"), std::string::npos);
  EXPECT_NE(html.find("machine: test-host"), std::string::npos);
  EXPECT_NE(html.find("rebuilt from the result"), std::string::npos);
  // The never-feasible policy is named, not drawn.
  EXPECT_NE(html.find("Never meets the limit (not drawn): first-fit"), std::string::npos);
  EXPECT_EQ(html, build_report(fx.paths, {}));  // deterministic
}

TEST(Report, BadFilesAreNamed) {
  ScratchDir dir("report_bad");
  const std::string good = dir.write("good.json", testing::size_result().dump());
  const std::string unknown = dir.write("unknown.json", R"({"hello": 1})");
  EXPECT_NE(error_of({good, unknown}).find("unknown.json: not a result of a known fleetopt command"), std::string::npos);
  const std::string broken = dir.write("broken.json", R"({"results": [)");
  EXPECT_NE(error_of({broken}).find("broken.json: not a fleetopt JSON result"), std::string::npos);
  const std::string err = dir.write("err.json", R"({"error": {"exit_code": 2, "message": "boom"}})");
  EXPECT_NE(error_of({err}).find("err.json: holds an error report of fleetopt"), std::string::npos);
  EXPECT_NE(error_of({dir.path("missing.json")}).find("missing.json"), std::string::npos);
  // A recognised file without a field a plot needs: file and field named.
  json bandit = testing::bandit_result("fast", 3);
  bandit["curve"][1].erase("relative_gap");
  const std::string b = dir.write("bandit.json", bandit.dump());
  const std::string msg = error_of({b});
  EXPECT_NE(msg.find("bandit.json: field 'curve[1].relative_gap': missing"), std::string::npos) << msg;
  json scale = testing::scale_result(4);
  scale["results"][0]["repetitions"][0]["vm_minutes"] = "many";
  const std::string s = dir.write("scale.json", scale.dump());
  EXPECT_NE(error_of({s}).find("scale.json: field 'results[0].repetitions[0].vm_minutes': not a number"),
            std::string::npos);
  json huge = testing::bandit_result("fast", 3);
  huge["curve"][0]["relative_gap"] = -1e308;
  EXPECT_NE(error_of({dir.write("huge.json", huge.dump())}).find("huge.json: field 'curve[0].relative_gap'"),
            std::string::npos);
  const std::string csv = dir.write("m.csv", "strategy,host,resource,step,margin,error,violated\nfixed,h1,cpu,x,1,2,0\n");
  EXPECT_NE(error_of({csv}).find("m.csv:2"), std::string::npos);
}

TEST(Report, ActiveHostsSeriesIsDrawnWhenPresent) {
  ScratchDir dir("report_active");
  json rows = testing::consolidate_result();
  EXPECT_NE(build_report({dir.write("c.json", rows.dump())}, {}).find("carry no per-step series"), std::string::npos);
  for (auto& row : rows) row["active_hosts"] = {3, 4, 5, 4};
  const std::string html = build_report({dir.write("c2.json", rows.dump())}, {});
  EXPECT_EQ(count(html, "<svg"), 2u);
  EXPECT_NE(html.find("Active hosts over the day"), std::string::npos);
}

TEST(Report, LabelsShortenFileArgumentsAndLongTitlesFit) {
  ScratchDir dir("report_labels");
  json size = testing::size_result();
  size["results"][0]["policy"] = "fireplace:/very/long/path/to/model.json@k=2";
  const std::string html = build_report({dir.write("s.json", size.dump())}, {});
  EXPECT_NE(html.find("fireplace:model.json@k=2: 12"), std::string::npos);  // the bar's label
  EXPECT_NE(html.find("<td>fireplace:/very/long/path/to/model.json@k=2</td>"), std::string::npos);  // the table
}

TEST(Report, EmptyListGivesAPageSayingSo) {
  const std::string html = build_report({}, {});
  EXPECT_NE(html.find("No results."), std::string::npos);
}

}  // namespace
}  // namespace fleetopt::report
