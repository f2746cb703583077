// candidate_increases_avx2: the portable loop's arithmetic four hosts at a
// time, each operation the same IEEE one in the same order (division,
// clamp, truncation, the two curve points, interpolation, baseline), so the
// same bits. Only the curve's points are gathered (from a small table that
// stays in L1); the hosts' columns are contiguous. Compiled for AVX2 only in
// this function; CandidateTable calls it only where the processor has AVX2.
#include "fleetopt/consolidate/candidate_table.h"

#if FLEETOPT_X86_AVX2
#include <immintrin.h>

#include <limits>

namespace fleetopt::consolidate::detail {

__attribute__((target("avx2"))) void candidate_increases_avx2(const CandidateColumns& c, double d, double ram,
                                                               bool strict_ram, double* out) {
  const __m256d vd = _mm256_set1_pd(d), vram = _mm256_set1_pd(ram), zero = _mm256_setzero_pd(),
                one = _mm256_set1_pd(1.0), ten = _mm256_set1_pd(10.0),
                inf = _mm256_set1_pd(std::numeric_limits<double>::infinity());
  const __m256d all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  const __m128i ten_i = _mm_set1_epi32(10), one_i = _mm_set1_epi32(1);
  for (std::size_t p = 0; p < c.size; p += 4) {
    const __m256d sum = _mm256_add_pd(_mm256_loadu_pd(c.demand + p), vd);
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(vd, _mm256_loadu_pd(c.core + p), _CMP_LE_OQ),
                               _mm256_cmp_pd(sum, _mm256_loadu_pd(c.cap + p), _CMP_LE_OQ));
    if (strict_ram) {
      ok = _mm256_and_pd(ok, _mm256_cmp_pd(_mm256_add_pd(_mm256_loadu_pd(c.ram + p), vram),
                                           _mm256_loadu_pd(c.ram_cap + p), _CMP_LE_OQ));
    }
    // u < 0 ? 0 : (u > 1 ? 1 : u): u is never NaN; a -0 becoming +0 moves
    // no point of the curve (it only scales the interpolation's zero term).
    const __m256d u = _mm256_min_pd(_mm256_max_pd(_mm256_div_pd(sum, _mm256_loadu_pd(c.mips + p)), zero), one);
    const __m256d x = _mm256_mul_pd(u, ten);
    const __m128i i = _mm_min_epi32(_mm256_cvttpd_epi32(x), ten_i);
    const __m128i next = _mm_min_epi32(_mm_add_epi32(i, one_i), ten_i);
    const __m128i curve = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c.curve + p));
    // The masked form: GCC's plain one warns of an uninitialised source.
    const __m256d wi = _mm256_mask_i32gather_pd(zero, c.curves, _mm_add_epi32(curve, i), all, 8);
    const __m256d wn = _mm256_mask_i32gather_pd(zero, c.curves, _mm_add_epi32(curve, next), all, 8);
    const __m256d power =
        _mm256_add_pd(wi, _mm256_mul_pd(_mm256_sub_pd(wn, wi), _mm256_sub_pd(x, _mm256_cvtepi32_pd(i))));
    _mm256_storeu_pd(out + p, _mm256_blendv_pd(inf, _mm256_sub_pd(power, _mm256_loadu_pd(c.base + p)), ok));
  }
}

}  // namespace fleetopt::consolidate::detail
#endif
