#include "fleetopt/trace/planetlab.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

float sample(const SeriesTrace& t, std::size_t i, std::size_t k) {
  const UsageShape& s = t.shapes[i];
  return t.samples[s.offset + k * s.stride];
}

TEST(PlanetLab, ReadsOneCpuSeriesPerFileSortedByName) {
  TempDir dir;
  dir.write("vm_b", "10\n20\n30\n");
  dir.write("vm_a", "0\n100\n50");  // no final newline
  ReadReport report;
  SeriesTrace t = read_planetlab(dir.path(), &report);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.ids[0], "vm_a");
  EXPECT_EQ(t.ids[1], "vm_b");
  EXPECT_EQ(t.dims, dim_bit(kCpu));
  EXPECT_FALSE(t.has_sizes);
  EXPECT_EQ(t.step_seconds, 300);
  EXPECT_EQ(t.length(0), 3u);
  EXPECT_FLOAT_EQ(sample(t, 0, 1), 1.0f);
  EXPECT_FLOAT_EQ(sample(t, 0, 2), 0.5f);
  EXPECT_FLOAT_EQ(sample(t, 1, 0), 0.1f);
  EXPECT_EQ(t.first_step[0], 0);
  EXPECT_TRUE(report.warnings().empty());
}

TEST(PlanetLab, BlankLineInsideIsAHeldGapAndTrailingBlanksAreIgnored) {
  TempDir dir;
  dir.write("vm", "10\n\n\n40\n\n\n");
  ReadReport report;
  SeriesTrace t = read_planetlab(dir.path(), &report);
  ASSERT_EQ(t.length(0), 4u);
  EXPECT_FLOAT_EQ(sample(t, 0, 1), 0.1f);
  EXPECT_FLOAT_EQ(sample(t, 0, 2), 0.1f);
  EXPECT_FLOAT_EQ(sample(t, 0, 3), 0.4f);
  EXPECT_EQ(report.get("gap_steps_held"), 2);
  ASSERT_EQ(report.warnings().size(), 1u);
  EXPECT_NE(report.warnings()[0].find("/vm:2:"), std::string::npos) << report.warnings()[0];
}

TEST(PlanetLab, ShortFileIsKeptShorterAndWarned) {
  TempDir dir;
  dir.write("full", "1\n2\n3\n4\n");
  dir.write("truncated", "1\n2\n");
  ReadReport report;
  SeriesTrace t = read_planetlab(dir.path(), &report);
  EXPECT_EQ(t.length(1), 2u);
  EXPECT_EQ(report.get("short_series"), 1);
  ASSERT_EQ(report.warnings().size(), 1u);
  EXPECT_NE(report.warnings()[0].find("truncated:2"), std::string::npos);
}

TEST(PlanetLab, EmptyAndHiddenFilesAreSkipped) {
  TempDir dir;
  dir.write("vm", "5\n");
  dir.write("empty", "");
  dir.write(".DS_Store", "junk");
  ReadReport report;
  SeriesTrace t = read_planetlab(dir.path(), &report);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(report.get("empty_files_skipped"), 1);
  EXPECT_EQ(report.get("hidden_files_skipped"), 1);
}

TEST(PlanetLab, MalformedValuesNameFileAndLine) {
  for (const auto& [content, needle] : std::vector<std::pair<std::string, std::string>>{
           {"1\n2\nabc\n", "/vm:3: expected an integer"},
           {"1\n150\n", "/vm:2: CPU percentage 150"},
           {"-5\n", "/vm:1: CPU percentage -5"},
           {"nan\n", "/vm:1:"},
           {"2.5\n", "/vm:1:"},
           {"\n3\n", "/vm:1: blank line before the first sample"},
       }) {
    TempDir dir;
    dir.write("vm", content);
    expect_input_error([&] { read_planetlab(dir.path(), nullptr); }, needle);
  }
}

TEST(PlanetLab, DirectoryWithoutSeriesIsAnError) {
  TempDir dir;
  expect_input_error([&] { read_planetlab(dir.path(), nullptr); }, "no PlanetLab series");
  expect_input_error([&] { read_planetlab(dir.file("nope"), nullptr); }, "cannot list");
}

}  // namespace
}  // namespace fleetopt
