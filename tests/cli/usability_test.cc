// Issue 9: usability (item 7, tests Defect7_*) and messages (item 5, tests
// Defect5_*), end to end through the built binary. Tests run from the source
// root; files a test writes go to a fleetopt::ScratchDir.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "fleetopt/core/scratch_dir.h"

namespace {

using CommandResult = fleetopt::testing::SplitResult;
using fleetopt::testing::read_text;
using fleetopt::testing::run_fleetopt_split;
using fleetopt::testing::stdout_json;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

const char* kSynthetic = "synthetic:@vms=30@hours=6@seed=2";

// --- item 7: size shows what set each answer --------------------------------

TEST(Usability, Defect7_SizeTableHasRejectedAndSetByColumns) {
  // Hosts of 2 cores / 4 GB: some VMs fit no host, so no fleet size passes
  // because of rejections, not overload.
  CommandResult small = run_fleetopt_split(std::string("size --workload ") + kSynthetic + " --policy first-fit --host cpu=2,mem=4");
  ASSERT_EQ(small.code, 0) << small.all();
  std::istringstream lines(small.out);
  std::string line, header, row;
  while (std::getline(lines, line)) {
    if (line.rfind("policy", 0) == 0) header = line;
    if (line.rfind("first-fit", 0) == 0) row = line;
  }
  EXPECT_TRUE(std::regex_search(header, std::regex(R"(\brejected\b)"))) << small.out;
  EXPECT_TRUE(std::regex_search(header, std::regex(R"(\bset_by\b)"))) << small.out;
  EXPECT_TRUE(contains(row, "rejections")) << small.out;
  EXPECT_TRUE(contains(row, ">")) << small.out;

  auto j = stdout_json(run_fleetopt_split(std::string("size --workload ") + kSynthetic + " --policy first-fit --host cpu=2,mem=4 --json"));
  const auto& r = j["results"][0];
  EXPECT_FALSE(r["found"].get<bool>());
  EXPECT_EQ(r["set_by"], "rejections");
  EXPECT_GT(r["rejected"].get<int>(), 0);
}

TEST(Usability, Defect7_SizeTellsOverloadFromRejections) {
  // Admission by requests switched off: no VM is ever rejected, so every
  // answer (found or not) is set by overload.
  auto j = stdout_json(run_fleetopt_split(std::string("size --workload ") + kSynthetic +
                       " --policy worst-fit,best-fit --overcommit cpu=1000,mem=1000 --host cpu=8,mem=32"
                       " --overload-limit 0.05 --json"));
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_TRUE(j["results"][0]["found"].get<bool>());
  EXPECT_FALSE(j["results"][1]["found"].get<bool>());  // best-fit overloads at any size
  for (const auto& r : j["results"]) {
    EXPECT_EQ(r["rejected"], 0) << r.dump();
    EXPECT_EQ(r["set_by"], "overload") << r.dump();
  }
  // Admission by requests at overcommit 1 and no overload limit: a fleet is
  // found (the run at the answer rejects nothing) and one host fewer rejects
  // a VM — told apart from an answer set by overload.
  auto tight = stdout_json(run_fleetopt_split(std::string("size --workload ") + kSynthetic +
                           " --policy worst-fit --overcommit cpu=1 --host cpu=16,mem=64 --overload-limit 1 --json"));
  const auto& t = tight["results"][0];
  ASSERT_TRUE(t["found"].get<bool>()) << t.dump();
  EXPECT_EQ(t["rejected"], 0) << t.dump();
  EXPECT_EQ(t["set_by"], "rejections") << t.dump();
  EXPECT_GT(t["servers_needed"].get<int>(), t["lower_bound_hosts"].get<int>()) << t.dump();
}

TEST(Usability, Defect7_SizeJsonRecordsHostOvercommitAndSeeds) {
  auto j = stdout_json(run_fleetopt_split(std::string("size --workload ") + kSynthetic +
                       " --policy p2 --host cpu=16,mem=64 --overcommit cpu=4 --seed 3 --seeds 2 --json"));
  EXPECT_EQ(j["host"], nlohmann::json({{"cpu", 16.0}, {"mem", 64.0}}));
  EXPECT_EQ(j["overcommit"], nlohmann::json({{"cpu", 4.0}, {"mem", 1.0}}));
  EXPECT_EQ(j["seeds"], nlohmann::json({3, 4}));
  EXPECT_EQ(j["overload_limit"], 0.01);
  EXPECT_EQ(j["workload"], kSynthetic);

  // Defaults recorded too: the workload's default host and cpu=8.
  auto d = stdout_json(run_fleetopt_split(std::string("size --workload ") + kSynthetic + " --policy p2 --json"));
  EXPECT_EQ(d["overcommit"]["cpu"], 8.0);
  EXPECT_GT(d["host"]["cpu"].get<double>(), 0);
  EXPECT_EQ(d["seeds"], nlohmann::json({1}));
}

// --- item 7: consolidate takes SPEC @ options --------------------------------

TEST(Usability, Defect7_ConsolidateTakesSpecOptions) {
  auto j = stdout_json(run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@vms=4@seed=2@hours=2 "
                       "--policy thr-mmt --hosts 10 --json"));
  EXPECT_EQ(j["vms"], 4);
  auto whole = stdout_json(run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day --policy thr-mmt --hosts 10 --json"));
  EXPECT_EQ(whole["vms"], 10);
  // Two hours of the day use less energy than the whole day.
  EXPECT_LT(j["energy_kwh"].get<double>(), whole["energy_kwh"].get<double>() / 4);
  // @static=1 is the only mode and is accepted.
  EXPECT_EQ(run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@static=1 --policy thr-mmt --hosts 10").code,
            0);
  // The same seed gives the same subset.
  auto again = stdout_json(run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@vms=4@seed=2@hours=2 "
                           "--policy thr-mmt --hosts 10 --json"));
  EXPECT_EQ(again["energy_kwh"], j["energy_kwh"]);
}

