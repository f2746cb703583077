#include "fleetopt/trace/series_trace.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "fleetopt/trace/defaults.h"
#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;

// n CPU series of `length` steps; series i starts at step 10 i and reads
// k / 1000 + i at step k, so a sample names its series and position.
SeriesTrace make_trace(std::size_t n, std::uint32_t length, bool sizes) {
  SeriesTrace t;
  t.name = "test";
  t.dims = dim_bit(kCpu);
  t.has_sizes = sizes;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<float> s(length);
    for (std::uint32_t k = 0; k < length; ++k) s[k] = static_cast<float>(k) / 1000.0f + static_cast<float>(i);
    t.add_series("vm" + std::to_string(i), static_cast<std::int64_t>(10 * i),
                 make_resources(1 + static_cast<double>(i), 2), s, length);
  }
  return t;
}

TEST(SeriesTrace, StaticVmsRunOverTheirWholeSeries) {
  SeriesWorkloadOptions opts;
  opts.static_vms = true;
  Workload w = workload_from_series(make_trace(3, 100, true), opts, nullptr);
  ASSERT_EQ(w.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(w.instances[i].arrival, 10.0 * static_cast<double>(i) * 300);
    EXPECT_DOUBLE_EQ(w.instances[i].departure, w.instances[i].arrival + 100 * 300);
    EXPECT_EQ(w.instances[i].phase, 0u);
    EXPECT_EQ(w.instances[i].request, make_resources(1 + static_cast<double>(i), 2));
  }
  EXPECT_DOUBLE_EQ(w.end, (20 + 100) * 300);
  EXPECT_NO_THROW(w.validate());
}

TEST(SeriesTrace, DynamicLifetimesCoverASeededShareOfTheSeries) {
  SeriesWorkloadOptions opts;
  opts.seed = 5;
  Workload w = workload_from_series(make_trace(200, 100, false), opts, nullptr);
  ASSERT_EQ(w.size(), 200u);
  std::size_t partial = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const Instance& inst = w.instances[i];
    const auto series = static_cast<std::size_t>(inst.shape);
    const double series_start = 10.0 * static_cast<double>(series) * 300;
    const double life_steps = (inst.departure - inst.arrival) / 300;
    EXPECT_GE(life_steps, 25);
    EXPECT_LE(life_steps, 100);
    EXPECT_GE(inst.arrival, series_start);
    EXPECT_LE(inst.departure, series_start + 100 * 300);
    // Usage at arrival is the series at the arrival's position.
    EXPECT_DOUBLE_EQ(inst.phase, (inst.arrival - series_start) / 300);
    EXPECT_FLOAT_EQ(w.usage_fraction(i, 0, kCpu),
                    static_cast<float>(inst.phase) / 1000.0f + static_cast<float>(series));
    // Sizes come from the flavour mix when the trace has none.
    bool from_mix = false;
    for (const Flavor& f : default_flavor_mix()) {
      from_mix |= inst.request == make_resources(f.cpu, f.mem);
    }
    EXPECT_TRUE(from_mix);
    partial += life_steps < 100 ? 1 : 0;
  }
  EXPECT_GT(partial, 150u);
  for (std::size_t i = 1; i < w.size(); ++i) EXPECT_LE(w.instances[i - 1].arrival, w.instances[i].arrival);
}

TEST(SeriesTrace, SameSeedSameWorkloadOtherSeedOther) {
  SeriesWorkloadOptions opts;
  opts.seed = 9;
  Workload a = workload_from_series(make_trace(50, 60, false), opts, nullptr);
  Workload b = workload_from_series(make_trace(50, 60, false), opts, nullptr);
  opts.seed = 10;
  Workload c = workload_from_series(make_trace(50, 60, false), opts, nullptr);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.ids[i], b.ids[i]);
    EXPECT_EQ(a.instances[i].arrival, b.instances[i].arrival);
    EXPECT_EQ(a.instances[i].departure, b.instances[i].departure);
    EXPECT_EQ(a.instances[i].request, b.instances[i].request);
    differ += a.instances[i].arrival != c.instances[i].arrival ? 1 : 0;
  }
  EXPECT_GT(differ, 25u);
}

