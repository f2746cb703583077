// sort32_avx2: the 32 doubles in eight AVX2 registers, sorted by Batcher's
// bitonic network without leaving them: compare-exchanges between
// registers (partners 4 or more apart) are one min and one max; those
// inside a register (partners 1 or 2 apart) permute the lanes first and
// blend the minima and maxima back. About 340 register operations against
// the portable network's ~190 compare-exchanges through memory (several
// instructions each). Written here because no Debian library sorts fixed
// small arrays in registers. Compiled for AVX2 only in this function;
// sort_small calls it only where the processor has AVX2.
#include "fleetopt/consolidate/small_sort.h"

#if FLEETOPT_SMALL_SORT_AVX2
#include <immintrin.h>

namespace fleetopt::consolidate::detail {
namespace {

// Partners `stride` = 1 or 2 apart inside register r, whose lanes are
// elements 4r..4r+3. `upper_hi`: blend mask of the lanes that take the
// maximum (a lane that is the upper of its pair in an ascending block, or
// the lower in a descending one).
template <int kStride, int kMask>
__attribute__((target("avx2"), always_inline)) inline __m256d in_register(__m256d r) {
  const __m256d p = kStride == 1 ? _mm256_permute_pd(r, 0x5) : _mm256_permute4x64_pd(r, 0x4E);
  return _mm256_blend_pd(_mm256_min_pd(r, p), _mm256_max_pd(r, p), kMask);
}

// Partners in registers a < b: ascending puts the minima in a.
__attribute__((target("avx2"), always_inline)) inline void across(__m256d& a, __m256d& b, bool ascending) {
  const __m256d lo = _mm256_min_pd(a, b), hi = _mm256_max_pd(a, b);
  a = ascending ? lo : hi;
  b = ascending ? hi : lo;
}

// One bitonic step (sequence size `size`, partner distance `stride`) over
// the eight registers. Element i = 4r + lane is ascending if (i & size) == 0.
template <int kSize, int kStride>
__attribute__((target("avx2"), always_inline)) inline void step(__m256d (&r)[8]) {
  if constexpr (kStride >= 4) {
    constexpr int kApart = kStride / 4;
    for (int a = 0; a < 8; ++a) {
      if ((a & kApart) == 0) across(r[a], r[a + kApart], ((4 * a) & kSize) == 0);
    }
  } else if constexpr (kSize == 2) {
    // stride 1, blocks of two: lanes 0-1 ascending, 2-3 descending.
    for (auto& x : r) x = in_register<1, 0b0110>(x);
  } else {
    // Direction per register: (4a & size) == 0 for size >= 4.
    constexpr int kAsc = kStride == 1 ? 0b1010 : 0b1100;   // upper lanes take the maximum
    constexpr int kDesc = kStride == 1 ? 0b0101 : 0b0011;  // lower lanes take the maximum
    for (int a = 0; a < 8; ++a) {
      r[a] = ((4 * a) & kSize) == 0 ? in_register<kStride, kAsc>(r[a]) : in_register<kStride, kDesc>(r[a]);
    }
  }
}

}  // namespace

__attribute__((target("avx2"))) void sort32_avx2(double* x) {
  __m256d r[8];
  for (int a = 0; a < 8; ++a) r[a] = _mm256_loadu_pd(x + 4 * a);
  step<2, 1>(r);
  step<4, 2>(r);
  step<4, 1>(r);
  step<8, 4>(r);
  step<8, 2>(r);
  step<8, 1>(r);
  step<16, 8>(r);
  step<16, 4>(r);
  step<16, 2>(r);
  step<16, 1>(r);
  step<32, 16>(r);
  step<32, 8>(r);
  step<32, 4>(r);
  step<32, 2>(r);
  step<32, 1>(r);
  for (int a = 0; a < 8; ++a) _mm256_storeu_pd(x + 4 * a, r[a]);
}

bool cpu_has_avx2() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}

}  // namespace fleetopt::consolidate::detail
#endif
