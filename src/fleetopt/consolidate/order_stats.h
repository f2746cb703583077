// Order statistics of a sorted sample, as CloudSim's MathUtil computes them
// for the IQR and MAD overload detectors (the sort itself: small_sort.h).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "fleetopt/consolidate/cpu_features.h"
#include "fleetopt/consolidate/small_sort.h"

namespace fleetopt::consolidate {

// The median of sorted x[0..n) (mean of the middle two for even n), n >= 1.
inline double median_of_sorted(const double* x, std::int32_t n) {
  if (n % 2 == 1) return x[n / 2];
  return 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// MathUtil.iqr: the third minus the first quartile, at the rounded indices
// round(3(n + 1) / 4) and round((n + 1) / 4) (1-based), n >= 3.
inline double interquartile_range_of_sorted(const double* x, std::int32_t n) {
  const auto q1 = static_cast<std::int32_t>(std::lround(0.25 * (n + 1))) - 1;
  const auto q3 = static_cast<std::int32_t>(std::lround(0.75 * (n + 1))) - 1;
  return x[q3] - x[q1];
}

namespace detail {

// The deviations from `med` of sorted x below it (a, read downwards) and at
// or above it (b, read upwards): each run is sorted ascending, as rounding
// is monotone.
struct DeviationRuns {
  const double* x;
  double med;
  std::int32_t p, q;  // lengths of a and b
  double a(std::int32_t t) const { return med - x[p - 1 - t]; }
  double b(std::int32_t t) const { return x[p + t] - med; }
  // The k-th smallest (1-based, 1 <= k <= p + q) of both runs together:
  // binary search for the count i taken from a, the smallest with
  // a(i) >= b(k - i - 1). A handful of steps instead of a k-step merge whose
  // branches the processor cannot predict.
  // With it, the (k-1)-th (-infinity for k = 1): the k
  // smallest are the first i of a and the first k - i of b, and the
  // (k-1)-th is the largest of them once the k-th is taken out.
  std::pair<double, double> kth_and_previous(std::int32_t k) const {
    std::int32_t lo = std::max(0, k - q), hi = std::min(k, p);
    while (lo < hi) {
      const std::int32_t i = (lo + hi) / 2;
      if (a(i) < b(k - i - 1)) {
        lo = i + 1;
      } else {
        hi = i;
      }
    }
    const std::int32_t j = k - lo;
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    const double a1 = lo >= 1 ? a(lo - 1) : kNone, b1 = j >= 1 ? b(j - 1) : kNone;
    const double a2 = lo >= 2 ? a(lo - 2) : kNone, b2 = j >= 2 ? b(j - 2) : kNone;
    return {a1 >= b1 ? std::max(a2, b1) : std::max(a1, b2), std::max(a1, b1)};
  }
};

// How many of x[0..32) lie within lo, and within hi, of med.
inline void count_deviations(const double* x, double med, double lo, double hi, std::int32_t& within_lo,
                             std::int32_t& within_hi) {
  for (std::int32_t i = 0; i < 32; ++i) {
    const double dev = std::abs(x[i] - med);  // +infinity for the padding
    within_lo += dev <= lo ? 1 : 0;
    within_hi += dev <= hi ? 1 : 0;
  }
}
// compare_mad_of_sorted's answer from those counts (n values).
inline int mad_side_from_counts(std::int32_t n, std::int32_t within_lo, std::int32_t within_hi) {
  const std::int32_t lower = (n + 1) / 2, upper = n / 2 + 1;  // the middle deviations' ranks (1-based)
  if (within_lo >= upper) return -1;
  if (within_hi < lower) return 1;
  return 0;
}
#if FLEETOPT_X86_AVX2
// The fused sort and counts of compare_mad_of_sum (small_sort_avx2.cc).
int compare_mad_of_sum_avx2(const double* a, const double* b, std::int32_t n, double lo, double hi, double* out);
// The same four at a time (small_sort_avx2.cc).
void count_deviations_avx2(const double* x, double med, double lo, double hi, std::int32_t& within_lo,
                           std::int32_t& within_hi);
#endif

}  // namespace detail

// MathUtil.mad: the median of |x_i - median(x)| over sorted x[0..n), n >= 1.
// The middle deviations come from the two sorted runs either side of the
// median, so no second sort is needed; being order statistics, they are
// the values a sort of the deviations would give.
inline double median_abs_deviation_of_sorted(const double* x, std::int32_t n) {
  const double med = median_of_sorted(x, n);
  const auto split = static_cast<std::int32_t>(std::lower_bound(x, x + n, med) - x);
  const detail::DeviationRuns runs{x, med, split, n - split};
  const auto [lower, upper] = runs.kth_and_previous(n / 2 + 1);  // one search for both middle deviations
  return n % 2 == 1 ? upper : 0.5 * (lower + upper);
}

// How MathUtil.mad of a sorted sample compares with the band (lo, hi]
// (lo <= hi): -1 if it is <= lo, +1 if it is > hi, 0 if the counts below
// cannot tell (it may lie in the band). x: sort_small's output, the n
// sorted values (n >= 1) then +infinity. The k-th smallest deviation is
// <= tau exactly when at least k deviations are: two branch-free counts
// over the 32 slots settle most comparisons without the search for the
// middle deviations (whose branches the processor cannot predict). The
// deviations are the same IEEE values the search reads (|x - med| rounds
// as med - x does), and the mean of the middle two lies between them, so
// the answer is never wrong.
inline int compare_mad_of_sorted(const double (&x)[32], std::int32_t n, double lo, double hi) {
  const double med = median_of_sorted(x, n);
  std::int32_t within_lo = 0, within_hi = 0;
#if FLEETOPT_X86_AVX2
  if (detail::cpu_has_avx2()) {
    detail::count_deviations_avx2(x, med, lo, hi, within_lo, within_hi);
  } else {
    detail::count_deviations(x, med, lo, hi, within_lo, within_hi);
  }
#else
  detail::count_deviations(x, med, lo, hi, within_lo, within_hi);
#endif
  return detail::mad_side_from_counts(n, within_lo, within_hi);
}

// compare_mad_of_sorted of the sorted a[i] + b[i], i in [0, n) (n >= 1),
// left in x (then +infinity) for the exact MAD where it answers 0.
inline int compare_mad_of_sum(double (&x)[32], const double* a, const double* b, std::int32_t n, double lo,
                              double hi) {
#if FLEETOPT_X86_AVX2
  if (detail::cpu_has_avx2()) return detail::compare_mad_of_sum_avx2(a, b, n, lo, hi, x);
#endif
  sort_small_sum(x, a, b, n);
  return compare_mad_of_sorted(x, n, lo, hi);
}

}  // namespace fleetopt::consolidate
