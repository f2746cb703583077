// Issue 9: every class of defect found by trying fleetopt as a new user and as
// an attacker would, reproduced end to end. Test names say which class:
// Defect1 outputs, Defect2 crashes, Defect3 hangs, Defect4 silent wrong
// answers, Defect5 exit codes and messages, Defect6 start-up, Defect7 progress.
// Commands that used to hang run under `timeout`, so a regression fails (exit
// 124) instead of stalling the suite.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_run.h"
#include "fleetopt/core/scratch_dir.h"

namespace {

using fleetopt::ScratchDir;
using fleetopt::testing::first_json_object;
using fleetopt::testing::run_fleetopt;
namespace fs = std::filesystem;

const char* kLimit = "timeout 60";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The LSTM baseline lives in fleetopt-torch, built only with libtorch.
bool has_torch_build() { return fs::exists(fs::path(FLEETOPT_BIN).parent_path() / "fleetopt-torch"); }

// Two hosts, three VMs; B consolidates onto h1.
const char* kClusterA = R"({"resources": ["cpu", "mem"],
 "hosts": [{"id": "h1", "capacity": {"cpu": 16, "mem": 64}},
           {"id": "h2", "capacity": {"cpu": 16, "mem": 64}}],
 "vms": [{"id": "a", "demand": {"cpu": 4, "mem": 8}, "host": "h1"},
         {"id": "b", "demand": {"cpu": 4, "mem": 8}, "host": "h2"},
         {"id": "c", "demand": {"cpu": 4, "mem": 8}, "host": "h2"}]})";
const char* kClusterB = R"({"vms": [{"id": "a", "host": "h1"}, {"id": "b", "host": "h1"}, {"id": "c", "host": "h1"}]})";

// A canonical workload of `vms` VMs over `hours`, with optional workload.json.
fs::path canonical(const fs::path& dir, const std::string& meta, const std::string& cpu = "2") {
  std::string inst = "id,arrival,departure,cpu,mem,tags\n";
  for (int i = 0; i < 6; ++i) inst += "vm" + std::to_string(i) + ",0,3600," + cpu + ",4,\n";
  write(dir / "instances.csv", inst);
  if (!meta.empty()) write(dir / "workload.json", meta);
  return dir;
}

// ---- 1. outputs -------------------------------------------------------------