TEST(Usability, Defect7_ConsolidateRejectsUnknownOrBadOptionsByName) {
  CommandResult unknown = run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@bogus=1 --hosts 10");
  EXPECT_EQ(unknown.code, 2) << unknown.all();
  EXPECT_TRUE(contains(unknown.err, "unknown option 'bogus'")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "vms")) << "lists the known options: " << unknown.err;

  CommandResult too_many = run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@vms=11 --hosts 10");
  EXPECT_EQ(too_many.code, 2) << too_many.all();
  EXPECT_TRUE(contains(too_many.err, "@vms=11")) << too_many.err;

  CommandResult bad_value = run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@hours=-1 --hosts 10");
  EXPECT_EQ(bad_value.code, 2) << bad_value.all();
  EXPECT_TRUE(contains(bad_value.err, "hours")) << bad_value.err;

  CommandResult dynamic = run_fleetopt_split("consolidate --workload planetlab:examples/planetlab-day@static=0 --hosts 10");
  EXPECT_EQ(dynamic.code, 2) << dynamic.all();
  EXPECT_TRUE(contains(dynamic.err, "static")) << dynamic.err;
}

// --- issue 13: consolidate's CloudSim fidelity and VM order -----------------

TEST(Usability, ConsolidateFidelityAndVmOrder) {
  const std::string day = "consolidate --workload planetlab:examples/planetlab-day --policy thr-mmt --hosts 10 ";
  auto plain = stdout_json(run_fleetopt_split(day + "--json"));
  auto fleetopt = stdout_json(run_fleetopt_split(day + "--fidelity fleetopt --json"));
  EXPECT_EQ(plain["energy_kwh"], fleetopt["energy_kwh"]);  // fleetopt is the default
  EXPECT_EQ(plain["fidelity"], "fleetopt");
  auto cloudsim = stdout_json(run_fleetopt_split(day + "--fidelity cloudsim --json"));
  EXPECT_EQ(cloudsim["fidelity"], "cloudsim");
  EXPECT_NE(cloudsim["energy_kwh"], plain["energy_kwh"]);
  // The directory's own order and the same order from a file agree.
  auto dir = stdout_json(run_fleetopt_split(day + "--vm-order dir --json"));
  EXPECT_EQ(dir["vms"], 10);
  for (const char* bad : {"--fidelity bogus", "--quirks bogus", "--quirks trust_moves --fidelity cloudsim",
                          "--vm-order /nonexistent/order.txt"}) {
    CommandResult r = run_fleetopt_split(day + bad);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.all();
    EXPECT_TRUE(contains(r.err, "error")) << r.err;
  }
  // A VM order naming a series the day does not have is refused by name.
  fleetopt::ScratchDir scratch("vm_order_cli");
  const std::string order = scratch.write("order.txt", "vm01\nnot-a-series\n");
  CommandResult unknown = run_fleetopt_split(day + "--vm-order " + order);
  EXPECT_EQ(unknown.code, 2) << unknown.all();
  EXPECT_TRUE(contains(unknown.err, "not-a-series")) << unknown.err;
}

// --- item 7: the docs agree with the tool ------------------------------------

