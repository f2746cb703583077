#include "fleetopt/trace/workload_spec.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "fleetopt/trace/canonical.h"
#include "fleetopt/trace/synthetic.h"
#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

TEST(WorkloadSpec, ParsesReaderPathAndOptions) {
  WorkloadSpec s = WorkloadSpec::parse("azure2017:azure-2017-arrivals@split=test@shapes=bitbrains@hours=24");
  EXPECT_EQ(s.reader, "azure2017");
  EXPECT_EQ(s.path, "azure-2017-arrivals");
  EXPECT_EQ(s.options, (std::map<std::string, std::string>{
                           {"split", "test"}, {"shapes", "bitbrains"}, {"hours", "24"}}));
  WorkloadSpec empty_path = WorkloadSpec::parse("synthetic:@vms=500@seed=1");
  EXPECT_EQ(empty_path.reader, "synthetic");
  EXPECT_EQ(empty_path.path, "");
  EXPECT_EQ(empty_path.options.at("vms"), "500");
  WorkloadSpec bare = WorkloadSpec::parse("synthetic@vms=2");
  EXPECT_EQ(bare.reader, "synthetic");
  EXPECT_EQ(bare.options.at("vms"), "2");
  EXPECT_EQ(WorkloadSpec::parse("planetlab").reader, "planetlab");
  EXPECT_EQ(WorkloadSpec::parse("canonical:/tmp/a:b").path, "/tmp/a:b");
}

TEST(WorkloadSpec, MalformedSpecsAreErrors) {
  expect_input_error([] { WorkloadSpec::parse(""); }, "expected READER:PATH");
  expect_input_error([] { WorkloadSpec::parse(":dir"); }, "expected READER:PATH");
  expect_input_error([] { WorkloadSpec::parse("synthetic:@vms"); }, "option 'vms' is not KEY=VALUE");
  expect_input_error([] { WorkloadSpec::parse("synthetic:@=3"); }, "is not KEY=VALUE");
  expect_input_error([] { WorkloadSpec::parse("synthetic:@vms=1@vms=2"); }, "option 'vms' given twice");
}

TEST(WorkloadSpec, UnknownReadersAndOptionsListTheKnownOnes) {
  LoadOptions opts;
  expect_input_error([&] { load_workload("gcp:x", opts, nullptr); },
                     "unknown reader 'gcp' in 'gcp:x' (known: planetlab, bitbrains, alibaba2018, "
                     "azure2017, alibaba2023, azurefunctions, worldcup98, canonical, synthetic)");
  expect_input_error([&] { load_workload("synthetic:@colour=red", opts, nullptr); },
                     "synthetic: unknown option 'colour' (known: vms, hours, seed, step, shapes)");
  expect_input_error([&] { load_workload("synthetic:@vms=many", opts, nullptr); },
                     "synthetic@vms: expected a non-negative integer, got 'many'");
  expect_input_error([&] { load_workload("synthetic:@hours=-2", opts, nullptr); },
                     "synthetic@hours: expected a number in");
  expect_input_error([&] { load_workload("synthetic:somewhere@vms=2", opts, nullptr); },
                     "synthetic takes no PATH");
  expect_input_error([&] { load_workload("canonical:", opts, nullptr); }, "canonical: PATH required");
  ASSERT_EQ(workload_readers().size(), 9u);
  EXPECT_EQ(workload_readers().front().name, "planetlab");
}

TEST(WorkloadSpec, SyntheticNeedsNoData) {
  Workload w = load_workload("synthetic:@vms=50@hours=12@seed=3", {}, nullptr);
  EXPECT_EQ(w.size(), 50u);
  EXPECT_EQ(w.name, "synthetic:@vms=50@hours=12@seed=3");
  EXPECT_DOUBLE_EQ(w.end, 12 * 3600);
  Workload same = load_workload("synthetic:@seed=3@hours=12@vms=50", {}, nullptr);
  EXPECT_EQ(same.samples, w.samples);
}

TEST(WorkloadSpec, RelativePathsFallBackToTheDataDir) {
  TempDir data;
  data.write("planetlab/20110303/vm1", "10\n20\n30\n40\n");
  data.write("planetlab/20110303/vm2", "50\n60\n70\n80\n");
  LoadOptions opts;
  opts.data_dir = data.path();
  ReadReport report;
  Workload w = load_workload("planetlab:planetlab/20110303@static=1", opts, &report);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_DOUBLE_EQ(w.instances[0].departure, 4 * 300);
  EXPECT_FALSE(report.notes().empty());
  // An empty PATH is the reader's default folder under the data dir.
  EXPECT_EQ(load_workload("planetlab:@static=1", opts, nullptr).size(), 2u);
  EXPECT_EQ(load_workload("planetlab:$DATA/planetlab/20110303", opts, nullptr).size(), 2u);
  EXPECT_EQ(load_workload("planetlab:@vms=1@seed=2", opts, nullptr).size(), 1u);
  expect_input_error([&] { load_workload("planetlab:planetlab/19990101", opts, nullptr); },
                     "planetlab/19990101: not found (looked in the working directory and in the "
                     "data dir as " + data.path() + "/planetlab/19990101)");
  expect_input_error([&] { load_workload("planetlab:@static=maybe", opts, nullptr); },
                     "planetlab@static: expected 0 or 1");
  expect_input_error([&] { load_workload("planetlab:@sizes=trace", opts, nullptr); },
                     "unknown option 'sizes'");
}

