#include "fleetopt/reclaim/host_series.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt::reclaim {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& path) {
  try {
    read_host_series_csv(path, nullptr);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

constexpr const char* kHeader = "host,cpu_capacity,mem_capacity,cpu_used,mem_used\n";

TEST(HostSeriesCsv, ReadsHostsAndClampsSmallOveruse) {
  ScratchDir dir("reclaim_hosts");
  const std::string path = dir.write("h.csv", std::string(kHeader) + "a,4,16,1,2\na,4,16,5,3\nb,8,32,0,0\n");
  ReadReport report;
  HostSet set = read_host_series_csv(path, &report);
  ASSERT_EQ(set.hosts.size(), 2u);
  EXPECT_EQ(set.hosts[0].steps(), 2u);
  EXPECT_FLOAT_EQ(set.hosts[0].use[kResCpu][1], 4.0f);  // 5 clamped to the capacity 4
  EXPECT_EQ(report.get("use_above_capacity_clamped"), 1);
  EXPECT_DOUBLE_EQ(set.hosts[1].capacity[kResMem], 32);
}

TEST(HostSeriesCsv, BadInputNamesFileAndLine) {
  ScratchDir dir("reclaim_bad");
  const std::string h = kHeader;
  EXPECT_THAT(error_of(dir.write("nan.csv", h + "a,4,16,1,2\na,4,16,nan,2\n")), HasSubstr("nan.csv:3: cpu_used"));
  EXPECT_THAT(error_of(dir.write("neg.csv", h + "a,-4,16,1,2\n")), HasSubstr("neg.csv:2: cpu_capacity: negative"));
  EXPECT_THAT(error_of(dir.write("zero.csv", h + "a,4,0,1,2\n")), HasSubstr("zero.csv:2: mem_capacity"));
  EXPECT_THAT(error_of(dir.write("big.csv", h + "a,4,16,1,2\na,4,16,1,2000\n")),
              HasSubstr("big.csv:3: mem_used: use 2000 is more than 10x"));
  EXPECT_THAT(error_of(dir.write("empty.csv", "")), HasSubstr("empty.csv:1: empty file"));
  EXPECT_THAT(error_of(dir.write("header.csv", h)), HasSubstr("header.csv:2: no rows"));
  EXPECT_THAT(error_of(dir.write("cols.csv", h + "a,4,16,1\n")), HasSubstr("cols.csv:2: expected 5"));
  EXPECT_THAT(error_of(dir.write("split.csv", h + "a,4,16,1,1\nb,4,16,1,1\na,4,16,1,1\n")),
              HasSubstr("split.csv:4: host 'a'"));
  EXPECT_THAT(error_of(dir.path("missing.csv")), HasSubstr("missing.csv"));
}

TEST(ComposeHosts, FirstFitInVmOrderSumsUse) {
  HostSet vms;
  auto vm = [](const char* id, double c, double m, float u) {
    HostSeries h;
    h.id = id;
    h.capacity = {c, m};
    h.use[kResCpu].assign(3, u);
    h.use[kResMem].assign(3, u);
    return h;
  };
  vms.hosts = {vm("1", 20, 64, 1), vm("2", 16, 64, 2), vm("3", 12, 64, 3)};
  vms.hosts[2].use[kResCpu].resize(2);  // a VM whose series ends early adds 0
  vms.hosts[2].use[kResMem].resize(2);
  HostSet m = compose_hosts(vms, 32, 128);
  ASSERT_EQ(m.hosts.size(), 2u);  // 1+3 (32 cores, 128 GB), then 2
  EXPECT_FLOAT_EQ(m.hosts[0].use[kResCpu][0], 4.0f);
  EXPECT_FLOAT_EQ(m.hosts[0].use[kResCpu][2], 1.0f);
  EXPECT_FLOAT_EQ(m.hosts[1].use[kResMem][1], 2.0f);
  EXPECT_DOUBLE_EQ(m.hosts[1].capacity[kResCpu], 32);
}

TEST(LoadHosts, UnknownSpecIsAnInputError) {
  EXPECT_THROW(load_hosts("nope:", "", nullptr), InputError);
  EXPECT_THROW(load_hosts("bitbrains-hosts:/nonexistent@vms=9-1", "", nullptr), InputError);
}

TEST(RealHosts, BitbrainsThreeMonthsAndComposed) {
  const std::string dir = text::join_path(data_dir(), "bitbrains-rnd");
  if (!text::exists(text::join_path(dir, "2013-9"))) {
    GTEST_SKIP() << "real trace " << dir << " not found; set FLEETOPT_DATA to the traces directory to run this test";
  }
  ReadReport report;
  HostSet set = load_hosts("bitbrains-3m", "", &report);
  ASSERT_EQ(set.hosts.size(), 100u);
  EXPECT_EQ(set.hosts.front().id, "101");
  EXPECT_EQ(set.hosts.back().id, "200");
  // Three months of 5-minute steps: about 92 days minus the gaps between the files.
  EXPECT_GT(set.hosts.front().steps(), 80u * 288u);
  for (const HostSeries& h : set.hosts) {
    for (int r = 0; r < kResources; ++r) {
      for (float u : h.use[static_cast<std::size_t>(r)]) ASSERT_LE(u, h.capacity[static_cast<std::size_t>(r)] * 1.0001);
    }
  }
  HostSet composed = load_hosts("composed", "", nullptr);
  EXPECT_GT(composed.hosts.size(), 3u);
  EXPECT_LT(composed.hosts.size(), 100u);
}

}  // namespace
}  // namespace fleetopt::reclaim
