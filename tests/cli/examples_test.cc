// The files under examples/ and the commands that use them: every command of
// examples/README.md (and of the README's "Command line" section) runs
// against the built binary and exits 0, and the results are the ones the page
// promises (a staged plan with a temporary move, defrag freeing hosts, every
// VM placed, policies that differ, a bandit gap). Tests run from the source
// root, so "examples/..." resolves; files a command writes go to a scratch
// directory ("/tmp/" in a command is replaced by it).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "fleetopt/core/scratch_dir.h"

namespace {

namespace fs = std::filesystem;

using CommandResult = fleetopt::testing::SplitResult;
using fleetopt::testing::read_text;
using fleetopt::testing::run_fleetopt_split;
using fleetopt::testing::stdout_json;

// The lines that start with "fleetopt " inside ```sh blocks of a markdown
// file, after the heading `from_heading` (all blocks when empty) and up to
// the next "## " heading.
std::vector<std::string> sh_commands(const std::string& path, const std::string& from_heading = "") {
  std::istringstream in(read_text(path));
  std::vector<std::string> commands;
  bool in_section = from_heading.empty(), in_block = false;
  for (std::string line; std::getline(in, line);) {
    if (!from_heading.empty() && line.rfind("## ", 0) == 0) in_section = line == from_heading;
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block && line == "```sh";
      continue;
    }
    if (in_section && in_block && line.rfind("fleetopt ", 0) == 0) commands.push_back(line);
  }
  return commands;
}

// "fleetopt ARGS" -> ARGS with every "/tmp/" pointing into `dir`.
std::string args_of(std::string command, const fs::path& dir) {
  command.erase(0, std::string("fleetopt ").size());
  const std::string to = dir.string() + "/";
  for (std::size_t at = command.find("/tmp/"); at != std::string::npos; at = command.find("/tmp/", at + to.size())) {
    command.replace(at, 5, to);
  }
  return command;
}

// Runs the commands in order (later ones may read what earlier ones wrote).
void expect_all_run(const std::vector<std::string>& commands, const std::string& scratch_name) {
  fleetopt::ScratchDir scratch(scratch_name);
  for (const auto& command : commands) {
    SCOPED_TRACE(command);
    CommandResult r = run_fleetopt_split(args_of(command, scratch.dir()));
    // The LSTM forecaster exists only in builds with libtorch.
    if (r.code != 0 && command.find("forecast") != std::string::npos &&
        r.all().find("torch") != std::string::npos) {
      std::printf("note: skipped (no libtorch in this build): %s\n", command.c_str());
      continue;
    }
    EXPECT_EQ(r.code, 0) << r.all();
    EXPECT_FALSE(r.out.empty());
  }
}

TEST(Examples, EveryCommandOfTheExamplesPageRuns) {
  auto commands = sh_commands("examples/README.md");
  ASSERT_GE(commands.size(), 15u);
  // Every command is covered: placement, sizing, training, conversion, the
  // bandit, planning, rearranging, consolidation, the demo.
  for (const char* name : {"simulate placement", "size", "train fireplace", "convert", "policies", "bandit oracle",
                           "bandit run", "bandit generate", "plan", "rearrange", "consolidate", "demo"}) {
    bool found = false;
    for (const auto& c : commands) found = found || c.rfind(std::string("fleetopt ") + name, 0) == 0;
    EXPECT_TRUE(found) << "examples/README.md has no 'fleetopt " << name << "' command";
  }
  expect_all_run(commands, "examples_page");
}

TEST(Examples, CommandLineSectionOfTheReadmeRunsOnTheExamples) {
  auto commands = sh_commands("README.md", "## Command line");
  ASSERT_GE(commands.size(), 8u);
  for (const auto& c : commands) {
    // Every input is a shipped example (or needs no file at all).
    for (const char* option : {"--instance", "--from", "--to", "--cluster", "--workload"}) {
      if (c.find(option) == std::string::npos) continue;
      EXPECT_TRUE(c.find("examples/") != std::string::npos || c.find("synthetic:") != std::string::npos) << c;
    }
  }
  expect_all_run(commands, "examples_readme");
}

TEST(Examples, EveryFileIsSmallAndListedOnThePage) {
  const std::string page = read_text("examples/README.md");
  std::set<std::string> listed;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator("examples")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    EXPECT_LE(entry.file_size(), 8u * 1024) << entry.path() << ": examples stay a few KB";
    // A file, or the folder that holds it, is named on the page.
    const fs::path rel = fs::relative(entry.path(), "examples");
    const std::string top = rel.begin()->string();
    if (rel.filename() == "README.md") continue;
    EXPECT_NE(page.find("`" + top + (rel.has_parent_path() ? "/`" : "`")), std::string::npos)
        << rel << " is not listed in examples/README.md";
  }
  EXPECT_GE(files, 8);
}

