// The command line end to end: the documented JSON keys, and clean errors
// (exit code 2, a message naming the field or file) on bad input.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct CommandResult {
  int code;
  std::string out;  // stdout and stderr together
};

CommandResult run(const std::string& args) {
  std::string cmd = std::string(FLEETOPT_BIN) + " " + args + " 2>&1";
  CommandResult r{0, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) r.out += buf.data();
  int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

nlohmann::json json_of(const CommandResult& r) {
  auto start = r.out.find('{');
  EXPECT_NE(start, std::string::npos) << r.out;
  return nlohmann::json::parse(r.out.substr(start));
}

const char* kSynthetic = "synthetic:@vms=200@hours=12@seed=4";

TEST(Cli, SimulatePrintsTheDocumentedKeys) {
  CommandResult r = run(std::string("simulate placement --workload ") + kSynthetic + " --policy p2 --hosts 20 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  for (const char* key : {"policy", "hosts", "overload_rate", "rejected", "active_host_hours",
                          "peak_to_average", "decisions", "decision_ns_p50", "decision_ns_p99",
                          "wall_seconds"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["hosts"], 20);
  EXPECT_EQ(j["decisions"], 200);
}

TEST(Cli, SizeReportsServersNeededPerPolicy) {
  CommandResult r = run(std::string("size --workload ") + kSynthetic +
              " --policy first-fit,worst-fit --overload-limit 0.05 --overcommit cpu=2 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = json_of(r);
  ASSERT_EQ(j["results"].size(), 2u);
  for (const auto& row : j["results"]) {
    ASSERT_TRUE(row["found"].get<bool>());
    EXPECT_GE(row["servers_needed"].get<int>(), row["lower_bound_hosts"].get<int>());
    EXPECT_LE(row["overload_rate"].get<double>(), 0.05);
    EXPECT_EQ(row["rejected"], 0);
  }
}

TEST(Cli, UnknownPolicyIsACleanError) {
  CommandResult r = run(std::string("simulate placement --workload ") + kSynthetic + " --policy nope --hosts 3");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown placement policy 'nope'"), std::string::npos) << r.out;
}

TEST(Cli, BadOvercommitNamesTheField) {
  CommandResult r = run(std::string("size --workload ") + kSynthetic + " --policy p2 --overcommit cpu=nan");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--overcommit"), std::string::npos) << r.out;
}

TEST(Cli, MissingTraceDirectoryIsACleanError) {
  CommandResult r = run("simulate placement --workload planetlab:/nonexistent/dir --policy p2 --hosts 3");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/dir"), std::string::npos) << r.out;
}

TEST(Cli, MalformedCanonicalFileNamesFileAndLine) {
  auto dir = std::filesystem::temp_directory_path() / "fleetopt_cli_bad_canonical";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "instances.csv") << "id,arrival,departure,cpu,mem,tags\nvm1,0,600,2,4,\nvm2,0,600,-3,4,\n";
    std::ofstream(dir / "usage.csv") << "id,time,cpu,mem\n";
  }
  CommandResult r = run("simulate placement --workload canonical:" + dir.string() + " --policy p2 --hosts 3");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("instances.csv:3"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
