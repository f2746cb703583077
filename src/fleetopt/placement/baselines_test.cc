// Hand-computed cases for each heuristic on three 10x10 hosts:
//   h0 reserved (6,2), h1 reserved (2,4), h2 empty; request (2,2).
// Normalised loads h0 (.6,.2), h1 (.2,.4), h2 (0,0); request (.2,.2).
#include "fleetopt/placement/baselines.h"

#include <gtest/gtest.h>

#include <set>

#include "fleetopt/placement/placer.h"

namespace fleetopt {
namespace {

class HeuristicsTest : public ::testing::Test {
 protected:
  HeuristicsTest()
      : cluster_(std::vector<Resources>(3, make_resources(10, 10)), make_resources(1, 1), kCpuMem, 8) {
    cluster_.place(0, 0, make_resources(6, 2));
    cluster_.place(1, 1, make_resources(2, 4));
  }

  std::int32_t choose(const std::string& spec, const Resources& request, std::uint64_t seed = 1) {
    auto placer = make_placer(spec);
    Rng rng(seed);
    PlacementContext ctx{cluster_, workload_, nullptr, 7, 0, request};
    return placer->choose(ctx, rng);
  }

  ClusterState cluster_;
  Workload workload_;
};

TEST_F(HeuristicsTest, FirstFitTakesLowestIndex) { EXPECT_EQ(choose("first-fit", make_resources(2, 2)), 0); }

TEST_F(HeuristicsTest, BestFitLeavesLeastRoom) {
  // Room left: h0 .2+.6 = .8, h1 .6+.4 = 1.0, h2 1.6.
  EXPECT_EQ(choose("best-fit", make_resources(2, 2)), 0);
}

TEST_F(HeuristicsTest, WorstFitTakesLeastLoaded) { EXPECT_EQ(choose("worst-fit", make_resources(2, 2)), 2); }

TEST_F(HeuristicsTest, DotProductAlignsWithRoomOnOpenHosts) {
  // Open hosts only: h0 .2*.4 + .2*.8 = .24, h1 .2*.8 + .2*.6 = .28.
  EXPECT_EQ(choose("dot-product", make_resources(2, 2)), 1);
}

TEST_F(HeuristicsTest, L2MinimisesRoomLeftOnOpenHosts) {
  // h0 .2^2 + .6^2 = .40, h1 .6^2 + .4^2 = .52.
  EXPECT_EQ(choose("l2", make_resources(2, 2)), 0);
}

TEST_F(HeuristicsTest, PackingHeuristicsOpenAHostOnlyWhenNeeded) {
  // (8.5,7) fits neither open host: h0 -> (14.5, 9), h1 -> (10.5, 11).
  EXPECT_EQ(choose("dot-product", make_resources(8.5, 7)), 2);
  EXPECT_EQ(choose("l2", make_resources(8.5, 7)), 2);
}

TEST_F(HeuristicsTest, KubernetesScores) {
  // Mean used after: h0 .6, h1 .5, h2 .2.
  EXPECT_EQ(choose("least-allocated", make_resources(2, 2)), 2);
  EXPECT_EQ(choose("most-allocated", make_resources(2, 2)), 0);
  // Request (1,3): after h0 (.7,.5) std .1, h1 (.3,.7) std .2, h2 (.1,.3) std .1;
  // tie between h0 and h2 goes to the lower index.
  EXPECT_EQ(choose("balanced-allocation", make_resources(1, 3)), 0);
}

TEST_F(HeuristicsTest, OnlyFeasibleHostsAreChosen) {
  for (const char* spec : {"first-fit", "best-fit", "worst-fit", "random", "p2", "dot-product", "l2",
                           "least-allocated", "most-allocated", "balanced-allocation", "best-fit@k=2"}) {
    EXPECT_EQ(choose(spec, make_resources(9, 9)), 2) << spec;       // only h2 fits
    EXPECT_EQ(choose(spec, make_resources(11, 1)), kNoHost) << spec;  // nothing fits
  }
}

TEST_F(HeuristicsTest, UsageBasisReadsObservedUse) {
  // By requests h0 is fullest; by usage h1 is.
  cluster_.clear_pending();
  cluster_.mutable_used(0) = make_resources(1, 1);
  cluster_.mutable_used(1) = make_resources(7, 7);
  EXPECT_EQ(choose("best-fit", make_resources(2, 2)), 0);
  EXPECT_EQ(choose("best-fit@basis=usage", make_resources(2, 2)), 1);
}

TEST_F(HeuristicsTest, PowerOfTwoNeverPicksTheMostLoadedOfThree) {
  cluster_.clear_pending();
  cluster_.mutable_used(0) = make_resources(1, 1);
  cluster_.mutable_used(1) = make_resources(5, 5);
  std::set<std::int32_t> seen;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) seen.insert(choose("p2", make_resources(1, 1), seed));
  EXPECT_EQ(seen, (std::set<std::int32_t>{0, 2}));
}

TEST_F(HeuristicsTest, RandomSpreadsOverFeasibleHosts) {
  std::array<int, 3> hits{};
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) ++hits[static_cast<std::size_t>(choose("random", make_resources(1, 1), seed))];
  for (int h : hits) {
    EXPECT_GT(h, 850);
    EXPECT_LT(h, 1150);
  }
}

TEST_F(HeuristicsTest, SameSeedSameChoice) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_EQ(choose("p2", make_resources(1, 1), seed), choose("p2", make_resources(1, 1), seed));
  }
}

}  // namespace
}  // namespace fleetopt
