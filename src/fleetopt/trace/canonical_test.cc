#include "fleetopt/trace/canonical.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fleetopt/trace/synthetic.h"
#include "fleetopt/trace/test_util.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

void expect_same_workload(const Workload& a, const Workload& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.dims, b.dims);
  EXPECT_EQ(a.step_seconds, b.step_seconds);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.default_host, b.default_host);
  ASSERT_EQ(a.hosts.size(), b.hosts.size());
  for (std::size_t h = 0; h < a.hosts.size(); ++h) {
    EXPECT_EQ(a.hosts[h].id, b.hosts[h].id);
    EXPECT_EQ(a.hosts[h].capacity, b.hosts[h].capacity);
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Instance& x = a.instances[i];
    const Instance& y = b.instances[i];
    ASSERT_EQ(a.ids[i], b.ids[i]);
    EXPECT_EQ(a.tags[i], b.tags[i]);
    EXPECT_EQ(x.arrival, y.arrival);
    EXPECT_EQ(x.departure, y.departure);
    EXPECT_EQ(x.request, y.request);
    EXPECT_EQ(x.shape < 0, y.shape < 0);
    const auto steps = static_cast<std::int64_t>(std::ceil((x.departure - x.arrival) / a.step_seconds));
    for (std::int64_t k = 0; k < steps; ++k) {
      for (int d = 0; d < kMaxDims; ++d) {
        EXPECT_NEAR(a.usage(i, k, d), b.usage(i, k, d), 1e-6 * std::max(1.0, x.request[d]))
            << a.ids[i] << " step " << k << " dim " << d;
      }
    }
  }
}

TEST(Canonical, RoundTripOfASyntheticWorkload) {
  SyntheticOptions opts;
  opts.vms = 40;
  opts.hours = 6;
  opts.seed = 7;
  Workload w = make_synthetic(opts);
  TempDir dir;
  write_canonical(w, dir.path());
  ReadReport report;
  Workload back = read_canonical(dir.path(), &report);
  EXPECT_EQ(back.name, w.name);
  expect_same_workload(w, back);
  EXPECT_EQ(report.get("gap_steps_held"), 0);
  EXPECT_EQ(report.get("usage_rows_outside_lifetime"), 0);
}

TEST(Canonical, RoundTripKeepsUnstoredDimsHostsAndAwkwardTags) {
  Workload w;
  w.name = "hand made";
  w.step_seconds = 60;
  w.start = 0;
  w.end = 600;
  w.dims = kCpuMem | dim_bit(kGpu);
  std::int32_t cpu_only = w.add_shape(dim_bit(kCpu), {{0.5f, 0.25f, 1.0f}});
  std::int32_t both = w.add_shape(kCpuMem, {{0.1f, 0.2f}, {0.9f, 0.8f}});
  w.instances = {
      {0, 150, make_resources(4, 8, 0, 0, 1), cpu_only, 1},  // 3 steps, starts at phase 1
      {30, 600, make_resources(2, 16), -1, 0},               // usage = request: no rows
      {60, 300, make_resources(1, 2), both, 0},
  };
  w.ids = {"a,1", "b \"quoted\"", "c"};
  w.tags = {"x=1;y=2", "", "note=with, comma"};
  w.default_host = make_resources(32, 128, 0, 0, 8);
  w.hosts = {{"h1", make_resources(64, 256, 0, 0, 4)}};
  TempDir dir;
  write_canonical(w, dir.path());
  Workload back = read_canonical(dir.path(), nullptr);
  expect_same_workload(w, back);
  EXPECT_EQ(back.instances[1].shape, -1);
  // The cpu-only shape stays cpu-only: memory at the request.
  EXPECT_FALSE(has_dim(back.shapes[static_cast<std::size_t>(back.instances[0].shape)].dims, kMem));
}

TEST(Canonical, UsageRowsAreBinnedMergedAndFilled) {
  TempDir dir;
  dir.write("instances.csv", "id,arrival,departure,cpu,mem\nv,0,1500,4,8\nw,100,400,2,2\n");
  dir.write("usage.csv",
            "id,time,cpu\n"
            "v,300,2\n"      // step 1; step 0 backfilled
            "v,310,4\n"      // same step: averaged
            "v,1200,1\n"     // step 4; steps 2 and 3 held
            "v,5000,1\n"     // outside the life: skipped
            "w,100,1\n");
  ReadReport report;
  Workload w = read_canonical(dir.path(), &report);
  EXPECT_DOUBLE_EQ(w.step_seconds, 300);  // no workload.json
  EXPECT_DOUBLE_EQ(w.usage(0, 0, kCpu), 3);
  EXPECT_DOUBLE_EQ(w.usage(0, 1, kCpu), 3);
  EXPECT_DOUBLE_EQ(w.usage(0, 3, kCpu), 3);
  EXPECT_DOUBLE_EQ(w.usage(0, 4, kCpu), 1);
  EXPECT_DOUBLE_EQ(w.usage(0, 2, kMem), 8);
  EXPECT_EQ(report.get("samples_merged"), 1);
  EXPECT_EQ(report.get("gap_steps_held"), 2);
  EXPECT_EQ(report.get("leading_steps_backfilled"), 1);
  EXPECT_EQ(report.get("usage_rows_outside_lifetime"), 1);
  ASSERT_EQ(report.warnings().size(), 1u);
  EXPECT_NE(report.warnings()[0].find("usage.csv:5:"), std::string::npos);
  EXPECT_EQ(w.default_host, make_resources(32, 128));
  EXPECT_DOUBLE_EQ(w.end, 1500);
}

