// Hand-computed features on two hosts of capacity (10, 10), deciding at step
// 10 for a request of (2, 5): host 0 has seen cpu 0.01, 0.02, ..., 0.10 (0.10
// most recent) and mem 0.3, and runs VM 0 (request (3, 4) since step 0, cpu
// share 0.5, mem at request) and VM 1 (request (1, 1), placed at step 10,
// not yet observed); host 1 is empty with no history.
#include "fleetopt/fireplace/features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace fleetopt::fireplace {
namespace {

int index_of(const std::string& name) {
  const auto& names = feature_names();
  auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return static_cast<int>(it - names.begin());
}

class FeaturesTest : public ::testing::Test {
 protected:
  FeaturesTest()
      : cluster_(std::vector<Resources>(2, make_resources(10, 10)), make_resources(4, 1), kCpuMem, 8),
        history_(2, kHistorySteps) {
    workload_.step_seconds = 300;
    workload_.end = 30 * 300;
    std::int32_t half = workload_.add_shape(dim_bit(kCpu), {{0.5f}});
    workload_.instances = {{.arrival = 0, .departure = 9000, .request = make_resources(3, 4), .shape = half},
                           {.arrival = 3000, .departure = 9000, .request = make_resources(1, 1), .shape = half}};
    cluster_.place(0, 0, make_resources(3, 4));
    cluster_.clear_pending();
    cluster_.place(1, 0, make_resources(1, 1));  // placed since the last observation
    for (int i = 1; i <= 10; ++i) history_.push(0, 0.01f * static_cast<float>(i), 0.3f);
    build(&history_);
  }
  void build(const HostHistory* history) {
    PlacementContext ctx{cluster_, workload_, history, 2, 10, request_};
    FeatureBuilder().build(ctx, {0, 1}, rows_);
  }
  float f(int candidate, const std::string& name) {
    return rows_[static_cast<std::size_t>(candidate * kNumFeatures + index_of(name))];
  }

