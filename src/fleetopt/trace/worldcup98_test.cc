#include "fleetopt/trace/worldcup98.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

TEST(WorldCup98, DatesParseAsUtc) {
  double t = 0;
  ASSERT_TRUE(parse_datetime("1998-04-30 21:30:00", t));
  EXPECT_DOUBLE_EQ(t, 893971800);
  ASSERT_TRUE(parse_datetime("2000-03-01T00:00:00", t));
  EXPECT_DOUBLE_EQ(t, 951868800);  // after a leap day
  EXPECT_FALSE(parse_datetime("1998-13-01 00:00:00", t));
  EXPECT_FALSE(parse_datetime("1998-04-30", t));
}

TEST(WorldCup98, GapsAreHeldAndSameMinuteRowsSummed) {
  TempDir dir;
  const std::string path = dir.write("wc.csv",
                                     "period,count\n"
                                     "1998-04-30 21:30:00,10\n"
                                     "1998-04-30 21:31:00,20\n"
                                     "1998-04-30 21:34:00,40\n"   // 21:32 and 21:33 missing
                                     "1998-04-30 21:34:30,5\n"    // same minute
                                     "1998-04-30 21:35:00,\n"     // empty count
                                     "1998-04-30 21:36:00,60\n");
  ReadReport report;
  LoadSeries s = read_worldcup98(path, &report);
  EXPECT_DOUBLE_EQ(s.start, 893971800);
  EXPECT_EQ(s.step_seconds, 60);
  EXPECT_EQ(s.values, (std::vector<double>{10, 20, 20, 20, 45, 45, 60}));
  EXPECT_EQ(report.get("gap_minutes_held"), 3);
  EXPECT_EQ(report.get("rows_in_same_minute_summed"), 1);
  EXPECT_EQ(report.get("empty_counts"), 1);
  EXPECT_EQ(read_worldcup98_series(path, nullptr), s.values);
}

TEST(WorldCup98, EpochSecondsAreAccepted) {
  TempDir dir;
  LoadSeries s = read_worldcup98(dir.write("wc.csv", "period,count\n600,1\n660,2\n"), nullptr);
  EXPECT_DOUBLE_EQ(s.start, 600);
  EXPECT_EQ(s.values, (std::vector<double>{1, 2}));
}

TEST(WorldCup98, WorkloadIsOneServiceFollowingTheLoad) {
  LoadSeries s;
  s.name = "load";
  s.values = {10, 40, 20};
  Workload w = load_series_workload(s, 16, 32);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_DOUBLE_EQ(w.end, 180);
  EXPECT_DOUBLE_EQ(w.usage(0, 0, kCpu), 4);   // 16 cores x 10 / 40
  EXPECT_DOUBLE_EQ(w.usage(0, 1, kCpu), 16);
  EXPECT_DOUBLE_EQ(w.usage(0, 2, kMem), 32);
  EXPECT_EQ(w.default_host, make_resources(32, 128));
  expect_input_error([&] { load_series_workload(s, 0, 32); }, "positive cpu");
}

TEST(WorldCup98, MalformedRowsNameFileAndLine) {
  for (const auto& [body, needle] : std::vector<std::pair<std::string, std::string>>{
           {"period,count\n1998-04-30 21:30:00,abc\n", "wc.csv:2: count"},
           {"period,count\n1998-04-30 21:30:00,-4\n", "wc.csv:2: count"},
           {"period,count\n1998-04-30 21:30:00,nan\n", "wc.csv:2: count"},
           {"period,count\n1998-04-31x21:30:00,4\n", "wc.csv:2: period"},
           {"period,count\n1998-04-30 21:30:00\n", "wc.csv:2: expected 2"},
           {"period,count\n1998-04-30 21:30:00,1\n1998-04-30 21:31:00,1\n1998-04-30 21:29:00,1\n",
            "wc.csv:4: time goes backwards"},
           {"period,count\n", "wc.csv:1: no rows"},
           {"", "no rows"},
       }) {
    TempDir dir;
    const std::string path = dir.write("wc.csv", body);
    expect_input_error([&] { read_worldcup98(path, nullptr); }, needle);
  }
}

}  // namespace
}  // namespace fleetopt
