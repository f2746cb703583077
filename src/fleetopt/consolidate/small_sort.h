// Sorting of at most 32 doubles by a fixed comparison network (Batcher's
// odd-even merge sort: 191 compare-exchanges, branch-free min/max). The
// IQR and MAD detectors need order statistics of a host's last 30 samples
// hundreds of thousands of times a simulated day; on such small arrays the
// network is about 3x faster than std::nth_element or std::sort, and, being
// a sort, gives the same order statistics.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <utility>

#include "fleetopt/consolidate/cpu_features.h"

namespace fleetopt::consolidate {

namespace detail {

struct CompareExchange {
  std::uint8_t a, b;
};

constexpr std::size_t kNetworkSize = 191;

constexpr std::array<CompareExchange, kNetworkSize> batcher32() {
  std::array<CompareExchange, kNetworkSize> out{};
  std::size_t m = 0;
  constexpr int n = 32;
  for (int p = 1; p < n; p <<= 1) {
    for (int k = p; k >= 1; k >>= 1) {
      for (int j = k % p; j + k < n; j += 2 * k) {
        for (int i = 0; i < std::min(k, n - j - k); ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
            out[m++] = {static_cast<std::uint8_t>(i + j), static_cast<std::uint8_t>(i + j + k)};
          }
        }
      }
    }
  }
  return out;
}

inline constexpr std::array<CompareExchange, kNetworkSize> kBatcher32 = batcher32();

// One compare-exchange with its slots known at compile time (the unrolled
// network reads no index table).
template <std::size_t I>
inline void compare_exchange(double* x) {
  constexpr CompareExchange ce = kBatcher32[I];
  const double lo = std::min(x[ce.a], x[ce.b]), hi = std::max(x[ce.a], x[ce.b]);
  x[ce.a] = lo;
  x[ce.b] = hi;
}

template <std::size_t... I>
inline void run_network(double* x, std::index_sequence<I...>) {
  (compare_exchange<I>(x), ...);
}


#define FLEETOPT_SMALL_SORT_AVX2 FLEETOPT_X86_AVX2
#if FLEETOPT_SMALL_SORT_AVX2
// small_sort_avx2.cc: the same sort in AVX2 registers, ~3x faster.
void sort32_avx2(double* x);
// out = a + b over [0, n), +infinity after, sorted: the sums formed in the
// registers the sort starts from (a and b are read only below n).
void sort32_sum_avx2(const double* a, const double* b, std::int32_t n, double* out);
#endif

}  // namespace detail

// Sorts x[0..n) ascending, n <= 32; x[n..32) are overwritten (+infinity).
// The portable network; sort_small picks the fastest sort this processor has.
inline void sort_small_network(double (&x)[32], std::int32_t n) {
  std::fill(x + n, x + 32, std::numeric_limits<double>::infinity());
  detail::run_network(x, std::make_index_sequence<detail::kNetworkSize>{});
}

// Sorts x[0..n) ascending, n <= 32; x[n..32) are overwritten (+infinity).
inline void sort_small(double (&x)[32], std::int32_t n) {
#if FLEETOPT_SMALL_SORT_AVX2
  if (detail::cpu_has_avx2()) {
    std::fill(x + n, x + 32, std::numeric_limits<double>::infinity());
    detail::sort32_avx2(x);
    return;
  }
#endif
  sort_small_network(x, n);
}

// x = the sorted a[i] + b[i] for i in [0, n), then +infinity (n <= 32):
// sort_small of the sums, with a and b read only below n.
inline void sort_small_sum(double (&x)[32], const double* a, const double* b, std::int32_t n) {
#if FLEETOPT_SMALL_SORT_AVX2
  if (detail::cpu_has_avx2()) {
    detail::sort32_sum_avx2(a, b, n, x);
    return;
  }
#endif
  for (std::int32_t i = 0; i < n; ++i) x[i] = a[i] + b[i];
  sort_small_network(x, n);
}

}  // namespace fleetopt::consolidate
