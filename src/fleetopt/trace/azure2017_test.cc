#include "fleetopt/trace/azure2017.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

// Bins: 0 [0,300), 1 [300,600), 2 [600,1200), 3 [1200,1500); censoring at 1900.
void write_split(const TempDir& dir, const std::string& flavors, const std::string& durations) {
  dir.write("flavor_map.txt", "1,0.75 a\n2,4 h\n");
  dir.write("duration_bins.txt", "0 0\n300 1\n600 2\n900 2\n1200 3\n");
  dir.write("dev.flavors.txt", flavors);
  if (!durations.empty()) dir.write("dev.durations.c1900.txt", durations);
}

const char* kFlavors = "1000 a,a,|,h,|\n1300 h,|\n1600 a,|\n";
const char* kDurations = "1000 U1,U2,|,C3,|\n1300 U0,|\n1600 U3,|\n";

std::size_t index_of(const Workload& w, const std::string& id) {
  for (std::size_t i = 0; i < w.ids.size(); ++i) {
    if (w.ids[i] == id) return i;
  }
  ADD_FAILURE() << "no instance " << id;
  return 0;
}

TEST(Azure2017, ReadsFlavoursBatchesAndDurationCodes) {
  TempDir dir;
  write_split(dir, kFlavors, kDurations);
  Azure2017Trace t = read_azure2017(dir.path(), "dev", 0, 0, nullptr);
  ASSERT_EQ(t.vms.size(), 5u);
  EXPECT_TRUE(t.has_durations);
  EXPECT_DOUBLE_EQ(t.censor_time, 1900);
  EXPECT_DOUBLE_EQ(t.start, 700);
  EXPECT_EQ(t.vms[0].batch, t.vms[1].batch);
  EXPECT_NE(t.vms[1].batch, t.vms[2].batch);
  EXPECT_NE(t.vms[2].batch, t.vms[3].batch);  // batches end with the line
  EXPECT_TRUE(t.vms[2].censored);
  EXPECT_EQ(t.vms[4].duration_bin, 3);
  EXPECT_DOUBLE_EQ(t.vms[3].line_start, 1000);
  EXPECT_DOUBLE_EQ(t.vms[3].line_end, 1300);
  EXPECT_DOUBLE_EQ(t.flavors[0].weight, 3);  // a
  ASSERT_EQ(t.bin_lower.size(), 4u);
  EXPECT_DOUBLE_EQ(t.bin_lower[2], 600);
  EXPECT_DOUBLE_EQ(t.bin_upper[2], 1200);
  EXPECT_DOUBLE_EQ(t.bin_upper[3], 1500);  // last bin closed one listing step later
}

TEST(Azure2017, JoiningRuleForArrivalsSizesAndLifetimes) {
  TempDir dir;
  write_split(dir, kFlavors, kDurations);
  Azure2017Trace t = read_azure2017(dir.path(), "dev", 0, 0, nullptr);
  ReadReport report;
  Workload w = azure2017_workload(t, nullptr, {}, &report);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_NO_THROW(w.validate());
  const Instance& v0 = w.instances[index_of(w, "vm0")];
  const Instance& v1 = w.instances[index_of(w, "vm1")];
  const Instance& v2 = w.instances[index_of(w, "vm2")];
  const Instance& v3 = w.instances[index_of(w, "vm3")];
  const Instance& v4 = w.instances[index_of(w, "vm4")];
  EXPECT_DOUBLE_EQ(v0.arrival, v1.arrival);  // one tenant batch, one arrival
  EXPECT_GE(v0.arrival, 700);
  EXPECT_LT(v0.arrival, 1000);
  EXPECT_GE(v3.arrival, 1000);
  EXPECT_LT(v3.arrival, 1300);
  EXPECT_EQ(v2.request, make_resources(2, 4));
  EXPECT_EQ(v0.request, make_resources(1, 0.75));
  EXPECT_GE(v0.departure - v0.arrival, 300);  // U1
  EXPECT_LT(v0.departure - v0.arrival, 600);
  EXPECT_GE(v3.departure - v3.arrival, 1);  // U0
  EXPECT_LT(v3.departure - v3.arrival, 300);
  EXPECT_DOUBLE_EQ(v2.departure, 1900);  // censored: to the end of the window
  EXPECT_LE(v4.departure, 1900);         // U3 finished before censoring
  // vm1 (U2, up to 1200 s) and vm4 (U3) arrive less than a bin's top before 1900.
  EXPECT_LE(v1.departure, 1900);
  EXPECT_EQ(report.get("durations_cut_at_censoring"), 2);
  EXPECT_EQ(report.get("censored_vms_run_to_window_end"), 1);
  EXPECT_EQ(w.tags[index_of(w, "vm2")], "flavor=h;batch=1");
  EXPECT_EQ(w.default_host, make_resources(32, 128));
  EXPECT_DOUBLE_EQ(w.start, 700);
  EXPECT_DOUBLE_EQ(w.end, 1900);
}