  Workload workload_;
  ClusterState cluster_;
  HostHistory history_;
  Resources request_ = make_resources(2, 5);
  std::vector<float> rows_;
};

TEST_F(FeaturesTest, NamesMatchTheRowLayout) {
  EXPECT_EQ(feature_names().size(), static_cast<std::size_t>(kNumFeatures));
  EXPECT_EQ(rows_.size(), static_cast<std::size_t>(2 * kNumFeatures));
}

TEST_F(FeaturesTest, PercentilesOverRecentWindows) {
  // Last 6: .05 .. .10 -> nearest rank p10 .05, p25 .06, p50 .07, p75 .09.
  EXPECT_FLOAT_EQ(f(0, "w6_cpu_p10"), 0.05f);
  EXPECT_FLOAT_EQ(f(0, "w6_cpu_p25"), 0.06f);
  EXPECT_FLOAT_EQ(f(0, "w6_cpu_p50"), 0.07f);
  EXPECT_FLOAT_EQ(f(0, "w6_cpu_p75"), 0.09f);
  EXPECT_FLOAT_EQ(f(0, "w6_cpu_p100"), 0.10f);
  EXPECT_NEAR(f(0, "w6_cpu_mean"), 0.075f, 1e-6);
  // The 24-step window holds all 10: p25 .03, p50 .05, p75 .08, mean .055.
  EXPECT_FLOAT_EQ(f(0, "w24_cpu_p10"), 0.01f);
  EXPECT_FLOAT_EQ(f(0, "w24_cpu_p25"), 0.03f);
  EXPECT_FLOAT_EQ(f(0, "w24_cpu_p50"), 0.05f);
  EXPECT_FLOAT_EQ(f(0, "w24_cpu_p75"), 0.08f);
  EXPECT_NEAR(f(0, "w24_cpu_mean"), 0.055f, 1e-6);
  EXPECT_FLOAT_EQ(f(0, "w72_mem_p100"), 0.3f);
  EXPECT_FLOAT_EQ(f(0, "w72_mem_mean"), 0.3f);
}

TEST_F(FeaturesTest, ReservationsPendingAndRequest) {
  EXPECT_FLOAT_EQ(f(0, "reserved_cpu"), 0.4f);
  EXPECT_FLOAT_EQ(f(0, "reserved_mem"), 0.5f);
  EXPECT_FLOAT_EQ(f(0, "vm_count"), 2.f);
  EXPECT_FLOAT_EQ(f(0, "pending_cpu"), 0.1f);
  EXPECT_FLOAT_EQ(f(0, "pending_mem"), 0.1f);
  EXPECT_FLOAT_EQ(f(1, "request_cpu"), 0.2f);
  EXPECT_FLOAT_EQ(f(1, "request_mem"), 0.5f);
  // (cpu peak + pending + request, mem peak + pending + request) = (.4, .9).
  EXPECT_NEAR(f(0, "w6_peak_plus_request_l2"), std::sqrt(0.4f * 0.4f + 0.9f * 0.9f), 1e-6);
  // The empty host: nothing seen, nothing pending.
  EXPECT_FLOAT_EQ(f(1, "w72_cpu_p100"), 0.f);
  EXPECT_NEAR(f(1, "w6_peak_plus_request_l2"), std::sqrt(0.2f * 0.2f + 0.5f * 0.5f), 1e-6);
}

TEST_F(FeaturesTest, LiveLoadCountsOnlyTheVmsOnTheHostNow) {
  // VM 0 used 1.5 cpu and 4 mem at every past step; VM 1 counts at its request.
  EXPECT_FLOAT_EQ(f(0, "live_cpu_last"), 0.25f);
  EXPECT_FLOAT_EQ(f(0, "live_mem_last"), 0.5f);
  EXPECT_FLOAT_EQ(f(0, "live_cpu_peak"), 0.25f);
  EXPECT_FLOAT_EQ(f(0, "live_mem_peak"), 0.5f);
  EXPECT_NEAR(f(0, "live_peak_plus_request_l2"), std::hypot(0.45f, 1.0f), 1e-6);
  EXPECT_FLOAT_EQ(f(1, "live_cpu_peak"), 0.f);
}

TEST_F(FeaturesTest, RelativeFeaturesAreDeviationsFromTheCandidateMean) {
  EXPECT_NEAR(f(0, "rel_w6_cpu_p100"), 0.05f, 1e-6);
  EXPECT_NEAR(f(1, "rel_w6_cpu_p100"), -0.05f, 1e-6);
  EXPECT_NEAR(f(0, "rel_reserved_cpu"), 0.2f, 1e-6);
  for (int i = kAbsoluteFeatures; i < kNumFeatures; ++i) {
    EXPECT_NEAR(rows_[static_cast<std::size_t>(i)] + rows_[static_cast<std::size_t>(kNumFeatures + i)], 0.f, 1e-6)
        << feature_names()[static_cast<std::size_t>(i)];
  }
}

TEST_F(FeaturesTest, WithoutHistoryTheCurrentUseStandsIn) {
  cluster_.mutable_used(0) = make_resources(2, 3);
  build(nullptr);
  EXPECT_FLOAT_EQ(f(0, "w72_cpu_p10"), 0.2f);
  EXPECT_FLOAT_EQ(f(0, "w6_cpu_p100"), 0.2f);
  EXPECT_FLOAT_EQ(f(0, "w6_mem_mean"), 0.3f);
}

// A history that keeps the rows' window statistics on each push must give
// the same rows, bit for bit, as one that does not (the row computes them):
// hosts with no, few, some and full windows, past the ring's wrap, with
// ties, for CPU + memory and CPU-only builders.
TEST(FeatureRows, SameWithTheHistorysWindowStatistics) {
  constexpr int kHosts = 7;
  const int pushes[kHosts] = {0, 1, 3, 10, 30, 72, 200};
  ClusterState cluster(std::vector<Resources>(kHosts, make_resources(10, 20)), make_resources(4, 1), kCpuMem, 4);
  Workload workload;
  workload.step_seconds = 300;
  workload.end = 300 * 300;
  HostHistory plain(kHosts, kHistorySteps), kept(kHosts, kHistorySteps, feature_history_windows());
  ASSERT_EQ(kept.summary_windows(), feature_history_windows());
  std::uint64_t state = 99;
  for (int h = 0; h < kHosts; ++h) {
    cluster.mutable_used(h) = make_resources(1.0 + h, 2.0 * h);
    for (int t = 0; t < pushes[h]; ++t) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const float cpu = static_cast<float>((state >> 40) % 50) / 49.0f;  // ties
      const float mem = static_cast<float>((state >> 20) % 1000) / 999.0f;
      plain.push(h, cpu, mem);
      kept.push(h, cpu, mem);
    }
  }
  const Resources request = make_resources(1.5, 2.5);
  const std::vector<std::int32_t> candidates = {0, 1, 2, 3, 4, 5, 6};
  for (DimMask resources : {kCpuMem, dim_bit(kCpu)}) {
    std::vector<float> from_plain, from_kept;
    FeatureBuilder a(resources), b(resources);
    a.build(PlacementContext{cluster, workload, &plain, 0, 300, request}, candidates, from_plain);
    b.build(PlacementContext{cluster, workload, &kept, 0, 300, request}, candidates, from_kept);
    ASSERT_EQ(from_plain.size(), from_kept.size());
    for (std::size_t i = 0; i < from_plain.size(); ++i) {
      ASSERT_EQ(std::memcmp(&from_plain[i], &from_kept[i], sizeof(float)), 0)
          << "host " << i / kNumFeatures << " feature " << feature_names()[i % kNumFeatures] << ": " << from_plain[i]
          << " vs " << from_kept[i];
    }
  }
}

}  // namespace
}  // namespace fleetopt::fireplace
