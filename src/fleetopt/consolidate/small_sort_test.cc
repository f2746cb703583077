#include "fleetopt/consolidate/small_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

// Every length 0..32, with ties (values on a 1% grid, as PlanetLab's) and
// without, sorts as std::sort does.
void expect_sorts_like_std_sort(void (*sort)(double (&)[32], std::int32_t)) {
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
      sort(x, n);
      ASSERT_EQ(std::vector<double>(x, x + n), expected) << "n=" << n << " trial=" << trial;
    }
  }
}

TEST(SmallSort, SortsLikeStdSort) { expect_sorts_like_std_sort(sort_small); }

TEST(SmallSort, PortableNetworkSortsLikeStdSort) { expect_sorts_like_std_sort(sort_small_network); }

#if FLEETOPT_SMALL_SORT_AVX2
TEST(SmallSort, Avx2NetworkSortsLikeStdSort) {
  if (!detail::cpu_has_avx2()) GTEST_SKIP() << "this processor has no AVX2; sort_small uses the portable network";
  expect_sorts_like_std_sort([](double (&x)[32], std::int32_t n) {
    std::fill(x + n, x + 32, std::numeric_limits<double>::infinity());
    detail::sort32_avx2(x);
  });
}
#endif

// sort_small_sum sorts the sums, reading each input only below n (the
// inputs are exactly n long here, so a read past them is AddressSanitizer's).
TEST(SmallSort, SumOfTwoSeriesSortsLikeStdSortOfTheSums) {
  Rng rng(4);
  for (std::int32_t n = 0; n <= 32; ++n) {
    for (int trial = 0; trial < 100; ++trial) {
      std::vector<double> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n)), expected;
      for (std::int32_t i = 0; i < n; ++i) {
        a[static_cast<std::size_t>(i)] = static_cast<double>(rng.below(30)) / 100;
        b[static_cast<std::size_t>(i)] = trial % 2 == 0 ? 0.0 : rng.uniform(0, 0.3);
        expected.push_back(a[static_cast<std::size_t>(i)] + b[static_cast<std::size_t>(i)]);
      }
      std::sort(expected.begin(), expected.end());
      double x[32];
      sort_small_sum(x, a.data(), b.data(), n);
      ASSERT_EQ(std::vector<double>(x, x + n), expected) << "n=" << n << " trial=" << trial;
      for (std::int32_t i = n; i < 32; ++i) ASSERT_EQ(x[i], std::numeric_limits<double>::infinity());
    }
  }
}

}  // namespace
}  // namespace fleetopt::consolidate
