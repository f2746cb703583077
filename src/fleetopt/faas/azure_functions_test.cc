#include "fleetopt/faas/azure_functions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/faas/baselines.h"

namespace fleetopt::faas {
namespace {

using testing::HasSubstr;

// Files in the trace's own layout (the trace module's reader checks them).
constexpr const char* kRunHeader =
    "HashFunction,HashApp,HashOwner,Count,Average,Minimum,Maximum,percentile_Average_0,"
    "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
    "percentile_Average_99,percentile_Average_100\n";
constexpr const char* kMemHeader =
    "HashApp,HashOwner,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,"
    "AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"
    "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,"
    "AverageAllocatedMb_pct100\n";

class AzureFiles : public testing::Test {
 protected:
  void SetUp() override {
    write("1000_inv.csv",
          "HashFunction,HashApp,HashOwner,minute_1,minute_2,minute_3\n"
          "f1,a1,o1,1,2,3\n"
          "f2,a1,o1,0,0,0\n"
          "f3,a2,o1,10,0,5\n"
          "f4,a3,o2,1,1,1\n"
          "f5,a9,o9,4,4,4\n"
          "f6,a4,o2,2,2,2\n");
    write("1000_run.csv", std::string(kRunHeader) +
                              "f1,a1,o1,6,100.0,1,1,1,1,1,1,1,1,1\n"
                              "f2,a1,o1,0,50.0,1,1,1,1,1,1,1,1,1\n"
                              "f3,a2,o1,15,2000.5,1,1,1,1,1,1,1,1,1\n"
                              "f4,a3,o2,3,10,1,1,1,1,1,1,1,1,1\n"
                              "f6,a4,o2,6,10,1,1,1,1,1,1,1,1,1\n");
    write("1000_mem.csv", std::string(kMemHeader) +
                              "a1,o1,5,128,1,1,1,1,1,1,1,1\n"
                              "a2,o1,5,512,1,1,1,1,1,1,1,1\n"
                              "a3,o2,5,300,1,1,1,1,1,1,1,1\r\n"
                              "a4,o2,5,0,0,0,0,0,0,0,0,0\n");
  }
  void write(const std::string& name, const std::string& text) { scratch_.write(name, text); }
  std::string error_of() {
    try {
      read_azure_functions(scratch_.dir().string());
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  std::string dir() const { return scratch_.dir().string(); }
  ScratchDir scratch_{"faas_azure"};
};

TEST_F(AzureFiles, KeepsFunctionsWithDurationsMemoryAndInvocations) {
  const AzureFunctionsTrace trace = read_azure_functions(dir());
  EXPECT_EQ(trace.minutes, 3);
  ASSERT_EQ(trace.functions.size(), 3u);  // f1, f3, f4
  EXPECT_EQ(trace.never_invoked, 1u);     // f2
  EXPECT_EQ(trace.without_duration, 1u);  // f5
  EXPECT_EQ(trace.without_memory, 1u);    // f6: its app allocates 0 MB
  EXPECT_EQ(trace.functions[0].function, "f1");
  EXPECT_DOUBLE_EQ(trace.functions[0].invocations, 6);
  EXPECT_DOUBLE_EQ(trace.functions[1].duration_ms, 2000.5);
  EXPECT_DOUBLE_EQ(trace.functions[1].memory_mb, 512);
  EXPECT_DOUBLE_EQ(trace.functions[2].memory_mb, 300);
}

TEST_F(AzureFiles, MalformedFilesNameFileAndLine) {
  // The details are the trace reader's (trace/azure_functions_test.cc); here:
  // its errors reach the bandit driver unchanged.
  write("1000_inv.csv", "HashFunction,HashApp,HashOwner,minute_1\nf1,a1,o1,1\nf1,a1,o1,-2\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_inv.csv:3"));
  write("1000_inv.csv", "HashFunction,HashApp,HashOwner,minute_1\nf1,a1,o1,1\n");
  std::filesystem::remove(scratch_.dir() / "1000_mem.csv");
  EXPECT_THAT(error_of(), HasSubstr("_mem.csv file is missing"));
}

TEST_F(AzureFiles, BuildsAValidInstance) {
  const AzureFunctionsTrace trace = read_azure_functions(dir());
  AzureInstanceOptions options;
  options.classes = 2;
  options.nodes = 3;
  const AzureInstance built = build_azure_instance(trace, options);
  validate(built.instance);
  double total = 0;
  for (double p : built.instance.arrival) total += p;
  EXPECT_NEAR(total, options.arrival_load, 1e-12);
  // 24 invocations of usable functions over 3 minutes at load 0.95.
  EXPECT_NEAR(built.meta["slot_ms"].get<double>(), 180000.0 * 0.95 / 24, 1e-9);
  options.classes = 4;
  EXPECT_THROW(build_azure_instance(trace, options), InputError);
}

TEST(AzureTrace, RealFilesMakeAFeasibleInstance) {
  const std::string dir = data_dir() + "/azure-functions-2019";
  if (!std::filesystem::exists(dir + "/1000_inv.csv")) {
    GTEST_SKIP() << "Azure Functions 2019 trace not found under " << dir
                 << " (set --data / FLEETOPT_DATA); skipping the real-trace test";
  }
  const AzureFunctionsTrace trace = read_azure_functions(dir);
  EXPECT_EQ(trace.minutes, 1440);
  EXPECT_GT(trace.functions.size(), 900u);
  AzureInstanceOptions options;
  options.classes = 5;
  options.nodes = 10;
  const AzureInstance a = build_azure_instance(trace, options);
  const AzureInstance b = build_azure_instance(trace, options);
  EXPECT_EQ(a.instance.cost, b.instance.cost);
  EXPECT_EQ(a.instance.demand, b.instance.demand);
  // Classes are ordered by duration.
  const auto& profile = a.meta["classes_profile"];
  for (std::size_t i = 1; i < profile.size(); ++i) {
    EXPECT_LT(profile[i - 1]["duration_ms"].get<double>(), profile[i]["duration_ms"].get<double>());
  }
  const OracleSolution oracle = solve_oracle(a.instance, {});
  EXPECT_EQ(oracle.status, LpStatus::kOptimal);
}

}  // namespace
}  // namespace fleetopt::faas
