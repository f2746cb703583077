// The position of the first least value of a short array of doubles, as the
// IQR/MAD host search asks it once per overload test (about 565k times a
// simulated day): the minimum in two independent SSE2 chains instead of one
// chain of dependent minima, then the first match found by comparing four at
// a time, so that only one branch (the last) can mispredict.
#pragma once

#include <bit>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fleetopt::consolidate {

// x[0..n): n > 0 a multiple of 4, no NaN. Returns the least value in
// `least` and its first position.
inline std::size_t first_least(const double* x, std::size_t n, double& least) {
#if defined(__SSE2__)
  __m128d a = _mm_loadu_pd(x), b = _mm_loadu_pd(x + 2);
  for (std::size_t p = 4; p < n; p += 4) {
    a = _mm_min_pd(a, _mm_loadu_pd(x + p));
    b = _mm_min_pd(b, _mm_loadu_pd(x + p + 2));
  }
  a = _mm_min_pd(a, b);
  a = _mm_min_pd(a, _mm_shuffle_pd(a, a, 1));  // the least in both lanes
  least = _mm_cvtsd_f64(a);
  for (std::size_t p = 0;; p += 4) {
    const unsigned lo = static_cast<unsigned>(_mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(x + p), a)));
    const unsigned hi = static_cast<unsigned>(_mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(x + p + 2), a)));
    if (const unsigned m = lo | hi << 2; m != 0) return p + static_cast<std::size_t>(std::countr_zero(m));
  }
#else
  least = x[0];
  for (std::size_t p = 1; p < n; ++p) least = x[p] < least ? x[p] : least;
  std::size_t p = 0;
  while (x[p] != least) ++p;
  return p;
#endif
}

}  // namespace fleetopt::consolidate