TEST(Hardening, Defect1_RearrangeOutWriteFailureIsReported) {
  ScratchDir s("h_d1_full");
  write(s.dir() / "a.json", kClusterA);
  auto r = run_fleetopt("rearrange --cluster " + (s.dir() / "a.json").string() + " --goal defrag --out /dev/full");
  EXPECT_EQ(r.code, 4) << r.out;
  EXPECT_TRUE(contains(r.out, "/dev/full")) << r.out;
  r = run_fleetopt("rearrange --cluster " + (s.dir() / "a.json").string() + " --save-a /dev/full");
  EXPECT_EQ(r.code, 4) << r.out;
  // A missing directory is found before any work, naming the option.
  r = run_fleetopt("rearrange --cluster " + (s.dir() / "a.json").string() + " --out " +
                   (s.dir() / "missing" / "b.json").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--out")) << r.out;
}

TEST(Hardening, Defect1_FailedWriteKeepsThePreviousFile) {
  ScratchDir s("h_d1_keep");
  const fs::path out = s.dir() / "inst.json";
  auto r = run_fleetopt("bandit generate --nodes 3 --classes 2 --resources 1 --seed 1 --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string good = slurp(out);
  // Files larger than 1 KiB cannot be written (EFBIG; SIGXFSZ ignored).
  r = run_fleetopt("bandit generate --nodes 40 --classes 40 --resources 3 --seed 2 --out " + out.string(),
                   "trap '' XFSZ; ulimit -f 1;");
  EXPECT_EQ(r.code, 4) << r.out;
  EXPECT_EQ(slurp(out), good);
  int leftovers = 0;
  for (const auto& e : fs::directory_iterator(s.dir())) leftovers += e.path() != out;
  EXPECT_EQ(leftovers, 0) << "temporary files left behind";
  r = run_fleetopt("bandit generate --nodes 3 --classes 2 --resources 1 --out /dev/full");
  EXPECT_EQ(r.code, 4) << r.out;
}

TEST(Hardening, Defect1_TrainChecksItsOutputBeforeTraining) {
  ScratchDir s("h_d1_train");
  const std::string missing = (s.dir() / "no" / "model.json").string();
  auto r = run_fleetopt("train fireplace --workload synthetic:@vms=200@hours=6 --out " + missing, kLimit);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--out")) << r.out;
  EXPECT_FALSE(contains(r.out, "validation accuracy")) << "trained before checking --out";
  if (!has_torch_build()) GTEST_SKIP() << "built without libtorch: no fleetopt-torch";
  // train forecast (libtorch) used to abort with SIGABRT here.
  r = run_fleetopt("train forecast --workload synthetic:@vms=50@hours=6 --epochs 1 --out " +
                   (s.dir() / "no" / "m.pt").string(), kLimit);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--out")) << r.out;
  r = run_fleetopt("train forecast --workload synthetic:@vms=50@hours=6 --epochs 1 --out /dev/full", kLimit);
  EXPECT_EQ(r.code, 4) << r.out;
  EXPECT_TRUE(contains(r.out, "/dev/full")) << r.out;
}

TEST(Hardening, Defect1_ConvertReplacesTheWholeDirectory) {
  ScratchDir s("h_d1_convert");
  const fs::path out = s.dir() / "out";
  auto r = run_fleetopt("convert --workload synthetic:@vms=50@hours=6 --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(fs::exists(out / "usage.csv"));
  // A workload without usage: the earlier usage.csv must not survive.
  const fs::path src = canonical(s.dir() / "nousage", "");
  r = run_fleetopt("convert --workload canonical:" + src.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(fs::exists(out / "usage.csv")) << "stale usage.csv kept";
  EXPECT_TRUE(fs::exists(out / "instances.csv"));
  // A failed conversion leaves the previous directory as it was.
  const std::string before = slurp(out / "instances.csv");
  r = run_fleetopt("convert --workload synthetic:@vms=3000@hours=24 --out " + out.string(),
                   "trap '' XFSZ; ulimit -f 8;");
  EXPECT_EQ(r.code, 4) << r.out;
  EXPECT_EQ(slurp(out / "instances.csv"), before);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(s.dir())) entries += e.path().filename().string()[0] == '.';
  EXPECT_EQ(entries, 0) << "staging directory left behind";
}

TEST(Hardening, Defect1_InterruptedConvertNeverLeavesAHalfDirectory) {
  ScratchDir s("h_d1_sigterm");
  const fs::path out = s.dir() / "out";
  // SIGTERM at several points of a conversion: the target is absent or whole.
  for (const char* delay : {"0.05", "0.2", "0.5"}) {
    fs::remove_all(out);
    run_fleetopt("convert --workload synthetic:@vms=20000@hours=24 --out " + out.string() + " & sleep " + delay +
                 "; kill -TERM $! ; wait $! ; true #");
    if (!fs::exists(out)) continue;
    auto r = run_fleetopt("simulate placement --workload canonical:" + out.string() + " --policy p2 --hosts 5000");
    EXPECT_EQ(r.code, 0) << "after SIGTERM at " << delay << " s: " << r.out;
  }
}

// ---- 2. crashes --------------------------------------------------------------

TEST(Hardening, Defect2_RejectCostOutOfRangeIsBadInputNotAbort) {
  ScratchDir s("h_d2");
  const std::string inst = (s.dir() / "i.json").string();
  ASSERT_EQ(run_fleetopt("bandit generate --nodes 3 --classes 2 --resources 1 --out " + inst).code, 0);
  for (const char* cost : {"nan", "inf", "1e25", "-1"}) {
    for (const char* cmd : {"oracle", "run --horizon 100 --runs 1"}) {
      auto r = run_fleetopt(std::string("bandit ") + cmd + " --instance " + inst + " --reject --reject-cost " + cost);
      EXPECT_EQ(r.code, 2) << cmd << " " << cost << ": " << r.out;
      EXPECT_TRUE(contains(r.out, "--reject-cost")) << r.out;
    }
  }
  EXPECT_EQ(run_fleetopt("bandit oracle --instance " + inst + " --reject --reject-cost 2").code, 0);
}

// ---- 3. hangs and runaway memory ---------------------------------------------

TEST(Hardening, Defect3_HugeTimesInTracesAreRejectedAtOnce) {
  ScratchDir s("h_d3_times");
  auto sim = [&](const std::string& spec) {
    return run_fleetopt("simulate placement --workload " + spec + " --policy p2 --hosts 3", kLimit);
  };
  auto r = sim("canonical:" + canonical(s.dir() / "end", R"({"end": 1e15})").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "end")) << r.out;
  r = sim("canonical:" + canonical(s.dir() / "step", R"({"step_seconds": 0.001})").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "step_seconds")) << r.out;

  write(s.dir() / "ali" / "openb_pod_list_default.csv",
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
        "scheduled_time\np0,1000,1024,0,0,,LS,Running,0,600,0\np1,1000,1024,0,0,,LS,Running,0,1e18,0\n");
  write(s.dir() / "ali" / "openb_node_list_all_node.csv", "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,0,\n");
  r = sim("alibaba2023:" + (s.dir() / "ali").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "openb_pod_list_default.csv:3:")) << r.out;

  write(s.dir() / "wc.csv", "period,count\n1998-05-01 00:00:00,10\n2098-05-01 00:00:00,10\n");
  r = sim("worldcup98:" + (s.dir() / "wc.csv").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "wc.csv:3:")) << r.out;
}

