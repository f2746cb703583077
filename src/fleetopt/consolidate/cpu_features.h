// Whether this processor runs AVX2, for the kernels compiled for AVX2 alone
// and called only where it does (small_sort_avx2.cc, dc_correlation.cc).
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FLEETOPT_X86_AVX2 1
namespace fleetopt::consolidate::detail {
// Inline: the overload tests ask it about a million times a simulated day,
// and a call to another translation unit cost ~1% of a MAD-MU day.
inline bool cpu_has_avx2() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}
}  // namespace fleetopt::consolidate::detail
#else
#define FLEETOPT_X86_AVX2 0
#endif