TEST(Usability, Defect7_PlacementDocStatesTheToolsDefaultOvercommit) {
  CommandResult help = run_fleetopt_split("simulate placement --help");
  ASSERT_EQ(help.code, 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(help.out, m, std::regex(R"(--overcommit TEXT=(\S+))"))) << help.out;
  const std::string tool_default = m[1];
  const std::string doc = read_text("docs/placement.md");
  EXPECT_TRUE(contains(doc, "default `--overcommit " + tool_default + "`")) << "tool default: " << tool_default;
  // No other ratio is called the default anywhere in the docs.
  for (const char* path : {"docs/placement.md", "docs/simulator.md", "README.md"}) {
    const std::string text = read_text(path);
    std::regex stated(R"(default `--overcommit (cpu=[0-9.]+)`)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), stated); it != std::sregex_iterator(); ++it) {
      EXPECT_EQ((*it)[1].str(), tool_default) << path;
    }
  }
}

TEST(Usability, Defect7_SimulatorDocNamesOnlyModulesThatExist) {
  const std::string doc = read_text("docs/simulator.md");
  if (!std::ifstream("src/fleetopt/service/CMakeLists.txt").good()) {
    EXPECT_FALSE(std::regex_search(doc, std::regex(R"(\bthe service\b)")))
        << "docs/simulator.md names a decision service, but src/fleetopt/service does not exist";
  }
}

TEST(Usability, Defect7_DemoTimingIsTheSameMeasuredNumberEverywhere) {
  // README and docs/simulator.md state one measured wall time for the whole
  // `fleetopt demo`, with the machine it was measured on.
  std::smatch readme_m, sim_m;
  const std::string readme = read_text("README.md"), sim = read_text("docs/simulator.md");
  ASSERT_TRUE(std::regex_search(readme, readme_m, std::regex(R"(`fleetopt demo`[^.]*?takes ([0-9.]+) s wall)")));
  ASSERT_TRUE(std::regex_search(sim, sim_m, std::regex(R"(`time fleetopt demo`[^|]*\| ([0-9.]+) s wall)")));
  EXPECT_EQ(readme_m[1].str(), sim_m[1].str());
  EXPECT_TRUE(contains(readme, "2-core")) << "the README names the machine";
  // And the command does run (the number itself is measured by hand).
  EXPECT_EQ(run_fleetopt_split("demo --json").code, 0);
}

// --- item 5: messages name options that exist ---------------------------------

TEST(Usability, Defect5_TrainErrorsNameOptionsThatExist) {
  fleetopt::ScratchDir scratch("usability_train");
  const std::string base = std::string("train fireplace --workload ") + kSynthetic + " --out " + scratch.path("m.json");
  CommandResult help = run_fleetopt_split("train fireplace --help");
  ASSERT_EQ(help.code, 0);
  std::set<std::string> options;
  std::regex option(R"(--[a-z][a-z-]*)");
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), option); it != std::sregex_iterator(); ++it) {
    options.insert(it->str());
  }
  for (const char* bad : {"--tree-depth 0", "--forest-depth 21", "--boosted-depth 0", "--forest-trees 0",
                          "--boosted-rounds 20000"}) {
    SCOPED_TRACE(bad);
    CommandResult r = run_fleetopt_split(base + " " + bad);
    EXPECT_EQ(r.code, 2) << r.all();
    const std::string given = std::string(bad).substr(0, std::string(bad).find(' '));
    EXPECT_TRUE(contains(r.err, given + ":")) << "the message names " << given << ": " << r.err;
    for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), option); it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(options.count(it->str())) << it->str() << " is not an option of train fireplace: " << r.err;
    }
  }
}

// --- item 5: a UTF-8 byte-order mark is not part of the first column ----------

TEST(Usability, Defect5_CsvWithAByteOrderMarkReads) {
  fleetopt::ScratchDir scratch("usability_bom");
  const std::string bom = "\xEF\xBB\xBF";
  scratch.write("instances.csv", bom + "id,arrival,departure,cpu,mem,tags\nvm1,0,3600,2,4,\nvm2,600,3600,4,8,web\n");
  scratch.write("usage.csv", bom + "id,time,cpu,mem\nvm1,0,1.5,2\nvm2,600,3,4\n");
  CommandResult r = run_fleetopt_split("simulate placement --workload canonical:" + scratch.dir().string() +
                        " --policy first-fit --hosts 2 --json");
  ASSERT_EQ(r.code, 0) << r.all();
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["decisions"], 2);
  EXPECT_EQ(j["rejected"], 0);
  EXPECT_FALSE(contains(r.err, "unknown column")) << r.err;
}

}  // namespace