TEST(Azure2017, DeterministicUnderSeedAndStableUnderAWindow) {
  TempDir dir;
  write_split(dir, kFlavors, kDurations);
  Azure2017Trace t = read_azure2017(dir.path(), "dev", 0, 0, nullptr);
  Workload a = azure2017_workload(t, nullptr, {}, nullptr);
  Workload b = azure2017_workload(t, nullptr, {}, nullptr);
  Azure2017Options other;
  other.seed = 2;
  Workload c = azure2017_workload(t, nullptr, other, nullptr);
  ASSERT_EQ(a.size(), b.size());
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.instances[i].arrival, b.instances[i].arrival);
    EXPECT_EQ(a.instances[i].departure, b.instances[i].departure);
    differs |= a.instances[i].arrival != c.instances[i].arrival;
  }
  EXPECT_TRUE(differs);

  // A 600 s window reads two lines; the VMs kept draw the same numbers.
  Azure2017Options window;
  window.hours = 600.0 / 3600;
  Azure2017Trace head = read_azure2017(dir.path(), "dev", window.hours * 3600, 0, nullptr);
  EXPECT_EQ(head.vms.size(), 4u);
  ReadReport report;
  Workload cut = azure2017_workload(head, nullptr, window, &report);
  EXPECT_DOUBLE_EQ(cut.end, 1300);
  for (std::size_t i = 0; i < cut.size(); ++i) {
    const Instance& full = a.instances[index_of(a, cut.ids[i])];
    EXPECT_EQ(cut.instances[i].arrival, full.arrival);
    EXPECT_EQ(cut.instances[i].departure, std::min(full.departure, 1300.0));
  }
  EXPECT_DOUBLE_EQ(cut.instances[index_of(cut, "vm2")].departure, 1300);

  Azure2017Options limit;
  limit.max_vms = 2;
  Workload two = azure2017_workload(read_azure2017(dir.path(), "dev", 0, 2, nullptr), nullptr,
                                    limit, nullptr);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two.ids[0], "vm0");
  EXPECT_EQ(two.ids[1], "vm1");
}

TEST(Azure2017, UsageShapesAreSharedAndScaledToTheFlavour) {
  TempDir dir;
  write_split(dir, kFlavors, kDurations);
  Azure2017Trace t = read_azure2017(dir.path(), "dev", 0, 0, nullptr);
  SeriesTrace shapes;
  shapes.name = "test-shapes";
  shapes.dims = dim_bit(kCpu);
  shapes.add_series("s0", 0, {}, {0.1f, 0.2f, 0.3f}, 3);
  shapes.add_series("s1", 0, {}, {0.5f, 0.6f, 0.7f, 0.8f, 0.9f}, 5);
  Workload w = azure2017_workload(t, &shapes, {}, nullptr);
  ASSERT_EQ(w.shapes.size(), 2u);  // shared, not copied per VM
  EXPECT_EQ(w.samples.size(), 8u);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const Instance& inst = w.instances[i];
    ASSERT_GE(inst.shape, 0);
    ASSERT_LT(inst.shape, 2);
    const UsageShape& s = w.shapes[static_cast<std::size_t>(inst.shape)];
    ASSERT_LT(inst.phase, s.length);
    EXPECT_FLOAT_EQ(static_cast<float>(w.usage(i, 1, kCpu)),
                    static_cast<float>(w.samples[s.offset + (inst.phase + 1) % s.length] *
                                       inst.request[kCpu]));
    EXPECT_DOUBLE_EQ(w.usage(i, 0, kMem), inst.request[kMem]);  // not stored: at the request
  }
  SeriesTrace coarse;
  coarse.name = "coarse";
  coarse.step_seconds = 600;
  coarse.add_series("s", 0, {}, {0.5f}, 1);
  expect_input_error([&] { azure2017_workload(t, &coarse, {}, nullptr); }, "600 s steps");
}