TEST(Hardening, Defect3_FleetAndCandidateCountsAreBounded) {
  const std::string w = " --workload synthetic:@vms=100@hours=6";
  auto r = run_fleetopt("simulate placement" + w + " --policy p2 --hosts 10000000", kLimit);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--hosts")) << r.out;
  r = run_fleetopt("train fireplace" + w + " --out /tmp/unused.json --hosts 10000000", kLimit);
  EXPECT_EQ(r.code, 2) << r.out;
  // k beyond the fleet is capped at the fleet: the same decisions as k = fleet.
  auto big = run_fleetopt("simulate placement" + w + " --policy best-fit@k=1000000 --hosts 30 --json", kLimit);
  auto all = run_fleetopt("simulate placement" + w + " --policy best-fit@k=30 --hosts 30 --json", kLimit);
  ASSERT_EQ(big.code, 0) << big.out;
  ASSERT_EQ(all.code, 0) << all.out;
  EXPECT_EQ(first_json_object(big.out)["overload_rate"], first_json_object(all.out)["overload_rate"]);
}

// ---- 4. silent wrong answers -------------------------------------------------

TEST(Hardening, Defect4_ImpossibleWorkloadsAreErrorsNotEmptyResults) {
  ScratchDir s("h_d4");
  auto sim = [&](const fs::path& dir) {
    return run_fleetopt("simulate placement --workload canonical:" + dir.string() + " --policy p2 --hosts 3", kLimit);
  };
  auto r = sim(canonical(s.dir() / "backwards", R"({"start": 0, "end": -5})"));
  EXPECT_EQ(r.code, 2) << r.out;
  r = sim(canonical(s.dir() / "bigstep", R"({"step_seconds": 1e300})"));
  EXPECT_EQ(r.code, 2) << r.out;
  r = sim(canonical(s.dir() / "hugecpu", "", "1e300"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "instances.csv:2:")) << r.out;
  r = run_fleetopt("size --workload synthetic:@vms=50@hours=6 --policy p2 --overcommit cpu=0");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--overcommit")) << r.out;
}

TEST(Hardening, Defect4_ClusterFilesAreCheckedAlikeInAAndB) {
  ScratchDir s("h_d4_cluster");
  write(s.dir() / "reserve.json", R"({"resources": ["cpu"],
    "hosts": [{"id": "h1", "capacity": {"cpu": 16}, "reserve": {"cpu": 20}}],
    "vms": [{"id": "a", "demand": {"cpu": 4}, "host": "h1"}]})");
  auto r = run_fleetopt("rearrange --cluster " + (s.dir() / "reserve.json").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "reserve.cpu")) << r.out;

  write(s.dir() / "a.json", kClusterA);
  const std::string a = (s.dir() / "a.json").string();
  for (const auto& [name, b] : std::vector<std::pair<std::string, std::string>>{
           {"rules", R"({"rules": [{"rule": "no_such_rule"}], "vms": [{"id": "a", "host": "h1"}]})"},
           {"overcommit", R"({"overcommit": {"cpu": -1}, "vms": [{"id": "a", "host": "h1"}]})"},
           {"reserve", R"({"hosts": [{"id": "h1", "capacity": {"cpu": 16, "mem": 64}, "reserve": {"cpu": 99}}],
                          "vms": [{"id": "a", "host": "h1"}]})"},
           {"duplicate host", R"({"hosts": [{"id": "h1"}, {"id": "h1"}], "vms": [{"id": "a", "host": "h1"}]})"}}) {
    write(s.dir() / "b.json", b);
    r = run_fleetopt("plan --from " + a + " --to " + (s.dir() / "b.json").string());
    EXPECT_EQ(r.code, 2) << name << ": " << r.out;
    EXPECT_TRUE(contains(r.out, "b.json")) << name << ": " << r.out;
  }
}

// ---- 5. exit codes and messages ----------------------------------------------

TEST(Hardening, Defect5_DirectoryGivenForAFileNamesIt) {
  ScratchDir s("h_d5_dir");
  const std::string dir = s.dir().string();
  for (const std::string& cmd : {"rearrange --cluster " + dir, "plan --from " + dir + " --to " + dir,
                                 "bandit oracle --instance " + dir,
                                 "simulate placement --workload synthetic:@vms=20 --hosts 3 --policy fireplace:" + dir}) {
    auto r = run_fleetopt(cmd);
    EXPECT_EQ(r.code, 2) << cmd << ": " << r.out;
    EXPECT_TRUE(contains(r.out, dir + ": is a directory")) << cmd << ": " << r.out;
  }
}