TEST(Canonical, MalformedInputNamesFileAndLine) {
  struct Case {
    std::string instances, usage, needle;
  };
  const std::string ok_usage = "id,time,cpu\nv,0,1\n";
  for (const Case& c : std::vector<Case>{
           {"id,arrival,departure,cpu,colour\nv,0,10,1,red\n", "", "instances.csv:1: unknown column 'colour'"},
           {"id,arrival,cpu\nv,0,1\n", "", "instances.csv:1: missing column 'departure'"},
           {"id,arrival,departure,tags\nv,0,10,\n", "", "instances.csv:1: no resource columns"},
           {"id,arrival,departure,cpu\nv,0,10,1\nv,0,10,1\n", "", "instances.csv:3: duplicate id 'v'"},
           {"id,arrival,departure,cpu\nv,10,10,1\n", "", "instances.csv:2: departure 10 is not after"},
           {"id,arrival,departure,cpu\nv,0,10,-1\n", "", "instances.csv:2: cpu: negative size"},
           {"id,arrival,departure,cpu\nv,0,10,nan\n", "", "instances.csv:2: cpu"},
           {"id,arrival,departure,cpu\nv,0,10\n", "", "instances.csv:2: expected 4 fields"},
           {"id,arrival,departure,cpu\n\"v,0,10,1\n", "", "instances.csv:2: unterminated quote"},
           {"", "", "instances.csv:1: empty file"},
           {"id,arrival,departure,cpu\n", "", "instances.csv:2: no instances"},
           {"id,arrival,departure,cpu\nv,0,10,1\n", "id,time,cpu\nx,0,1\n", "usage.csv:2: unknown instance id 'x'"},
           {"id,arrival,departure,cpu\nv,0,10,1\n", "id,time,mem\nv,0,1\n", "usage.csv:1: usage column 'mem'"},
           {"id,arrival,departure,cpu\nv,0,10,1\n", "id,time,cpu\nv,0,-1\n", "usage.csv:2: cpu: negative usage"},
           {"id,arrival,departure,cpu,mem\nv,0,10,1,0\n", "id,time,mem\nv,0,1\n", "usage.csv:2: mem: usage 1 on a zero request"},
           // Found by the fuzzer: a huge usage over a tiny request made an infinite float fraction.
           {"id,arrival,departure,cpu\nv,0,10,1\n", "id,time,cpu\nv,0,1e39\n", "usage.csv:2: cpu: must lie in"},
           {"id,arrival,departure,cpu\nv,0,10,1e-300\n", "id,time,cpu\nv,0,1e9\n",
            "usage.csv:2: cpu: usage 1000000000 is over 1000 times the request"},
       }) {
    TempDir dir;
    dir.write("instances.csv", c.instances);
    if (!c.usage.empty()) dir.write("usage.csv", c.usage);
    expect_input_error([&] { read_canonical(dir.path(), nullptr); }, c.needle);
  }
  TempDir dir;
  dir.write("instances.csv", "id,arrival,departure,cpu\nv,0,10,1\n");
  dir.write("workload.json", R"({"step_seconds": 60, "default_host": {"cpu": 4)");
  expect_input_error([&] { read_canonical(dir.path(), nullptr); }, "workload.json");
  dir.write("workload.json", R"({"step_seconds": -5})");
  expect_input_error([&] { read_canonical(dir.path(), nullptr); }, "step_seconds");
  dir.write("workload.json", R"({"default_host": {"cpu": 4, "disks": 2}})");
  expect_input_error([&] { read_canonical(dir.path(), nullptr); }, "default_host.disks");
  TempDir missing;
  expect_input_error([&] { read_canonical(missing.file("nope"), nullptr); }, "cannot open");
}

TEST(Canonical, WriterNamesColumnsAfterTheDims) {
  Workload w = make_synthetic({});
  TempDir dir;
  write_canonical(w, dir.path());
  std::string instances = text::read_file(dir.file("instances.csv"));
  EXPECT_EQ(instances.substr(0, instances.find('\n')), "id,arrival,departure,cpu,mem,tags");
  std::string usage = text::read_file(dir.file("usage.csv"));
  EXPECT_EQ(usage.substr(0, usage.find('\n')), "id,time,cpu,mem");
}

}  // namespace
}  // namespace fleetopt
