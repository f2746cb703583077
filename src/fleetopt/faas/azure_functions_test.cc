#include "fleetopt/faas/azure_functions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/faas/baselines.h"

namespace fleetopt::faas {
namespace {

using testing::HasSubstr;

class AzureFiles : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fleetopt_faas_azure_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    write("1000_inv.csv",
          "HashFunction,HashApp,HashOwner,minute_1,minute_2,minute_3\n"
          "f1,a1,o1,1,2,3\n"
          "f2,a1,o1,0,0,0\n"
          "f3,a2,o1,10,0,5\n"
          "f4,a3,o2,1,1,1\n"
          "f5,a9,o9,4,4,4\n");
    write("1000_run.csv",
          "HashFunction,HashApp,HashOwner,Count,Average,Minimum\n"
          "f1,a1,o1,6,100.0,1\n"
          "f2,a1,o1,0,50.0,1\n"
          "f3,a2,o1,15,2000.5,1\n"
          "f4,a3,o2,3,10,1\n");
    write("1000_mem.csv",
          "HashApp,HashOwner,SampleCount,AverageAllocatedMb\n"
          "a1,o1,5,128\n"
          "a2,o1,5,512\n"
          "a3,o2,5,300\r\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string error_of() {
    try {
      read_azure_functions(dir_.string());
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  std::filesystem::path dir_;
};

TEST_F(AzureFiles, JoinsTheThreeFiles) {
  const AzureFunctionsTrace trace = read_azure_functions(dir_.string());
  EXPECT_EQ(trace.minutes, 3);
  ASSERT_EQ(trace.functions.size(), 3u);  // f1, f3, f4
  EXPECT_EQ(trace.never_invoked, 1u);     // f2
  EXPECT_EQ(trace.without_duration, 1u);  // f5
  EXPECT_EQ(trace.functions[0].function, "f1");
  EXPECT_DOUBLE_EQ(trace.functions[0].invocations, 6);
  EXPECT_DOUBLE_EQ(trace.functions[1].duration_ms, 2000.5);
  EXPECT_DOUBLE_EQ(trace.functions[1].memory_mb, 512);
  EXPECT_DOUBLE_EQ(trace.functions[2].memory_mb, 300);
}

TEST_F(AzureFiles, MalformedLinesNameFileAndLine) {
  write("1000_inv.csv", "HashFunction,HashApp,HashOwner,minute_1\nf1,a1,o1,1\nf3,a2,o1\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_inv.csv:3: expected 4 fields, got 3"));
  write("1000_inv.csv", "HashFunction,HashApp,HashOwner,minute_1\nf1,a1,o1,-2\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_inv.csv:2: invocation count '-2'"));
  write("1000_inv.csv", "HashFunction,HashApp,HashOwner,minute_1\nf1,a1,o1,1\nf1,a1,o1,1\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_inv.csv:3: duplicate function"));
  write("1000_run.csv", "HashFunction,HashApp,HashOwner,Average\nf1,a1,o1,fast\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_run.csv:2: Average duration 'fast' is not a number"));
  write("1000_run.csv", "HashFunction,HashApp,HashOwner,Mean\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_run.csv:1: missing column 'Average'"));
  write("1000_run.csv", "HashFunction,HashApp,HashOwner,Average\nf1,a1,o1,nan\n");
  EXPECT_THAT(error_of(), HasSubstr("1000_run.csv:2:"));
  write("1000_run.csv", "HashFunction,HashApp,HashOwner,Average\nf1,a1,o1,5\n");
  std::filesystem::remove(dir_ / "1000_mem.csv");
  EXPECT_THAT(error_of(), HasSubstr("1000_mem.csv: cannot open"));
}

TEST_F(AzureFiles, BuildsAValidInstance) {
  const AzureFunctionsTrace trace = read_azure_functions(dir_.string());
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