TEST(Hardening, Defect5_InfeasibleResultsHaveTheirOwnExitCode) {
  ScratchDir s("h_d5_infeasible");
  write(s.dir() / "a.json", kClusterA);
  const std::string a = (s.dir() / "a.json").string();
  const fs::path out = s.dir() / "b-out.json";
  auto r = run_fleetopt("rearrange --cluster " + a + " --goal evacuate:h1,h2 --out " + out.string());
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_FALSE(fs::exists(out)) << "an infeasible target was written";
  // B needs 20 cpus on a 16-cpu host.
  std::string a_big = kClusterA;
  const std::string small_c = R"({"id": "c", "demand": {"cpu": 4,)";
  a_big.replace(a_big.find(small_c), small_c.size(), R"({"id": "c", "demand": {"cpu": 12,)");
  write(s.dir() / "a_big.json", a_big);
  write(s.dir() / "b.json", kClusterB);
  r = run_fleetopt("plan --from " + (s.dir() / "a_big.json").string() + " --to " + (s.dir() / "b.json").string());
  EXPECT_EQ(r.code, 3) << r.out;
  write(s.dir() / "b.json", kClusterB);
  r = run_fleetopt("plan --from " + a + " --to " + (s.dir() / "b.json").string());
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST(Hardening, Defect5_JsonErrorsNameFileLineAndAreJsonWithJson) {
  ScratchDir s("h_d5_json");
  write(s.dir() / "bad.json", "{\"resources\": [\"cpu\"],\n \"hosts\": [\n  {\"id\": \"h1\",, }]}\n");
  const std::string bad = (s.dir() / "bad.json").string();
  for (const std::string& cmd : {"rearrange --cluster " + bad, "bandit oracle --instance " + bad,
                                 "simulate placement --workload synthetic:@vms=20 --hosts 3 --policy fireplace:" + bad}) {
    auto r = run_fleetopt(cmd);
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_TRUE(contains(r.out, bad + ":3:")) << cmd << ": " << r.out;
    EXPECT_FALSE(contains(r.out, "[json.exception")) << r.out;
  }
  auto r = run_fleetopt("rearrange --json --cluster " + bad);
  EXPECT_EQ(r.code, 2);
  auto j = nlohmann::json::parse(r.out);  // the whole output is one JSON document
  EXPECT_EQ(j["error"]["exit_code"], 2);
  EXPECT_EQ(j["error"]["kind"], "bad_input");
  EXPECT_TRUE(contains(j["error"]["message"].get<std::string>(), bad + ":3:"));
  r = run_fleetopt("size --json --workload synthetic: --policy p2 --seeds 0");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["kind"], "bad_input") << r.out;
}

TEST(Hardening, Defect5_OutOfRangeSizesNameTheValue) {
  auto r = run_fleetopt("simulate placement --workload synthetic:@vms=2000000000 --policy p2 --hosts 3", kLimit);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "vms")) << r.out;
}

// ---- 6. start-up ---------------------------------------------------------------

TEST(Hardening, Defect6_PlainBinaryDoesNotLoadLibtorch) {
  auto r = run_fleetopt("", "ldd");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(contains(r.out, "libtorch")) << r.out;
  EXPECT_FALSE(contains(r.out, "libc10")) << r.out;
  // ...yet the forecast policy is still there by name.
  r = run_fleetopt("policies");
  EXPECT_TRUE(contains(r.out, "forecast")) << r.out;
}

// ---- 7. progress ---------------------------------------------------------------

TEST(Hardening, Defect7_ProgressBarOnlyOnATerminal) {
  const std::string size = "size --workload synthetic:@vms=6000@hours=24 --policy p2,first-fit,best-fit,worst-fit,random";
  // `script` gives the command a terminal.
  auto on_tty = run_fleetopt(size + "' /dev/null", "script -qec '");
  ASSERT_EQ(on_tty.code, 0) << on_tty.out;
  EXPECT_TRUE(contains(on_tty.out, "sizing [")) << on_tty.out;
  auto json_on_tty = run_fleetopt(size + " --json' /dev/null", "script -qec '");
  EXPECT_FALSE(contains(json_on_tty.out, "sizing [")) << json_on_tty.out;
  auto piped = run_fleetopt(size);
  EXPECT_FALSE(contains(piped.out, "sizing [")) << piped.out;
}

}  // namespace
