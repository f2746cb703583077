#include "fleetopt/consolidate/order_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "fleetopt/consolidate/small_sort.h"
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

// compare_mad_of_sorted never contradicts the exact MAD (at a band around
// it, touching it, or far from it), and it settles every band that does not
// overlap the two middle deviations: it is not a test that gives up.
TEST(OrderStats, MadComparisonAgreesWithTheExactValue) {
  Rng rng(5);
  std::int64_t settled = 0, bands = 0;
  for (std::int32_t n = 1; n <= 32; ++n) {
    for (int trial = 0; trial < 300; ++trial) {
      double x[32];
      std::vector<double> values;
      for (std::int32_t i = 0; i < n; ++i) {
        x[i] = trial % 2 == 0 ? static_cast<double>(rng.below(12)) / 100 : rng.uniform(0, 1);
        values.push_back(x[i]);
      }
      sort_small(x, n);
      const double mad = median_abs_deviation_of_sorted(x, n);
      ASSERT_EQ(mad, reference_mad(values));
      // The middle deviations, ranks (n + 1) / 2 and n / 2 + 1 (1-based).
      const double med = median_of_sorted(x, n);
      std::vector<double> dev;
      for (double v : values) dev.push_back(std::abs(v - med));
      std::sort(dev.begin(), dev.end());
      const double lower = dev[static_cast<std::size_t>((n + 1) / 2 - 1)], upper = dev[static_cast<std::size_t>(n / 2)];
      const double width = rng.uniform(0, 0.05);
      const double below = std::nextafter(mad, -1.0), above = std::nextafter(mad, 2.0);
      for (const double lo : {mad - 0.1, mad - width, below, mad, above, mad + width, lower, upper}) {
        for (const double hi : {lo, lo + width, lo + 0.1}) {
          const int side = compare_mad_of_sorted(x, n, lo, hi);
          const int expected = upper <= lo ? -1 : (lower > hi ? 1 : 0);
          ASSERT_EQ(side, expected) << "n=" << n << " trial=" << trial << " lo=" << lo << " hi=" << hi;
          if (side < 0) {
            ASSERT_LE(mad, lo);
          }
          if (side > 0) {
            ASSERT_GT(mad, hi);
          }
          settled += side != 0 ? 1 : 0;
          ++bands;
        }
      }
    }
  }
  EXPECT_GT(settled, bands / 2);
}

TEST(OrderStats, PortableDeviationCountsEqualTheAvx2Ones) {
#if FLEETOPT_X86_AVX2
  if (!detail::cpu_has_avx2()) GTEST_SKIP() << "this processor has no AVX2";
  Rng rng(9);
  for (int trial = 0; trial < 2000; ++trial) {
    const auto n = static_cast<std::int32_t>(1 + rng.below(32));
    double x[32];
    for (std::int32_t i = 0; i < n; ++i) x[i] = static_cast<double>(rng.below(20)) / 100;
    sort_small(x, n);
    const double med = median_of_sorted(x, n), lo = rng.uniform(0, 0.1), hi = lo + rng.uniform(0, 0.05);
    std::int32_t a_lo = 0, a_hi = 0, b_lo = 0, b_hi = 0;
    detail::count_deviations(x, med, lo, hi, a_lo, a_hi);
    detail::count_deviations_avx2(x, med, lo, hi, b_lo, b_hi);
    ASSERT_EQ(a_lo, b_lo);
    ASSERT_EQ(a_hi, b_hi);
  }
#else
  GTEST_SKIP() << "not an x86-64 build";
#endif
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
