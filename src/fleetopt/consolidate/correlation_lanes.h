// The vector type MC's R^2 kernels compute in (dc_correlation.cc's exact
// regressions four targets at a time, dc_correlation_shortcut.cc's
// Cholesky factor and inverse four rows at a time): GCC's and Clang's
// vector extension, four doubles, compiled for AVX2 or not by the function
// that inlines it. Internal to those two files.
#pragma once

namespace fleetopt::consolidate {

typedef double Lanes __attribute__((vector_size(32)));
typedef long long LanesMask __attribute__((vector_size(32)));  // a comparison's result: all ones where true
constexpr int kLanes = 4;

}  // namespace fleetopt::consolidate

#define FLEETOPT_LANES_INLINE __attribute__((always_inline)) inline
