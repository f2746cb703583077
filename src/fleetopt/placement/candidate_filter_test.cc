#include "fleetopt/placement/candidate_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

// 200 hosts with seeded observed use; one host full by reservations.
ClusterState random_cluster(Rng& rng) {
  ClusterState c(std::vector<Resources>(200, make_resources(16, 64)), make_resources(1000, 1000), kCpuMem, 200);
  for (std::int32_t h = 0; h < 200; ++h) {
    c.mutable_used(h) = make_resources(rng.uniform(0, 16), rng.uniform(0, 64));
  }
  return c;
}

TEST(CandidateFilter, KeepsTheBestMByItsScoreBestFirst) {
  Rng rng(7);
  ClusterState c = random_cluster(rng);
  const Resources request = make_resources(2, 8);
  std::vector<std::int32_t> out;
  prefilter_hosts(c, request, 12, out);
  ASSERT_EQ(out.size(), 12u);
  // Against a full sort of every host by the same score.
  std::vector<std::int32_t> all(200);
  std::iota(all.begin(), all.end(), 0);
  std::stable_sort(all.begin(), all.end(), [&](std::int32_t a, std::int32_t b) {
    return prefilter_score(c, a, request) < prefilter_score(c, b, request);
  });
  all.resize(12);
  EXPECT_EQ(out, all);
  // More than the hosts: all of them, still sorted.
  prefilter_hosts(c, request, 1000, out);
  EXPECT_EQ(out.size(), 200u);
}

TEST(CandidateFilter, ScoreIsTheL2OfObservedPlusRequestOverCapacity) {
  ClusterState c(std::vector<Resources>(2, make_resources(10, 100)), make_resources(1, 1), kCpuMem, 2);
  c.mutable_used(0) = make_resources(3, 20);
  c.place(0, 1, make_resources(1, 10));  // pending on host 1 until observed
  EXPECT_DOUBLE_EQ(prefilter_score(c, 0, make_resources(1, 10)), 0.4 * 0.4 + 0.3 * 0.3);
  EXPECT_DOUBLE_EQ(prefilter_score(c, 1, make_resources(1, 10)), 0.2 * 0.2 + 0.2 * 0.2);
}

TEST(CandidateFilter, SkipsHostsThatDoNotFit) {
  ClusterState c(std::vector<Resources>(3, make_resources(4, 4)), make_resources(1, 1), kCpuMem, 3);
  c.place(0, 1, make_resources(4, 4));  // host 1 full by reservation, though unobserved
  std::vector<std::int32_t> out;
  prefilter_hosts(c, make_resources(1, 1), 3, out);
  EXPECT_EQ(out, (std::vector<std::int32_t>{0, 2}));
}

TEST(CandidateFilter, SpecOptions) {
  auto set = [](const std::string& text) {
    return CandidateSet::from_spec(PlacerSpec::parse(text), {CandidateSet::Kind::kSample, 2});
  };
  EXPECT_EQ(set("x").describe(), "k=2");
  EXPECT_EQ(set("x@k=5").describe(), "k=5");
  EXPECT_EQ(set("x@k=all").describe(), "all");
  EXPECT_EQ(set("x@prefilter=16").describe(), "prefilter=16");
  EXPECT_EQ(CandidateSet::parse("prefilter=8", "w").describe(), "prefilter=8");
  EXPECT_EQ(set("x@k=512@prefilter=8").describe(), "prefilter=8,k=512");
  EXPECT_EQ(CandidateSet::parse("prefilter=8,k=512", "w").sample, 512);
  for (const char* bad : {"x@k=0", "x@k=some", "x@prefilter=0", "x@prefilter=2000", "x@k=2@prefilter=4"}) {
    try {
      set(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("option"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(CandidateSet::parse("top=3", "w"), InputError);
  EXPECT_THROW(CandidateSet::parse("prefilter=8,k=4", "w"), InputError);
}

TEST(CandidateFilter, SampledPrefilterIsTheFullOneOnSmallFleets) {
  Rng rng(9);
  ClusterState c = random_cluster(rng);
  std::vector<std::int32_t> full, sampled;
  const Resources request = make_resources(1, 2);
  prefilter_hosts(c, request, 8, full);
  Rng draw(4);
  CandidateSet{CandidateSet::Kind::kPrefilter, 8, 256}.fill(c, request, draw, sampled);
  EXPECT_EQ(sampled, full);  // 200 hosts <= 256 sampled: every host is seen
  CandidateSet{CandidateSet::Kind::kPrefilter, 8, 20}.fill(c, request, draw, sampled);
  ASSERT_EQ(sampled.size(), 8u);  // 20 of 200: the best of those, in order
  for (std::size_t i = 1; i < sampled.size(); ++i) {
    EXPECT_LE(prefilter_score(c, sampled[i - 1], request), prefilter_score(c, sampled[i], request));
  }
}

TEST(CandidateFilter, FillDrawsOnlyWhenSampling) {
  Rng rng(3);
  ClusterState c = random_cluster(rng);
  Rng a(1), b(1);
  std::vector<std::int32_t> out;
  CandidateSet{CandidateSet::Kind::kAll, 0}.fill(c, make_resources(1, 1), a, out);
  EXPECT_EQ(out.size(), 200u);
  CandidateSet{CandidateSet::Kind::kPrefilter, 4}.fill(c, make_resources(1, 1), a, out);
  EXPECT_EQ(out.size(), 4u);
  EXPECT_EQ(a.below(1000000), b.below(1000000));  // the rng was not touched
}

}  // namespace
}  // namespace fleetopt