TEST(SeriesTrace, VmLimitTakesASeededSubsetAndSizesCanComeFromTheMix) {
  SeriesWorkloadOptions opts;
  opts.max_vms = 10;
  opts.trace_sizes = false;
  Workload w = workload_from_series(make_trace(50, 20, true), opts, nullptr);
  EXPECT_EQ(w.size(), 10u);
  EXPECT_EQ(w.shapes.size(), 10u);  // only the chosen series are kept
  EXPECT_EQ(w.samples.size(), 10u * 20u);
  std::set<std::string> ids(w.ids.begin(), w.ids.end());
  EXPECT_EQ(ids.size(), 10u);
  for (std::size_t i = 0; i < w.size(); ++i) {
    // Series j reads j + k / 1000: the shape still belongs to the VM's id.
    const std::size_t series = std::stoul(w.ids[i].substr(2));
    EXPECT_NEAR(w.usage_fraction(i, 0, kCpu), static_cast<double>(series) + w.instances[i].phase / 1000.0, 1e-4);
  }
  for (const std::string& tag : w.tags) EXPECT_EQ(tag.rfind("flavor=", 0), 0u);
  opts.max_vms = 51;
  expect_input_error([&] { workload_from_series(make_trace(50, 20, true), opts, nullptr); },
                     "only 50 series");
  expect_input_error([&] { workload_from_series(SeriesTrace{}, {}, nullptr); }, "no usage series");
}

TEST(SeriesTrace, DefaultHostGrowsToFitTheLargestRequest) {
  EXPECT_EQ(grow_host_to_fit(make_resources(32, 128), kCpuMem, {make_resources(8, 500)}),
            make_resources(32, 512));
  EXPECT_EQ(grow_host_to_fit(make_resources(32, 128), kCpuMem | dim_bit(kGpu),
                             {make_resources(40, 1, 0, 0, 3)}),
            make_resources(64, 128, 0, 0, 4));
  SeriesWorkloadOptions opts;
  opts.static_vms = true;
  Workload w = workload_from_series(make_trace(40, 10, true), opts, nullptr);  // up to 40 cores
  EXPECT_EQ(w.default_host, make_resources(64, 128));
}

TEST(SeriesTrace, WindowCutsArrivalsAndDepartures) {
  SeriesWorkloadOptions opts;
  opts.static_vms = true;
  Workload w = workload_from_series(make_trace(5, 100, true), opts, nullptr);
  ReadReport report;
  apply_window(w, 1.0, 0, &report);  // 12 steps: series 0 and 1 (start at steps 0 and 10)
  ASSERT_EQ(w.size(), 2u);
  EXPECT_DOUBLE_EQ(w.instances[1].departure, 3600);
  EXPECT_DOUBLE_EQ(w.end, 3600);
  EXPECT_EQ(report.get("instances_after_window"), 3);
  EXPECT_EQ(report.get("departures_cut_at_window"), 2);
  apply_window(w, 0, 1, &report);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(report.get("instances_over_vm_limit"), 1);
  EXPECT_NO_THROW(w.validate());
}

}  // namespace
}  // namespace fleetopt

namespace fleetopt {
namespace {

TEST(SeriesTrace, SelectKeepsTheSeriesNumberedInRange) {
  SeriesTrace t = make_trace(6, 4, true);  // vm0 .. vm5
  t.add_series("notes", 0, make_resources(1, 1), std::vector<float>(4, 0.5f), 4);
  t.hosts = {{"vm3", make_resources(8, 8)}, {"vm0", make_resources(8, 8)}};
  ReadReport report;
  SeriesTrace s = select_series(t, 2, 4, &report);
  ASSERT_EQ(s.ids, (std::vector<std::string>{"vm2", "vm3", "vm4"}));
  EXPECT_EQ(report.get("unnumbered_series_skipped"), 1);
  // Each keeps its own samples, start and size (sample k of series i reads k/1000 + i).
  for (std::size_t j = 0; j < 3; ++j) {
    const std::size_t i = j + 2;
    EXPECT_EQ(s.first_step[j], static_cast<std::int64_t>(10 * i));
    EXPECT_DOUBLE_EQ(s.sizes[j][kCpu], 1 + static_cast<double>(i));
    EXPECT_FLOAT_EQ(s.samples[s.shapes[j].offset + 3], 0.003f + static_cast<float>(i));
  }
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].id, "vm3");
  testing::expect_input_error([&] { select_series(t, 7, 9, nullptr); }, "no series whose id ends in a number");
}

}  // namespace
}  // namespace fleetopt
