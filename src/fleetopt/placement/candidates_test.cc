#include "fleetopt/placement/candidates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace fleetopt {
namespace {

TEST(Candidates, SamplingFindsTheOnlyFeasibleHostsAmongMany) {
  // 1000 hosts, all full but two: rejection sampling alone would miss them.
  ClusterState c(std::vector<Resources>(1000, make_resources(1, 1)), make_resources(1, 1), kCpuMem, 1000);
  for (int h = 0; h < 1000; ++h) {
    if (h != 17 && h != 901) c.place(h, h, make_resources(1, 1));
  }
  Rng rng(3);
  std::vector<std::int32_t> out;
  sample_feasible_hosts(c, make_resources(0.5, 0.5), 2, rng, out);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(out, (std::vector<std::int32_t>{17, 901}));
  sample_feasible_hosts(c, make_resources(0.5, 0.5), 5, rng, out);
  EXPECT_EQ(out.size(), 2u);
}

TEST(Candidates, SamplesAreDistinctAndFeasible) {
  ClusterState c(std::vector<Resources>(10, make_resources(1, 1)), make_resources(1, 1), kCpuMem, 10);
  c.place(0, 3, make_resources(1, 1));
  Rng rng(5);
  std::vector<std::int32_t> out;
  for (int rep = 0; rep < 200; ++rep) {
    sample_feasible_hosts(c, make_resources(0.5, 0.5), 4, rng, out);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(std::set<std::int32_t>(out.begin(), out.end()).size(), 4u);
    EXPECT_EQ(std::count(out.begin(), out.end(), 3), 0);
  }
}

}  // namespace
}  // namespace fleetopt
