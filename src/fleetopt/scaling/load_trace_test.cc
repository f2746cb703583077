#include "fleetopt/scaling/load_trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"

namespace fleetopt::scaling {
namespace {

std::string error_of(const std::string& spec) {
  try {
    load_trace(spec, {});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LoadTrace, RatesFileIsRequestsPerStepAndRescalesToAPeak) {
  ScratchDir dir("rates");
  const std::string path = dir.write("r.csv", "time_seconds,requests\n0,600\n300,1200\n600,300\n");
  LoadTrace t = load_trace("rates:" + path, {});
  EXPECT_EQ(t.kind, LoadKind::kOpen);
  EXPECT_DOUBLE_EQ(t.step_seconds, 300);
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_DOUBLE_EQ(t.values[0], 2);  // 600 requests in 300 s
  EXPECT_DOUBLE_EQ(t.values[1], 4);
  EXPECT_DOUBLE_EQ(t.at(301), 4);
  EXPECT_DOUBLE_EQ(t.at(1e9), 1);  // clamped to the last step
  LoadTrace peak = load_trace("rates:" + path + "@peak=100", {});
  EXPECT_DOUBLE_EQ(*std::max_element(peak.values.begin(), peak.values.end()), 100);
  EXPECT_DOUBLE_EQ(peak.values[2], 25);
}

TEST(LoadTrace, BadRatesFilesNameTheLine) {
  ScratchDir dir("rates_bad");
  EXPECT_NE(error_of("rates:" + dir.write("a.csv", "time_seconds,requests\n0,1\n60,nan\n")).find("a.csv:3:"),
            std::string::npos);
  EXPECT_NE(error_of("rates:" + dir.write("b.csv", "time_seconds,requests\n0,1\n60,1\n180,1\n")).find("b.csv:4:"),
            std::string::npos);
  EXPECT_NE(error_of("rates:" + dir.write("c.csv", "t,r\n0,1\n")).find("c.csv:1:"), std::string::npos);
  EXPECT_NE(error_of("rates:" + dir.write("d.csv", "time_seconds,requests\n0,-1\n60,1\n")).find("d.csv:2:"),
            std::string::npos);
  EXPECT_NE(error_of("rates:" + dir.write("e.csv", "time_seconds,requests\n0,1\n60,2\n") + "@peak=-3").find("peak"),
            std::string::npos);
  EXPECT_NE(error_of("nosuch:").find("unknown load reader"), std::string::npos);
  EXPECT_NE(error_of("constant:@rate=5@clients=3").find("not both"), std::string::npos);
}

TEST(LoadTrace, WorldCupDaysAreMappedAsInThePaper) {
  ScratchDir dir("wc_days");
  // Three days of per-minute counts: 1, 2 and 4 requests a minute.
  std::string csv = "period,count\n";
  for (int day = 0; day < 3; ++day) {
    for (int m = 0; m < 1440; ++m) {
      csv += std::to_string(894000000 + day * 86400 + m * 60) + "," + std::to_string(1 << day) + "\n";
    }
  }
  const std::string path = dir.write("wc.csv", csv);
  LoadTrace t = load_trace("worldcup98-days:" + path + "@clients=400@minutes=5", {});
  EXPECT_EQ(t.kind, LoadKind::kClosed);
  ASSERT_EQ(t.values.size(), 15u);  // 3 days x 5 minutes
  EXPECT_DOUBLE_EQ(t.values[0], 100);   // a quarter of the busiest day
  EXPECT_DOUBLE_EQ(t.values[5], 200);
  EXPECT_DOUBLE_EQ(t.values[14], 400);  // the busiest day -> @clients
  LoadTrace native = load_trace("worldcup98:" + path + "@days=2-3", {});
  ASSERT_EQ(native.values.size(), 2u * 1440);
  EXPECT_DOUBLE_EQ(native.values[0], 2.0 / 60);
}

// Found by fuzz_load_trace (fuzz/regressions/load_trace/): a World Cup file
// shorter than a day left no day, and the peak of nothing was read (a crash).
TEST(LoadTrace, WorldCupFileShorterThanADayIsAnError) {
  ScratchDir dir("wc_short");
  const std::string path = dir.write("wc.csv", "period,count\n894000000,5\n894000060,7\n");
  EXPECT_NE(error_of("worldcup98-days:" + path).find("2 minutes, not half a day"), std::string::npos)
      << error_of("worldcup98-days:" + path);
  EXPECT_NE(error_of("worldcup98:" + path + "@peak=100").find("2 minutes, not one whole day"), std::string::npos)
      << error_of("worldcup98:" + path + "@peak=100");
}

TEST(LoadTrace, ShiftChangesTheMixHalfWay) {
  LoadTrace t = load_trace("shift:@minutes=40@clients=300", {});
  EXPECT_EQ(t.kind, LoadKind::kClosed);
  EXPECT_EQ(t.values.size(), 40u);
  EXPECT_EQ(t.mix_change_step, 20u);
  EXPECT_EQ(t.mix_after.size(), 2u);
}

}  // namespace
}  // namespace fleetopt::scaling
