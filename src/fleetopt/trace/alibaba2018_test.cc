#include "fleetopt/trace/alibaba2018.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

float cpu(const SeriesTrace& t, std::size_t i, std::size_t k) {
  return t.samples[t.shapes[i].offset + 2 * k];
}
float mem(const SeriesTrace& t, std::size_t i, std::size_t k) {
  return t.samples[t.shapes[i].offset + 2 * k + 1];
}

const char* kMeta =
    "m_2,0,91,18,96,100,USING\n"
    "m_2,70164,91,18,96,100,USING\n"
    "m_10,0,246,16,64,50,USING\n";

TEST(Alibaba2018, BinsAveragesAndFillsEachDimension) {
  TempDir dir;
  dir.write("machine_usage.csv",
            "m_10,600,40,,,,1,1,5\n"     // step 2: mem empty -> backfilled from step 3
            "m_10,610,60,,,,1,1,5\n"     // same step: averaged with the row above
            "m_10,900,20,80,,,1,1,5\n"   // step 3
            "m_10,1500,30,70,,,1,1,5\n"  // step 5 (step 4 held)
            "m_2,0,10,50,,,1,1,5\n"
            "m_2,300,150,50,,,1,1,5\n");  // 150% clamped
  dir.write("machine_meta.csv", kMeta);
  ReadReport report;
  SeriesTrace t = read_alibaba2018(dir.path(), 300, &report);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.ids[0], "m_2");  // numeric order of the suffix
  EXPECT_EQ(t.ids[1], "m_10");
  EXPECT_TRUE(t.has_sizes);
  EXPECT_DOUBLE_EQ(t.sizes[1][kCpu], 64);
  EXPECT_DOUBLE_EQ(t.sizes[1][kMem], 50);
  ASSERT_EQ(t.hosts.size(), 2u);
  EXPECT_EQ(t.hosts[0].id, "m_2");
  EXPECT_EQ(t.first_step[1], 2);
  ASSERT_EQ(t.length(1), 4u);
  EXPECT_FLOAT_EQ(cpu(t, 1, 0), 0.5f);
  EXPECT_FLOAT_EQ(mem(t, 1, 0), 0.8f);
  EXPECT_FLOAT_EQ(cpu(t, 1, 2), 0.2f);
  EXPECT_FLOAT_EQ(mem(t, 1, 2), 0.8f);
  EXPECT_FLOAT_EQ(cpu(t, 1, 3), 0.3f);
  EXPECT_FLOAT_EQ(cpu(t, 0, 1), 1.0f);
  EXPECT_EQ(report.get("empty_fields"), 2);
  EXPECT_EQ(report.get("samples_merged"), 1);
  EXPECT_EQ(report.get("leading_steps_backfilled"), 1);
  EXPECT_EQ(report.get("gap_steps_held"), 2);  // step 4 of cpu and of mem
  EXPECT_EQ(report.get("percent_above_100_clamped"), 1);
}

TEST(Alibaba2018, StepOptionChangesTheGrid) {
  TempDir dir;
  dir.write("machine_usage.csv", "m_1,0,10,10,,,,,\nm_1,10,20,20,,,,,\nm_1,30,40,40,,,,,\n");
  SeriesTrace t = read_alibaba2018(dir.path(), 10, nullptr);
  ASSERT_EQ(t.length(0), 4u);
  EXPECT_FLOAT_EQ(cpu(t, 0, 2), 0.2f);
  EXPECT_FLOAT_EQ(cpu(t, 0, 3), 0.4f);
  EXPECT_FALSE(t.has_sizes);  // no machine_meta.csv
  expect_input_error([&] { read_alibaba2018(dir.path(), 0, nullptr); }, "step");
}

TEST(Alibaba2018, MachinesWithoutMetaOrWithoutADimensionAreSkipped) {
  TempDir dir;
  dir.write("machine_usage.csv",
            "m_2,0,10,10,,,,,\n"
            "m_7,0,10,10,,,,,\n"   // not in meta
            "m_10,0,10,,,,,,\n");  // never reports memory
  dir.write("machine_meta.csv", kMeta);
  ReadReport report;
  SeriesTrace t = read_alibaba2018(dir.path(), 300, &report);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.ids[0], "m_2");
  EXPECT_EQ(report.get("machines_without_meta_skipped"), 1);
  EXPECT_EQ(report.get("machines_without_cpu_or_mem_skipped"), 1);
  ASSERT_EQ(report.warnings().size(), 2u);
  EXPECT_NE(report.warnings()[0].find("machine_usage.csv:2:"), std::string::npos);
}

TEST(Alibaba2018, MalformedRowsNameFileAndLine) {
  for (const auto& [bad, needle] : std::vector<std::pair<std::string, std::string>>{
           {"m_1,10,20,20,,,\n", "machine_usage.csv:2: expected 9"},
           {"m_1,ten,20,20,,,,,\n", "machine_usage.csv:2: time_stamp"},
           {"m_1,10,-3,20,,,,,\n", "machine_usage.csv:2: cpu_util_percent: negative"},
           {"m_1,10,20,NaN,,,,,\n", "machine_usage.csv:2: mem_util_percent"},
           {",10,20,20,,,,,\n", "machine_usage.csv:2: empty machine_id"},
       }) {
    TempDir dir;
    dir.write("machine_usage.csv", "m_1,0,10,10,,,,,\n" + bad);
    expect_input_error([&] { read_alibaba2018(dir.path(), 300, nullptr); }, needle);
  }
  TempDir dir;
  dir.write("machine_usage.csv", "m_1,0,10,10,,,,,\n");
  dir.write("machine_meta.csv", "m_1,0,1,1,many,100,USING\n");
  expect_input_error([&] { read_alibaba2018(dir.path(), 300, nullptr); }, "machine_meta.csv:1: cpu_num");
  TempDir empty;
  empty.write("machine_usage.csv", "");
  expect_input_error([&] { read_alibaba2018(empty.path(), 300, nullptr); }, "no machine usage rows");
}

}  // namespace
}  // namespace fleetopt
