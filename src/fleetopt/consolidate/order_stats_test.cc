#include "fleetopt/consolidate/order_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

// The textbook definition: sort the absolute deviations, take their median.
double reference_mad(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const double med = median_of_sorted(x.data(), static_cast<std::int32_t>(x.size()));
  std::vector<double> dev;
  for (double v : x) dev.push_back(std::abs(v - med));
  std::sort(dev.begin(), dev.end());
  return median_of_sorted(dev.data(), static_cast<std::int32_t>(dev.size()));
}

TEST(OrderStats, MedianAbsoluteDeviationEqualsSortingTheDeviations) {
  Rng rng(11);
  for (std::int32_t n = 1; n <= 32; ++n) {
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<double> x;
      for (std::int32_t i = 0; i < n; ++i) {
        // Ties on a 1% grid (PlanetLab's values), all equal, or continuous.
        if (trial % 3 == 0) {
          x.push_back(static_cast<double>(rng.below(8)) / 100);
        } else if (trial % 3 == 1) {
          x.push_back(trial % 2 == 0 ? 0.25 : rng.uniform(0, 1));
        } else {
          x.push_back(rng.uniform(0, 1));
        }
      }
      std::vector<double> sorted = x;
      std::sort(sorted.begin(), sorted.end());
      ASSERT_EQ(median_abs_deviation_of_sorted(sorted.data(), n), reference_mad(x)) << "n=" << n << " trial=" << trial;
    }
  }
}

TEST(OrderStats, HandWorkedValues) {
  const double odd[] = {1, 2, 3, 4, 100};  // median 3; deviations 2 1 0 1 97
  EXPECT_EQ(median_abs_deviation_of_sorted(odd, 5), 1.0);
  const double even[] = {1, 2, 4, 8};  // median 3; deviations 2 1 1 5 -> (1 + 2) / 2
  EXPECT_EQ(median_abs_deviation_of_sorted(even, 4), 1.5);
  const double one[] = {7};
  EXPECT_EQ(median_abs_deviation_of_sorted(one, 1), 0.0);
  // MathUtil.iqr with 12 values: quartiles at 1-based round(3.25) = 3 and
  // round(9.75) = 10.
  const double twelve[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  EXPECT_EQ(interquartile_range_of_sorted(twelve, 12), 9.0 - 2.0);
  // 30 values (a full history): round(7.75) = 8 and round(23.25) = 23.
  double thirty[30];
  for (int i = 0; i < 30; ++i) thirty[i] = i * i;
  EXPECT_EQ(interquartile_range_of_sorted(thirty, 30), 22.0 * 22.0 - 7.0 * 7.0);
}

}  // namespace
}  // namespace fleetopt::consolidate
