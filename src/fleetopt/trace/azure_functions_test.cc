#include "fleetopt/trace/azure_functions.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

const char* kInvCsv =
    "HashFunction,HashApp,HashOwner,minute_1,minute_2,minute_3\n"
    "f1,app1,o1,60,120,0\n"
    "f2,app1,o1,6,,6\n"
    "f3,app3,o3,1,1,1\n";
// Rows in another order than the invocation file; f3 has no duration row.
const char* kRunCsv =
    "HashFunction,HashApp,HashOwner,Count,Average,Minimum,Maximum,percentile_Average_0,"
    "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
    "percentile_Average_99,percentile_Average_100\n"
    "f2,app1,o1,12,10000,1,20000,1,1,1,1,1,1,1\n"
    "f1,app1,o1,180,500,1,900,1,1,1,1,1,1,1\n"
    "fx,appx,ox,1,1,1,1,1,1,1,1,1,1,1\n";
const char* kMemCsv =
    "HashApp,HashOwner,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,"
    "AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"
    "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,"
    "AverageAllocatedMb_pct100\n"
    "app3,o3,5,100,1,1,1,1,1,1,1,128\n"
    "app1,o1,10,300,1,1,1,1,1,1,1,512\n";

TEST(AzureFunctions, JoinsTheThreeFilesByHash) {
  TempDir dir;
  dir.write("10_inv.csv", kInvCsv);
  dir.write("10_run.csv", kRunCsv);
  dir.write("10_mem.csv", kMemCsv);
  ReadReport report;
  AzureFunctionsTrace t = read_azure_functions(dir.path(), &report);
  EXPECT_EQ(t.minutes, 3u);
  ASSERT_EQ(t.functions.size(), 3u);
  EXPECT_EQ(t.functions[0].function, "f1");
  EXPECT_EQ(t.functions[0].invocations, (std::vector<std::uint32_t>{60, 120, 0}));
  EXPECT_DOUBLE_EQ(t.functions[0].durations.average, 500);
  EXPECT_DOUBLE_EQ(t.functions[1].durations.maximum, 20000);
  EXPECT_EQ(t.functions[1].invocations[1], 0u);  // empty field
  EXPECT_DOUBLE_EQ(t.functions[1].memory.percentiles[7], 512);
  EXPECT_EQ(t.functions[0].functions_in_app, 2u);
  EXPECT_FALSE(t.functions[2].has_durations);
  EXPECT_TRUE(t.functions[2].has_memory);
  EXPECT_EQ(report.get("empty_invocation_fields"), 1);
  EXPECT_EQ(report.get("unmatched_stat_rows"), 1);
  EXPECT_EQ(report.get("functions_without_durations"), 1);
}

TEST(AzureFunctions, WorkloadCpuFollowsInvocationsTimesDuration) {
  TempDir dir;
  dir.write("10_inv.csv", kInvCsv);
  dir.write("10_run.csv", kRunCsv);
  dir.write("10_mem.csv", kMemCsv);
  ReadReport report;
  Workload w = azure_functions_workload(read_azure_functions(dir.path(), nullptr), &report);
  ASSERT_EQ(w.size(), 2u);  // f3 has no durations
  EXPECT_EQ(report.get("functions_dropped"), 1);
  EXPECT_EQ(w.step_seconds, 60);
  EXPECT_DOUBLE_EQ(w.end, 180);
  // f1: 60 and 120 calls of 0.5 s per minute -> 0.5 and 1 busy cores.
  EXPECT_DOUBLE_EQ(w.instances[0].request[kCpu], 1.0);
  EXPECT_DOUBLE_EQ(w.usage(0, 0, kCpu), 0.5);
  EXPECT_DOUBLE_EQ(w.usage(0, 2, kCpu), 0.0);
  // Memory: the app's pct100 (512 MB) split between its two functions.
  EXPECT_DOUBLE_EQ(w.instances[0].request[kMem], 0.25);
  EXPECT_DOUBLE_EQ(w.usage(0, 1, kMem), 0.25);
  // f2: 6 calls of 10 s -> 1 core; the empty minute reads 0.
  EXPECT_DOUBLE_EQ(w.instances[1].request[kCpu], 1.0);
  EXPECT_DOUBLE_EQ(w.usage(1, 1, kCpu), 0.0);
  EXPECT_NO_THROW(w.validate());
}

TEST(AzureFunctions, MalformedFilesNameFileAndLine) {
  for (const auto& [inv, needle] : std::vector<std::pair<std::string, std::string>>{
           {"HashFunction,HashApp,HashOwner,minute_1\nf,a,o,-1\n", "10_inv.csv:2: minute_1"},
           {"HashFunction,HashApp,HashOwner,minute_1\nf,a,o,1.5\n", "10_inv.csv:2: minute_1"},
           {"HashFunction,HashApp,HashOwner,minute_1\nf,a,o\n", "10_inv.csv:2: expected 4"},
           {"HashFunction,HashApp,HashOwner,minute_1\nf,a,o,1\nf,a,o,2\n", "10_inv.csv:3: function f listed twice"},
           {"HashApp,HashOwner,minute_1\na,o,1\n", "10_inv.csv:1: missing column 'HashFunction'"},
           {"HashFunction,HashApp,HashOwner\nf,a,o\n", "10_inv.csv:1: no minute columns"},
       }) {
    TempDir dir;
    dir.write("10_inv.csv", inv);
    expect_input_error([&] { read_azure_functions(dir.path(), nullptr); }, needle);
  }
  TempDir dir;
  dir.write("10_inv.csv", kInvCsv);
  std::string run = kRunCsv;
  run.replace(run.find("10000"), 5, "nan");
  dir.write("10_run.csv", run);
  expect_input_error([&] { read_azure_functions(dir.path(), nullptr); }, "10_run.csv:2: Average");
  // A duration of 1e300 ms is finite but no duration: refused where read.
  run = kRunCsv;
  run.replace(run.find("10000"), 5, "1e300");
  dir.write("10_run.csv", run);
  expect_input_error([&] { read_azure_functions(dir.path(), nullptr); }, "10_run.csv:2: Average");
  std::string mem = kMemCsv;
  mem.replace(mem.find(",512"), 4, ",5e12");
  dir.write("10_run.csv", kRunCsv);
  dir.write("10_mem.csv", mem);
  expect_input_error([&] { read_azure_functions(dir.path(), nullptr); }, "10_mem.csv:3: AverageAllocatedMb_pct100");
  TempDir none;
  expect_input_error([&] { read_azure_functions(none.path(), nullptr); }, "exactly one *_inv.csv");
}

}  // namespace
}  // namespace fleetopt
