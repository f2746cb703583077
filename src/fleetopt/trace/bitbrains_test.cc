#include "fleetopt/trace/bitbrains.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

const char* kHeader =
    "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage "
    "[%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput "
    "[KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork "
    "transmitted throughput [KB/s]\n";

// One row in the real file's layout: `;` followed by a tab.
std::string row(long long t, double cores, double pct, double mem_kb, double used_kb) {
  return fmt::format("{};\t{};\t{};\t{};\t{};\t{};\t{};\t0.0;\t0.0;\t0.0;\t0.0\n", t, cores,
                     cores * 2600, cores * 26 * pct, pct, mem_kb, used_kb);
}

float cpu(const SeriesTrace& t, std::size_t i, std::size_t k) {
  return t.samples[t.shapes[i].offset + 2 * k];
}
float mem(const SeriesTrace& t, std::size_t i, std::size_t k) {
  return t.samples[t.shapes[i].offset + 2 * k + 1];
}

constexpr double kGb = 1024.0 * 1024.0;  // KB per GB
constexpr long long kT0 = 1372629804;

TEST(Bitbrains, ReadsSizesAndFractionsOnTheCommonAxis) {
  TempDir dir;
  dir.write("10.csv", std::string(kHeader) + row(kT0 + 600, 4, 50, 8 * kGb, 2 * kGb) +
                          row(kT0 + 900, 4, 25, 8 * kGb, 4 * kGb));
  dir.write("2.csv", std::string(kHeader) + row(kT0, 2, 10, 4 * kGb, 1 * kGb) +
                         row(kT0 + 301, 2, 20, 4 * kGb, 1 * kGb));
  ReadReport report;
  SeriesTrace t = read_bitbrains(dir.path(), &report);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.ids[0], "2");  // numeric order, not "10" < "2"
  EXPECT_EQ(t.ids[1], "10");
  EXPECT_TRUE(t.has_sizes);
  EXPECT_EQ(t.dims, kCpuMem);
  EXPECT_DOUBLE_EQ(t.sizes[1][kCpu], 4);
  EXPECT_DOUBLE_EQ(t.sizes[1][kMem], 8);
  EXPECT_EQ(t.first_step[0], 0);
  EXPECT_EQ(t.first_step[1], 2);  // 600 s after the earliest VM
  EXPECT_FLOAT_EQ(cpu(t, 1, 0), 0.5f);
  EXPECT_FLOAT_EQ(cpu(t, 1, 1), 0.25f);
  EXPECT_FLOAT_EQ(mem(t, 1, 1), 0.5f);
  EXPECT_FLOAT_EQ(cpu(t, 0, 1), 0.2f);  // 301 s still lands on step 1
  EXPECT_EQ(report.get("gap_steps_held"), 0);
}

TEST(Bitbrains, OfflineRowsGapsDuplicatesAndClampsAreCounted) {
  TempDir dir;
  std::string body = kHeader;
  body += row(kT0, 2, 10, 4 * kGb, 1 * kGb);
  body += row(kT0 + 300, 0, 0, 0, 0);            // VM reports nothing: skipped, step held
  body += row(kT0 + 600, 2, 30, 4 * kGb, 1 * kGb);
  body += row(kT0 + 600, 2, 50, 4 * kGb, 3 * kGb);  // same stamp: averaged
  body += row(kT0 + 900, 2, 120, 4 * kGb, 5 * kGb); // above the request: clamped
  body += "\n";
  dir.write("1.csv", body);
  ReadReport report;
  SeriesTrace t = read_bitbrains(dir.path(), &report);
  ASSERT_EQ(t.length(0), 4u);
  EXPECT_FLOAT_EQ(cpu(t, 0, 1), 0.1f);  // held
  EXPECT_FLOAT_EQ(cpu(t, 0, 2), 0.4f);  // mean of 30% and 50%
  EXPECT_FLOAT_EQ(mem(t, 0, 2), 0.5f);  // mean of 1 and 3 GB of 4
  EXPECT_FLOAT_EQ(cpu(t, 0, 3), 1.0f);
  EXPECT_FLOAT_EQ(mem(t, 0, 3), 1.0f);
  EXPECT_EQ(report.get("offline_rows_skipped"), 1);
  EXPECT_EQ(report.get("gap_steps_held"), 1);
  EXPECT_EQ(report.get("samples_merged"), 1);
  EXPECT_EQ(report.get("cpu_above_request_clamped"), 1);
  EXPECT_EQ(report.get("mem_above_request_clamped"), 1);
}

TEST(Bitbrains, CoresChangingOverTimeScaleToTheLargest) {
  TempDir dir;
  dir.write("1.csv", std::string(kHeader) + row(kT0, 2, 50, 4 * kGb, 1 * kGb) +
                         row(kT0 + 300, 4, 50, 8 * kGb, 1 * kGb));
  SeriesTrace t = read_bitbrains(dir.path(), nullptr);
  EXPECT_DOUBLE_EQ(t.sizes[0][kCpu], 4);
  EXPECT_DOUBLE_EQ(t.sizes[0][kMem], 8);
  EXPECT_FLOAT_EQ(cpu(t, 0, 0), 0.25f);  // 50% of 2 cores = 1 of 4
  EXPECT_FLOAT_EQ(cpu(t, 0, 1), 0.5f);
}