TEST(Examples, PlanConsolidatesInStagesWithATemporaryMove) {
  auto j = stdout_json(run_fleetopt_split("plan --from examples/cluster-a.json --to examples/cluster-b.json --json"));
  ASSERT_TRUE(j["feasible"].get<bool>()) << j.dump(2);
  EXPECT_GE(j["migrations"].size(), 4u);
  EXPECT_GE(j["stages"].get<int>(), 2);
  EXPECT_GE(j["temporary_moves"].get<int>(), 1);  // the app1/cache1 swap
  std::set<std::string> sources;
  for (const auto& m : j["migrations"]) sources.insert(m["from"].get<std::string>());
  EXPECT_TRUE(sources.count("h4") && sources.count("h5")) << "B empties h4 and h5";
  EXPECT_GE(j["total_cost"].get<double>(), j["lower_bound_cost"].get<double>());
}

TEST(Examples, RearrangeDefragFreesHostsAndItsOutputIsAPlanTarget) {
  fleetopt::ScratchDir scratch("examples_defrag");
  const std::string out = scratch.path("b.json");
  auto j = stdout_json(run_fleetopt_split("rearrange --cluster examples/cluster-a.json --goal defrag --json --out " + out));
  ASSERT_TRUE(j["ok"].get<bool>()) << j.dump(2);
  EXPECT_EQ(j["hosts_before"], 5);
  EXPECT_LT(j["hosts_after"].get<int>(), j["hosts_before"].get<int>());
  EXPECT_GE(j["hosts_after"].get<int>(), j["lower_bound_hosts"].get<int>());
  auto plan = stdout_json(run_fleetopt_split("plan --from examples/cluster-a.json --to " + out + " --json"));
  EXPECT_TRUE(plan["feasible"].get<bool>());
}

TEST(Examples, SimulatePlacesEveryVmOfTheWorkload) {
  auto j = stdout_json(run_fleetopt_split("simulate placement --workload canonical:examples/workload --policy p2 --hosts 6 --json"));
  EXPECT_EQ(j["decisions"], 20);
  EXPECT_EQ(j["rejected"], 0);
  EXPECT_EQ(j["steps"], 16);  // 8 hours of 30-minute steps
  EXPECT_GT(j["vm_steps"].get<int>(), 100);
}

TEST(Examples, SizeTellsThePoliciesApart) {
  auto j = stdout_json(run_fleetopt_split("size --workload canonical:examples/workload --policy first-fit,worst-fit,p2 "
                       "--overload-limit 0.05 --json"));
  ASSERT_EQ(j["results"].size(), 3u);
  const auto& first_fit = j["results"][0];
  const auto& worst_fit = j["results"][1];
  // Requests pack the CPU-heavy VMs together: first-fit overloads at any size,
  // spreading policies find a fleet.
  EXPECT_FALSE(first_fit["found"].get<bool>());
  EXPECT_EQ(first_fit["set_by"], "overload");
  ASSERT_TRUE(worst_fit["found"].get<bool>());
  EXPECT_LT(worst_fit["servers_needed"].get<double>(), 20);
  EXPECT_TRUE(j["results"][2]["found"].get<bool>());
}

TEST(Examples, BanditRunApproachesTheOracle) {
  auto oracle = stdout_json(run_fleetopt_split("bandit oracle --instance examples/bandit-instance.json --json"));
  EXPECT_GT(oracle["value"].get<double>(), 0);
  auto j = stdout_json(run_fleetopt_split("bandit run --instance examples/bandit-instance.json --algorithm fast --horizon 5000 "
                       "--runs 4 --json"));
  const double gap = j["relative_gap"].get<double>();
  EXPECT_GT(gap, 0);
  EXPECT_LT(gap, 0.5);
  EXPECT_NEAR(j["oracle_value"].get<double>(), oracle["value"].get<double>(), 1e-9);
  EXPECT_LE(j["max_constraint_mean"].get<double>(), 1.0);
}

TEST(Examples, ConsolidateRunsOnTheSmallDay) {
  auto j = stdout_json(run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day --hosts 10 --json"));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 3u);  // the three default policies
  for (const auto& row : j) {
    EXPECT_EQ(row["vms"], 10);
    EXPECT_GT(row["energy_kwh"].get<double>(), 0);
    EXPECT_GT(row["migrations"].get<int>(), 0);
  }
}

}  // namespace
