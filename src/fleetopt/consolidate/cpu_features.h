// Whether this processor runs AVX2, for the kernels compiled for AVX2 alone
// and called only where it does (small_sort_avx2.cc, dc_correlation.cc).
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FLEETOPT_X86_AVX2 1
namespace fleetopt::consolidate::detail {
bool cpu_has_avx2();  // small_sort_avx2.cc
}  // namespace fleetopt::consolidate::detail
#else
#define FLEETOPT_X86_AVX2 0
#endif