TEST(Bitbrains, MillisecondStampsAreConvertedAndCounted) {
  TempDir dir;
  dir.write("1.csv", std::string(kHeader) + row(kT0 * 1000, 1, 10, kGb, 0) +
                         row((kT0 + 300) * 1000, 1, 20, kGb, 0));
  ReadReport report;
  SeriesTrace t = read_bitbrains(dir.path(), &report);
  EXPECT_EQ(t.length(0), 2u);
  EXPECT_EQ(report.get("timestamps_in_ms"), 1);
}

TEST(Bitbrains, FilesWithoutUsableRowsAreSkippedWithAWarning) {
  TempDir dir;
  dir.write("1.csv", std::string(kHeader) + row(kT0, 1, 10, kGb, 0));
  dir.write("2.csv", kHeader);
  dir.write("3.csv", "");
  dir.write("4.csv", std::string(kHeader) + row(kT0, 0, 0, 0, 0));
  dir.write("notes.txt", "not a trace");
  ReadReport report;
  SeriesTrace t = read_bitbrains(dir.path(), &report);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(report.get("files_without_usable_rows"), 3);
  EXPECT_EQ(report.get("non_csv_files_skipped"), 1);
  EXPECT_EQ(report.warnings_total(), 3);
}

TEST(Bitbrains, MalformedRowsNameFileAndLine) {
  const std::string good = row(kT0, 1, 10, kGb, 0);
  for (const auto& [bad, needle] : std::vector<std::pair<std::string, std::string>>{
           {"1372630104;\t1;\t2600;\t26", "/1.csv:3: expected 11"},  // truncated last line
           {"1372630104;\t1;\t2600;\t26;\tabc;\t1;\t1;\t0;\t0;\t0;\t0\n", "/1.csv:3: CPU usage [%]"},
           {"1372630104;\tnan;\t2600;\t26;\t1;\t1;\t1;\t0;\t0;\t0;\t0\n", "/1.csv:3: CPU cores"},
           {"1372630104;\t1;\t2600;\t26;\t1;\t-1;\t1;\t0;\t0;\t0;\t0\n", "/1.csv:3: Memory capacity provisioned: negative"},
           {"1372630104,1,2600,26,1,1,1,0,0,0,0\n", "/1.csv:3: expected 11"},
       }) {
    TempDir dir;
    dir.write("1.csv", std::string(kHeader) + good + bad);
    expect_input_error([&] { read_bitbrains(dir.path(), nullptr); }, needle);
  }
}

// Found by fuzz_bitbrains (fuzz/regressions/bitbrains/): a stamp of ~1e28 s
// overflowed the step count (undefined behaviour) before the span check.
TEST(Bitbrains, ImplausibleTimestampNamesFileAndLine) {
  TempDir dir;
  dir.write("1.csv", std::string(kHeader) + row(kT0, 1, 10, kGb, 0) +
                         "19223372036854775807372632804;\t1;\t2600;\t26;\t1;\t1;\t1;\t0;\t0;\t0;\t0\n");
  expect_input_error([&] { read_bitbrains(dir.path(), nullptr); }, "/1.csv:3: Timestamp (seconds)");
  // Two VMs far apart: the gap between their first steps overflowed as well.
  TempDir two;
  two.write("1.csv", std::string(kHeader) + row(kT0, 1, 10, kGb, 0));
  two.write("2.csv", std::string(kHeader) + "1e300;\t1;\t2600;\t26;\t1;\t1;\t1;\t0;\t0;\t0;\t0\n");
  expect_input_error([&] { read_bitbrains(two.path(), nullptr); }, "/2.csv:2: Timestamp (seconds)");
}

TEST(Bitbrains, IdsSelectTheVmsByFileNumber) {
  // One folder per month with the same VM numbers: @ids picks the same VMs
  // out of each (a time split over one set of VMs).
  TempDir dir;
  for (int vm : {1, 2, 100, 101, 150, 200, 201}) {
    dir.write(fmt::format("{}.csv", vm), std::string(kHeader) + row(kT0, vm % 4 + 1, 10, kGb, 0));
  }
  dir.write("notes.csv", std::string(kHeader) + row(kT0, 1, 10, kGb, 0));
  ReadReport report;
  SeriesTrace t = read_bitbrains(dir.path(), BitbrainsIds{101, 200}, &report);
  EXPECT_EQ(t.ids, (std::vector<std::string>{"101", "150", "200"}));
  EXPECT_EQ(report.get("files_outside_ids"), 4);
  EXPECT_EQ(report.get("unnumbered_files_skipped"), 1);
  EXPECT_DOUBLE_EQ(t.sizes[1][kCpu], 150 % 4 + 1);  // each VM's own file
  // Without a range every file is read, the unnumbered one included.
  EXPECT_EQ(read_bitbrains(dir.path(), nullptr).size(), 8u);
  expect_input_error([&] { read_bitbrains(dir.path(), BitbrainsIds{300, 400}, nullptr); },
                     "no Bitbrains file N.csv with 300 <= N <= 400");
}

TEST(Bitbrains, EmptyDirectoryIsAnError) {
  TempDir dir;
  expect_input_error([&] { read_bitbrains(dir.path(), nullptr); }, "no Bitbrains series");
}

}  // namespace
}  // namespace fleetopt