TEST(Azure2017, SplitWithoutDurationsCannotBecomeAWorkload) {
  TempDir dir;
  write_split(dir, kFlavors, "");
  Azure2017Trace t = read_azure2017(dir.path(), "dev", 0, 0, nullptr);
  EXPECT_FALSE(t.has_durations);
  EXPECT_EQ(t.vms.size(), 5u);
  expect_input_error([&] { azure2017_workload(t, nullptr, {}, nullptr); }, "has flavours only");
}

TEST(Azure2017, TraceMayStartBeforeOneLineInterval) {
  TempDir dir;
  write_split(dir, "100 a,|\n400 h,|\n", "100 U0,|\n400 U0,|\n");
  Azure2017Trace t = read_azure2017(dir.path(), "dev", 0, 0, nullptr);
  EXPECT_DOUBLE_EQ(t.start, -200);
  ASSERT_EQ(t.vms.size(), 2u);
  EXPECT_DOUBLE_EQ(t.vms[1].line_start, 100);
}

TEST(Azure2017, MalformedFilesNameFileAndLine) {
  struct Case {
    std::string flavors, durations, needle;
  };
  for (const Case& c : std::vector<Case>{
           {"1000 a,z,|\n", "1000 U1,U1,|\n", "dev.flavors.txt:1: unknown flavour 'z'"},
           {"1000 a,|\n1300 h,|\n", "1000 U1,|\n1300 U1,U2,|\n", "dev.durations.c1900.txt:2: does not pair"},
           {"1000 a,|\n", "1000 X1,|\n", "dev.durations.c1900.txt:1: token 1"},
           {"1000 a,|\n", "1000 U9,|\n", "dev.durations.c1900.txt:1: token 1"},
           {"1000 |,a\n", "1000 U1,|\n", "token 1 is 'U1' where the flavours have '|'"},
           {"1000 a,|\n1300 h,|\n", "1000 U1,|\n", "dev.durations.c1900.txt:2: ends before"},
           {"soon a,|\n", "1000 U1,|\n", "dev.flavors.txt:1: expected a time"},
           {"1000 a,|\n900 a,|\n", "1000 U1,|\n900 U1,|\n", "dev.flavors.txt:2: time 900 does not increase"},
       }) {
    TempDir dir;
    write_split(dir, c.flavors, c.durations);
    expect_input_error([&] { read_azure2017(dir.path(), "dev", 0, 0, nullptr); }, c.needle);
  }
  TempDir dir;
  write_split(dir, kFlavors, kDurations);
  expect_input_error([&] { read_azure2017(dir.path(), "valid", 0, 0, nullptr); }, "unknown split");
  dir.write("flavor_map.txt", "1,0.75 a\n1,-2 b\n");
  expect_input_error([&] { read_azure2017(dir.path(), "dev", 0, 0, nullptr); }, "flavor_map.txt:2:");
  dir.write("flavor_map.txt", "1,0.75 a\n");
  dir.write("duration_bins.txt", "0 0\n300 2\n");
  expect_input_error([&] { read_azure2017(dir.path(), "dev", 0, 0, nullptr); }, "duration_bins.txt:2:");
}

}  // namespace
}  // namespace fleetopt
