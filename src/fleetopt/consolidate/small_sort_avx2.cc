// sort32_avx2: the 32 doubles in eight AVX2 registers, sorted without
// leaving them. The registers are the rows of an 8 x 4 matrix: an 8-input
// network of minima and maxima between registers sorts the four columns,
// two 4 x 4 transposes turn the columns into four sorted runs of eight,
// and bitonic merges join them (8 + 8, then 16 + 16). Within a merge the
// partners 4 or more apart are in different registers (one min, one max);
// those 2 and 1 apart are brought into different registers two registers
// at a time by lane shuffles. About 200 register operations, against 340
// for a bitonic sort from scratch and the portable network's ~190
// compare-exchanges through memory (several instructions each). Written
// here because no Debian library sorts fixed small arrays in registers.
// Compiled for AVX2 only in this function; sort_small calls it only where
// the processor has AVX2.
#include "fleetopt/consolidate/small_sort.h"
#include "fleetopt/consolidate/order_stats.h"

#if FLEETOPT_SMALL_SORT_AVX2
#include <immintrin.h>

#include <limits>

namespace fleetopt::consolidate::detail {
namespace {

#define FLEETOPT_AVX2 __attribute__((target("avx2"), always_inline)) inline

// Minima into a, maxima into b.
FLEETOPT_AVX2 void order(__m256d& a, __m256d& b) {
  const __m256d lo = _mm256_min_pd(a, b);
  b = _mm256_max_pd(a, b);
  a = lo;
}

FLEETOPT_AVX2 __m256d reversed(__m256d x) { return _mm256_permute4x64_pd(x, 0x1B); }

// Rows r[0..3] become columns: r[j] = (old r[0][j], r[1][j], r[2][j], r[3][j]).
FLEETOPT_AVX2 void transpose4(__m256d* r) {
  const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
  const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
  r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
  r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
  r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

// The last two steps of an ascending bitonic merge (partners 2, then 1
// apart) in registers a and b: their halves are paired across a second
// register so that each step is one min and one max.
FLEETOPT_AVX2 void finish_merge(__m256d& a, __m256d& b) {
  // Lanes named by their element: a0..a3 in a, b0..b3 in b.
  __m256d lo = _mm256_permute2f128_pd(a, b, 0x20);  // a0 a1 b0 b1
  __m256d hi = _mm256_permute2f128_pd(a, b, 0x31);  // a2 a3 b2 b3
  order(lo, hi);                                    // partners 2 apart
  __m256d first = _mm256_unpacklo_pd(lo, hi);       // a0 a2 b0 b2
  __m256d second = _mm256_unpackhi_pd(lo, hi);      // a1 a3 b1 b3
  order(first, second);                             // partners 1 apart
  lo = _mm256_unpacklo_pd(first, second);           // a0 a1 b0 b1
  hi = _mm256_unpackhi_pd(first, second);           // a2 a3 b2 b3
  a = _mm256_permute2f128_pd(lo, hi, 0x20);
  b = _mm256_permute2f128_pd(lo, hi, 0x31);
}

// Merges the ascending runs r[0..n) and r[n..2n) (n registers each, n = 2
// or 4) into one ascending run: the second run reversed makes the whole a
// bitonic sequence, which halving steps sort.
template <int kRegs>
FLEETOPT_AVX2 void merge(__m256d* r) {
  #pragma GCC unroll 32
  for (int i = 0; i < kRegs / 4; ++i) {
    const __m256d t = reversed(r[kRegs / 2 + i]);
    r[kRegs / 2 + i] = reversed(r[kRegs - 1 - i]);
    r[kRegs - 1 - i] = t;
  }
  #pragma GCC unroll 32
  for (int apart = kRegs / 2; apart >= 1; apart /= 2) {
    #pragma GCC unroll 32
    for (int i = 0; i < kRegs; ++i) {
      if ((i & apart) == 0) order(r[i], r[i + apart]);
    }
  }
  #pragma GCC unroll 32
  for (int i = 0; i < kRegs; i += 2) finish_merge(r[i], r[i + 1]);
}

#undef FLEETOPT_AVX2

// The network on r, ascending from r[0] lane 0 to r[7] lane 3.
__attribute__((target("avx2"), always_inline)) inline void sort_registers(__m256d (&r)[8]) {
  // Each column (lane) across the eight registers: an optimal 8-input
  // network, 19 compare-exchanges.
  constexpr int kNetwork[19][2] = {{0, 2}, {1, 3}, {4, 6}, {5, 7}, {0, 4}, {1, 5}, {2, 6},
                                   {3, 7}, {0, 1}, {2, 3}, {4, 5}, {6, 7}, {2, 4}, {3, 5},
                                   {1, 4}, {3, 6}, {1, 2}, {3, 4}, {5, 6}};
  #pragma GCC unroll 32
  for (const auto& ce : kNetwork) order(r[ce[0]], r[ce[1]]);
  // Column j is now ascending down r[0..8)[j]; transposed, it is run j:
  // (r[j], r[4 + j]) after the two transposes.
  transpose4(r);
  transpose4(r + 4);
  __m256d s[8] = {r[0], r[4], r[1], r[5], r[2], r[6], r[3], r[7]};
  merge<4>(s);      // runs 0 and 1
  merge<4>(s + 4);  // runs 2 and 3
  merge<8>(s);  // the two runs of 16
  #pragma GCC unroll 32
  for (int a = 0; a < 8; ++a) r[a] = s[a];
}

}  // namespace

__attribute__((target("avx2"))) void sort32_avx2(double* x) {
  __m256d r[8];
  #pragma GCC unroll 32
  for (int a = 0; a < 8; ++a) r[a] = _mm256_loadu_pd(x + 4 * a);
  sort_registers(r);
  #pragma GCC unroll 32
  for (int a = 0; a < 8; ++a) _mm256_storeu_pd(x + 4 * a, r[a]);
}

namespace {

// r = the sorted a + b over [0, n), +infinity after, also stored to out.
__attribute__((target("avx2"), always_inline)) inline void sorted_sum(const double* a, const double* b, std::int32_t n,
                                                                      double* out, __m256d (&r)[8]) {
  const __m256d inf = _mm256_set1_pd(std::numeric_limits<double>::infinity());
  const __m256i count = _mm256_set1_epi64x(n);
  #pragma GCC unroll 32
  for (int k = 0; k < 8; ++k) {
    // Lanes at or past n are neither read (masked loads do not fault) nor kept.
    const __m256i in = _mm256_cmpgt_epi64(count, _mm256_setr_epi64x(4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3));
    const __m256d sum = _mm256_add_pd(_mm256_maskload_pd(a + 4 * k, in), _mm256_maskload_pd(b + 4 * k, in));
    r[k] = _mm256_blendv_pd(inf, sum, _mm256_castsi256_pd(in));
  }
  sort_registers(r);
  #pragma GCC unroll 32
  for (int k = 0; k < 8; ++k) _mm256_storeu_pd(out + 4 * k, r[k]);
}

// How many of the values in r lie within lo, and within hi, of med.
__attribute__((target("avx2"), always_inline)) inline void count_within(const __m256d (&r)[8], double med, double lo,
                                                                        double hi, std::int32_t& within_lo,
                                                                        std::int32_t& within_hi) {
  const __m256d m = _mm256_set1_pd(med), l = _mm256_set1_pd(lo), h = _mm256_set1_pd(hi),
                sign = _mm256_set1_pd(-0.0);
  __m256i count_lo = _mm256_setzero_si256(), count_hi = _mm256_setzero_si256();
  #pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) {
    const __m256d dev = _mm256_andnot_pd(sign, _mm256_sub_pd(r[k], m));  // |x - med|
    // A true comparison is all ones, -1 as an integer: subtracting counts it.
    count_lo = _mm256_sub_epi64(count_lo, _mm256_castpd_si256(_mm256_cmp_pd(dev, l, _CMP_LE_OQ)));
    count_hi = _mm256_sub_epi64(count_hi, _mm256_castpd_si256(_mm256_cmp_pd(dev, h, _CMP_LE_OQ)));
  }
  alignas(32) std::int64_t lanes_lo[4], lanes_hi[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes_lo), count_lo);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes_hi), count_hi);
  within_lo = static_cast<std::int32_t>(lanes_lo[0] + lanes_lo[1] + lanes_lo[2] + lanes_lo[3]);
  within_hi = static_cast<std::int32_t>(lanes_hi[0] + lanes_hi[1] + lanes_hi[2] + lanes_hi[3]);
}

}  // namespace

__attribute__((target("avx2"))) void sort32_sum_avx2(const double* a, const double* b, std::int32_t n, double* out) {
  __m256d r[8];
  sorted_sum(a, b, n, out, r);
}

__attribute__((target("avx2"))) int compare_mad_of_sum_avx2(const double* a, const double* b, std::int32_t n,
                                                             double lo, double hi, double* out) {
  __m256d r[8];
  sorted_sum(a, b, n, out, r);
  std::int32_t within_lo = 0, within_hi = 0;
  count_within(r, median_of_sorted(out, n), lo, hi, within_lo, within_hi);
  return mad_side_from_counts(n, within_lo, within_hi);
}

__attribute__((target("avx2"))) void count_deviations_avx2(const double* x, double med, double lo, double hi,
                                                            std::int32_t& within_lo, std::int32_t& within_hi) {
  __m256d r[8];
  #pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_pd(x + 4 * k);
  count_within(r, med, lo, hi, within_lo, within_hi);
}

}  // namespace fleetopt::consolidate::detail
#endif