TEST(WorkloadSpec, BitbrainsIdsSelectVmsInEveryMonth) {
  // Two months of the same VMs 1-4 (July with all four, September with 3-4).
  TempDir data;
  auto file = [](long long t0, double cores) {
    std::string f = "Timestamp [ms];\tCPU cores;\tx;\tx;\tx;\tx;\tx;\tx;\tx;\tx;\tx\n";
    for (int k = 0; k < 12; ++k) {
      f += fmt::format("{};\t{};\t0;\t0;\t{};\t1048576;\t524288;\t0;\t0;\t0;\t0\n", t0 + 300 * k, cores,
                       10 * (k % 3 + 1));
    }
    return f;
  };
  for (int vm = 1; vm <= 4; ++vm) data.write(fmt::format("bb/2013-7/{}.csv", vm), file(1372629804, vm));
  for (int vm = 3; vm <= 4; ++vm) data.write(fmt::format("bb/2013-9/{}.csv", vm), file(1377993600, vm));
  LoadOptions opts;
  opts.data_dir = data.path();
  Workload july = load_workload("bitbrains:bb/2013-7@ids=3-4@static=1", opts, nullptr);
  Workload september = load_workload("bitbrains:bb/2013-9@ids=3-4@static=1", opts, nullptr);
  EXPECT_EQ(july.ids, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(september.ids, july.ids);
  EXPECT_EQ(load_workload("bitbrains:bb/2013-7@ids=2@static=1", opts, nullptr).ids,
            std::vector<std::string>{"2"});
  EXPECT_EQ(load_workload("bitbrains:bb/2013-7@static=1", opts, nullptr).size(), 4u);
  for (const char* bad : {"x", "5-3", "-4", "3-"}) {
    expect_input_error([&] { load_workload(std::string("bitbrains:bb/2013-7@ids=") + bad, opts, nullptr); },
                       "bitbrains@ids: expected FIRST-LAST");
  }
  expect_input_error([&] { load_workload("bitbrains:bb/2013-7@ids=7-9", opts, nullptr); },
                     "no Bitbrains file N.csv with 7 <= N <= 9");
  expect_input_error([&] { load_workload("planetlab:bb/2013-7@ids=1-2", opts, nullptr); },
                     "unknown option 'ids'");
  // Azure arrivals take Bitbrains shapes from a VM range too; only those.
  data.write("az/README", "");
  expect_input_error([&] { load_workload("azure2017:az@shapes=planetlab@shapes_ids=1-2", opts, nullptr); },
                     "azure2017@shapes_ids: selects Bitbrains VMs or Alibaba machines");
}

TEST(WorkloadSpec, AlibabaMachinesByNumber) {
  TempDir data;
  std::string usage, meta;
  for (int m = 1; m <= 4; ++m) {
    meta += fmt::format("m_{},0,1,1,96,100,USING\n", m);
    for (int k = 0; k < 6; ++k) usage += fmt::format("m_{},{},{},50,,,1,1,5\n", m, 300 * k, 10 * m + k);
  }
  data.write("ali/machine_usage.csv", usage);
  data.write("ali/machine_meta.csv", meta);
  LoadOptions opts;
  opts.data_dir = data.path();
  EXPECT_EQ(load_workload("alibaba2018:ali@static=1", opts, nullptr).size(), 4u);
  EXPECT_EQ(load_workload("alibaba2018:ali@static=1@ids=3-4", opts, nullptr).ids,
            (std::vector<std::string>{"m_3", "m_4"}));
  expect_input_error([&] { load_workload("alibaba2018:ali@ids=5-9", opts, nullptr); },
                     "no series whose id ends in a number N with 5 <= N <= 9");
}

TEST(WorkloadSpec, CanonicalWithWindowAndLimit) {
  TempDir dir;
  SyntheticOptions s;
  s.vms = 30;
  write_canonical(make_synthetic(s), dir.path());
  Workload all = load_workload("canonical:" + dir.path(), {}, nullptr);
  EXPECT_EQ(all.size(), 30u);
  Workload few = load_workload("canonical:" + dir.path() + "@vms=5", {}, nullptr);
  ASSERT_EQ(few.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(few.ids[i], all.ids[i]);
  Workload early = load_workload("canonical:" + dir.path() + "@hours=2", {}, nullptr);
  for (const Instance& inst : early.instances) EXPECT_LE(inst.departure, 7200);
  EXPECT_LT(early.size(), 30u);
}

}  // namespace
}  // namespace fleetopt
