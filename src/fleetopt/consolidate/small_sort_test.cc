#include "fleetopt/consolidate/small_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

// Every length 0..32, with ties (values on a 1% grid, as PlanetLab's) and
// without, sorts as std::sort does.
TEST(SmallSort, SortsLikeStdSort) {
  Rng rng(3);
  for (std::int32_t n = 0; n <= 32; ++n) {
    for (int trial = 0; trial < 200; ++trial) {
      double x[32];
      std::vector<double> expected;
      for (std::int32_t i = 0; i < n; ++i) {
        x[i] = trial % 2 == 0 ? static_cast<double>(rng.below(20)) / 100 : rng.uniform(-1, 1);
        expected.push_back(x[i]);
      }
      std::sort(expected.begin(), expected.end());
      sort_small(x, n);
      ASSERT_EQ(std::vector<double>(x, x + n), expected) << "n=" << n << " trial=" << trial;
    }
  }
}

}  // namespace
}  // namespace fleetopt::consolidate
