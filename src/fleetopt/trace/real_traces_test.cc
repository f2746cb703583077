// Checks the readers against the real trace files. Skipped, with a message,
// when the data directory ($FLEETOPT_DATA or ../shared/traces) is absent.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/trace/alibaba2018.h"
#include "fleetopt/trace/alibaba2023.h"
#include "fleetopt/trace/azure2017.h"
#include "fleetopt/trace/azure_functions.h"
#include "fleetopt/trace/bitbrains.h"
#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/text_file.h"
#include "fleetopt/trace/workload_spec.h"
#include "fleetopt/trace/worldcup98.h"

namespace fleetopt {
namespace {

std::string trace_path(const std::string& relative) { return text::join_path(data_dir(), relative); }

#define REQUIRE_TRACE(relative)                                                             \
  if (!text::exists(trace_path(relative))) {                                               \
    GTEST_SKIP() << "real trace " << trace_path(relative)                                  \
                 << " not found; set FLEETOPT_DATA to the traces directory to run this test"; \
  }

TEST(RealTraces, PlanetLab20110303Has1052DayLongVms) {
  REQUIRE_TRACE("planetlab/20110303");
  ReadReport report;
  SeriesTrace t = read_planetlab(trace_path("planetlab/20110303"), &report);
  ASSERT_EQ(t.size(), 1052u);
  for (std::size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t.length(i), 288u) << t.ids[i];
  EXPECT_EQ(report.get("gap_steps_held"), 0);
  Workload w = load_workload("planetlab:planetlab/20110303@static=1", {}, nullptr);
  ASSERT_EQ(w.size(), 1052u);
  EXPECT_DOUBLE_EQ(w.instances.back().departure, 86400);
  EXPECT_EQ(w.default_host, make_resources(32, 128));
  Workload dynamic = load_workload("planetlab:planetlab/20110303", {}, nullptr);
  std::size_t inside = 0;
  for (const Instance& inst : dynamic.instances) inside += inst.arrival > 0 && inst.departure < 86400;
  EXPECT_GT(inside, 300u);
}

TEST(RealTraces, Bitbrains200VmsWithRealSizes) {
  REQUIRE_TRACE("bitbrains-rnd/2013-7");
  ReadReport report;
  Workload w = load_workload("bitbrains:bitbrains-rnd/2013-7@static=1", {}, &report);
  ASSERT_EQ(w.size(), 200u);
  EXPECT_EQ(w.shapes.size(), 200u);
  auto vm = std::find(w.ids.begin(), w.ids.end(), "27") - w.ids.begin();
  ASSERT_LT(static_cast<std::size_t>(vm), w.size());
  EXPECT_DOUBLE_EQ(w.instances[static_cast<std::size_t>(vm)].request[kCpu], 32);
  EXPECT_NEAR(w.instances[static_cast<std::size_t>(vm)].request[kMem], 511.5, 0.1);
  EXPECT_EQ(w.default_host, make_resources(32, 512));
  EXPECT_GT(report.get("offline_rows_skipped"), 100000);
  EXPECT_GT(report.get("gap_steps_held"), 0);
  EXPECT_GT(report.get("cpu_above_request_clamped"), 0);
  EXPECT_NEAR(w.end / 86400, 30, 0.1);  // July 2013
}

TEST(RealTraces, Alibaba2023Has8152PodsAnd1523Nodes) {
  REQUIRE_TRACE("alibaba-gpu-2023");
  ReadReport report;
  Workload w = load_workload("alibaba2023:alibaba-gpu-2023", {}, &report);
  EXPECT_EQ(w.size(), 8152u);
  EXPECT_EQ(w.hosts.size(), 1523u);
  EXPECT_EQ(w.default_host, make_resources(96, 384, 0, 0, 8));
  EXPECT_EQ(report.get("pods_never_scheduled"), 897);
  EXPECT_EQ(report.get("zero_lifetime_pods"), 1);
  EXPECT_EQ(load_workload("alibaba2023:@pending=0", {}, nullptr).size(), 8152u - 897u);
}

TEST(RealTraces, Alibaba2018Has16Machines) {
  REQUIRE_TRACE("alibaba-2018");
  ReadReport report;
  SeriesTrace t = read_alibaba2018(trace_path("alibaba-2018"), 300, &report);
  ASSERT_EQ(t.size(), 16u);
  EXPECT_EQ(t.hosts.size(), 16u);
  EXPECT_EQ(t.sizes[0], make_resources(96, 100));
  EXPECT_GT(report.get("gap_steps_held"), 0);
  Workload w = load_workload("alibaba2018:alibaba-2018@sizes=flavors", {}, nullptr);
  EXPECT_EQ(w.size(), 16u);
  EXPECT_EQ(w.default_host, make_resources(32, 128));
}

TEST(RealTraces, Azure2017SplitsHaveTheirVmCounts) {
  REQUIRE_TRACE("azure-2017-arrivals");
  Azure2017Trace test = read_azure2017(trace_path("azure-2017-arrivals"), "test", 0, 0, nullptr);
  EXPECT_EQ(test.vms.size(), 410276u);
  EXPECT_DOUBLE_EQ(test.censor_time, 2591400);
  Azure2017Trace train = read_azure2017(trace_path("azure-2017-arrivals"), "train", 0, 0, nullptr);
  EXPECT_EQ(train.vms.size(), 1200998u);
  EXPECT_FALSE(train.has_durations);
  ReadReport report;
  Workload w = load_workload("azure2017:azure-2017-arrivals@split=test@shapes=planetlab@hours=24", {},
                             &report);
  EXPECT_GT(w.size(), 10000u);
  EXPECT_DOUBLE_EQ(w.end - w.start, 86400);
  EXPECT_EQ(w.shapes.size(), 1052u);  // shared PlanetLab shapes
  EXPECT_GT(report.get("censored_vms_run_to_window_end"), 0);
  Workload capped = load_workload("azure2017:@split=dev@shapes=none@vms=1000", {}, nullptr);
  EXPECT_EQ(capped.size(), 1000u);
}

TEST(RealTraces, AzureFunctionsHas1000Functions) {
  REQUIRE_TRACE("azure-functions-2019");
  AzureFunctionsTrace t = read_azure_functions(trace_path("azure-functions-2019"), nullptr);
  EXPECT_EQ(t.functions.size(), 1000u);
  EXPECT_EQ(t.minutes, 1440u);
  Workload w = load_workload("azurefunctions:azure-functions-2019", {}, nullptr);
  EXPECT_EQ(w.size(), 1000u);
  EXPECT_DOUBLE_EQ(w.end, 86400);
}

TEST(RealTraces, WorldCup98PerMinuteSeries) {
  REQUIRE_TRACE("worldcup98/wc98_per_minute.csv");
  ReadReport report;
  LoadSeries s = read_worldcup98(trace_path("worldcup98/wc98_per_minute.csv"), &report);
  EXPECT_EQ(s.values.size(), 125310u);  // 125,300 rows + 10 missing minutes
  EXPECT_EQ(report.get("gap_minutes_held"), 10);
  EXPECT_DOUBLE_EQ(*std::max_element(s.values.begin(), s.values.end()), 229426);
  double start = 0;
  ASSERT_TRUE(parse_datetime("1998-04-30 21:30:00", start));
  EXPECT_DOUBLE_EQ(s.start, start);
}

}  // namespace
}  // namespace fleetopt
