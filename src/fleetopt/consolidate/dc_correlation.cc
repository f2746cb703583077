#include "fleetopt/consolidate/dc_correlation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "fleetopt/consolidate/cpu_features.h"

#if FLEETOPT_X86_AVX2
#include <immintrin.h>
#endif

namespace fleetopt::consolidate {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

// Least squares of y on the columns of x by Householder QR. qrt holds x
// transposed (one row per column of x, m entries each) and is overwritten
// with the reflection vectors. Returns false if a diagonal entry of R is 0
// (commons-math's SingularMatrixException at its default threshold of 0).
bool householder_solve(std::vector<std::vector<double>>& qrt, std::vector<double> y, std::vector<double>& beta) {
  const std::size_t p = qrt.size(), m = y.size();
  std::vector<double> rdiag(p);
  for (std::size_t minor = 0; minor < p && minor < m; ++minor) {
    std::vector<double>& v = qrt[minor];
    double norm_sq = 0;
    for (std::size_t row = minor; row < m; ++row) norm_sq += v[row] * v[row];
    const double a = v[minor] > 0 ? -std::sqrt(norm_sq) : std::sqrt(norm_sq);
    rdiag[minor] = a;
    if (a == 0) continue;
    v[minor] -= a;
    for (std::size_t col = minor + 1; col < p; ++col) {
      std::vector<double>& c = qrt[col];
      double alpha = 0;
      for (std::size_t row = minor; row < m; ++row) alpha -= c[row] * v[row];
      alpha /= a * v[minor];
      for (std::size_t row = minor; row < m; ++row) c[row] -= alpha * v[row];
    }
  }
  for (double d : rdiag) {
    if (std::abs(d) <= 0) return false;
  }
  // Q^T y, then R beta = Q^T y by back substitution.
  for (std::size_t minor = 0; minor < p && minor < m; ++minor) {
    const std::vector<double>& v = qrt[minor];
    double dot = 0;
    for (std::size_t row = minor; row < m; ++row) dot += y[row] * v[row];
    dot /= rdiag[minor] * v[minor];
    for (std::size_t row = minor; row < m; ++row) y[row] += dot * v[row];
  }
  beta.assign(p, 0);
  for (std::size_t row = p; row-- > 0;) {
    y[row] /= rdiag[row];
    const double y_row = y[row];
    beta[row] = y_row;
    for (std::size_t i = 0; i < row; ++i) y[i] -= y_row * qrt[row][i];
  }
  return true;
}

}  // namespace

std::optional<double> r_squared(const double* data, std::int32_t n, std::int32_t m, std::int32_t target) {
  if (n < 2 || m < n) return std::nullopt;
  const double* y = data + ix(target) * ix(m);
  // Columns of the design: the intercept, then the other rows in order.
  std::vector<std::vector<double>> qrt;
  qrt.reserve(ix(n));
  qrt.emplace_back(ix(m), 1.0);
  for (std::int32_t j = 0; j < n; ++j) {
    if (j != target) qrt.emplace_back(data + ix(j) * ix(m), data + ix(j + 1) * ix(m));
  }
  const std::vector<std::vector<double>> x = qrt;
  std::vector<double> beta;
  if (!householder_solve(qrt, std::vector<double>(y, y + m), beta)) return std::nullopt;
  double ssr = 0;
  for (std::int32_t row = 0; row < m; ++row) {
    double fit = 0;
    for (std::size_t c = 0; c < x.size(); ++c) fit += x[c][ix(row)] * beta[c];
    const double r = y[row] - fit;
    ssr += r * r;
  }
  // Total sum of squares about the mean, accumulated as a running second
  // moment (commons-math's SecondMoment).
  double mean = 0, sst = 0;
  for (std::int32_t k = 0; k < m; ++k) {
    const double dev = y[k] - mean, step = dev / (k + 1);
    mean += step;
    sst += static_cast<double>(k) * dev * step;
  }
  return 1 - ssr / sst;
}

namespace {

// The decomposition's matrices are stored row-major (a row: one sample of
// every design column, padded), so that applying a reflection to the
// columns after it runs along contiguous memory, four columns per AVX2
// instruction; each column's arithmetic is unchanged (the same operations
// in the same order as one column at a time), so are its bits.

// One Householder reflection (commons-math's performHouseholderReflection)
// of the column at v (entries `stride` apart) at `minor`: the column becomes
// the reflection vector, copied into `out` (contiguous, rows minor..m-1);
// returns the diagonal entry of R.
double reflect_column(double* v, std::size_t stride, std::int32_t minor, std::int32_t m, double* out) {
  double norm_sq = 0;
  for (std::int32_t row = minor; row < m; ++row) norm_sq += v[ix(row) * stride] * v[ix(row) * stride];
  const double a = v[ix(minor) * stride] > 0 ? -std::sqrt(norm_sq) : std::sqrt(norm_sq);
  if (a != 0) v[ix(minor) * stride] -= a;
  for (std::int32_t row = minor; row < m; ++row) out[row] = v[ix(row) * stride];
  return a;
}

// Applies the reflection v (contiguous) at `minor` to kWidth columns from
// `first` of a row-major matrix (rows `stride` apart): each column's dot
// product with v sums its rows in order, then the column takes alpha v.
template <int kWidth>
void reflect_block(const double* __restrict v, double scale, std::int32_t minor, double* __restrict first,
                   std::size_t stride, std::int32_t m) {
  double acc[kWidth] = {};
  for (std::int32_t row = minor; row < m; ++row) {
    const double x = v[row];
    const double* r = first + ix(row) * stride;
    for (int q = 0; q < kWidth; ++q) acc[q] -= r[q] * x;
  }
  for (int q = 0; q < kWidth; ++q) acc[q] /= scale;  // alpha
  for (std::int32_t row = minor; row < m; ++row) {
    const double x = v[row];
    double* r = first + ix(row) * stride;
    for (int q = 0; q < kWidth; ++q) r[q] -= acc[q] * x;
  }
}

#if FLEETOPT_X86_AVX2
// reflect_block for up to 4 kRegs columns in AVX2 registers. Lanes past
// `count` read what lies there (the row's padding or columns no longer
// used) and get alpha = 0, so they are written back unchanged.
template <int kRegs>
__attribute__((target("avx2"))) void reflect_registers(const double* v, double scale, std::int32_t minor,
                                                         double* first, std::int32_t count, std::size_t stride,
                                                         std::int32_t m) {
  __m256d acc[kRegs];
  for (int g = 0; g < kRegs; ++g) acc[g] = _mm256_setzero_pd();
  for (std::int32_t row = minor; row < m; ++row) {
    const __m256d x = _mm256_set1_pd(v[row]);
    const double* r = first + ix(row) * stride;
    for (int g = 0; g < kRegs; ++g) acc[g] = _mm256_sub_pd(acc[g], _mm256_mul_pd(_mm256_loadu_pd(r + 4 * g), x));
  }
  const __m256d divisor = _mm256_set1_pd(scale);
  const __m256i lane = _mm256_set_epi64x(3, 2, 1, 0);
  for (int g = 0; g < kRegs; ++g) {
    const __m256i used = _mm256_cmpgt_epi64(_mm256_set1_epi64x(count - 4 * g), lane);
    acc[g] = _mm256_and_pd(_mm256_div_pd(acc[g], divisor), _mm256_castsi256_pd(used));  // alpha
  }
  for (std::int32_t row = minor; row < m; ++row) {
    const __m256d x = _mm256_set1_pd(v[row]);
    double* r = first + ix(row) * stride;
    for (int g = 0; g < kRegs; ++g) {
      _mm256_storeu_pd(r + 4 * g, _mm256_sub_pd(_mm256_loadu_pd(r + 4 * g), _mm256_mul_pd(acc[g], x)));
    }
  }
}

template <int... kRegs>
void reflect_registers_for(std::int32_t count, const double* v, double scale, std::int32_t minor, double* first,
                           std::size_t stride, std::int32_t m, std::integer_sequence<int, kRegs...>) {
  const int regs = (count + 3) / 4;
  ((regs == kRegs + 1 ? reflect_registers<kRegs + 1>(v, scale, minor, first, count, stride, m) : void()), ...);
}
#endif

// Columns a row holds beyond the design's (read, never changed, by the
// AVX2 path's last register).
constexpr std::size_t kRowPadding = 4;
// The AVX2 path keeps every column's sum in a register: up to 32 columns.
constexpr std::int32_t kMostRegisterColumns = 32;

// The reflection v (diagonal entry a) applied to `count` columns (scale =
// a x v[minor], as commons-math divides by).
void apply_reflection_to(const double* v, double a, std::int32_t minor, double* first, std::int32_t count,
                         std::size_t stride, std::int32_t m) {
  const double scale = a * v[minor];
#if FLEETOPT_X86_AVX2
  if (count <= kMostRegisterColumns && detail::cpu_has_avx2()) {
    reflect_registers_for(count, v, scale, minor, first, stride, m,
                          std::make_integer_sequence<int, kMostRegisterColumns / 4>{});
    return;
  }
#endif
  std::int32_t c = 0;
  for (; c + 8 <= count; c += 8) reflect_block<8>(v, scale, minor, first + c, stride, m);
  for (; c + 4 <= count; c += 4) reflect_block<4>(v, scale, minor, first + c, stride, m);
  for (; c < count; ++c) reflect_block<1>(v, scale, minor, first + c, stride, m);
}

// Four targets' regressions side by side, one per lane of a vector: lane
// L of every value below belongs to target row t_L = i + L (n - 1 for lanes
// past the last row, a copy whose result is dropped). Each lane does the
// scalar algorithm's operations in its order, so its bits are unchanged;
// the lanes share the dependent chains (norms, dot products, the back
// substitution's divisions, the running second moment) that bound a single
// regression's time. GCC's and Clang's vector extension: no Debian library
// runs several small least-squares problems in lock step.
typedef double Lanes __attribute__((vector_size(32)));
typedef long long LanesMask __attribute__((vector_size(32)));  // a comparison's result: all ones where true
constexpr int kLanes = 4;

#define FLEETOPT_LANES_INLINE __attribute__((always_inline)) inline

// The reflection in column p of the lanes' matrix w (rows of `cols`) at
// minor q applied to kCount columns from c: each column's dot product sums
// its rows in order, then the column takes alpha times the reflection.
template <int kCount>
FLEETOPT_LANES_INLINE void reflect_lanes(Lanes* w, std::int32_t cols, std::int32_t p, std::int32_t c,
                                         std::int32_t q, std::int32_t m, const Lanes& scale) {
  Lanes acc[kCount];
  for (int k = 0; k < kCount; ++k) acc[k] = Lanes{};
  for (std::int32_t row = q; row < m; ++row) {
    const Lanes* r = w + ix(row) * ix(cols);
    const Lanes x = r[p];
    for (int k = 0; k < kCount; ++k) acc[k] -= r[c + k] * x;
  }
  for (int k = 0; k < kCount; ++k) acc[k] /= scale;  // alpha
  for (std::int32_t row = q; row < m; ++row) {
    Lanes* r = w + ix(row) * ix(cols);
    const Lanes x = r[p];
    for (int k = 0; k < kCount; ++k) r[c + k] -= acc[k] * x;
  }
}

// The fit of kRows rows from row0 for every lane: 1 x beta_0, then x_j
// beta_q for the design's data rows j (all but the lane's target t_l) in
// order.
template <int kRows>
FLEETOPT_LANES_INLINE void fit_rows(const double* data, std::int32_t n, std::int32_t m, std::int32_t i,
                                    const std::int32_t* t, const Lanes* beta, std::int32_t row0, Lanes* fit) {
  Lanes f[kRows];
  for (int r = 0; r < kRows; ++r) f[r] = 1.0 * beta[0];
  // Before i every lane's q-th column is data row q - 1; after the last
  // target, row q; in between, per lane.
  const std::int32_t mixed_from = i + 1, mixed_to = std::min(t[kLanes - 1], n - 1);
  for (std::int32_t q = 1; q < mixed_from && q < n; ++q) {
    const double* x = data + ix(q - 1) * ix(m) + ix(row0);
    for (int r = 0; r < kRows; ++r) f[r] += x[r] * beta[q];
  }
  for (std::int32_t q = mixed_from; q <= mixed_to; ++q) {
    const double* x[kLanes];
    for (int l = 0; l < kLanes; ++l) x[l] = data + ix(q - 1 < t[l] ? q - 1 : q) * ix(m) + ix(row0);
    for (int r = 0; r < kRows; ++r) f[r] += Lanes{x[0][r], x[1][r], x[2][r], x[3][r]} * beta[q];
  }
  for (std::int32_t q = mixed_to + 1; q < n; ++q) {
    const double* x = data + ix(q) * ix(m) + ix(row0);
    for (int r = 0; r < kRows; ++r) f[r] += x[r] * beta[q];
  }
  for (int r = 0; r < kRows; ++r) fit[row0 + r] = f[r];
}

// The group of targets i..i+3 from the trunk after the reflections of
// minors 0..i (trunk: m rows of `width`, column 0 the intercept, column j+1
// data row j). Lane L's design at minors i+1..n-1 is trunk columns
// i+1..t_L (the trunk's own next reflections, which the lane repeats), then
// t_L+2..n; its y is trunk column t_L+1 and takes the same reflections as
// a column does (commons-math's Q^T y loop is the same arithmetic with the
// sign of its dot product flipped, which rounding does not see). `w`: m
// rows of n - i Lanes (design minors i+1..n-1, then y), 32-byte aligned;
// `lane_rdiag`, `beta`: n Lanes; `fit`: m Lanes. False if a diagonal entry
// of R is 0 for any lane (commons-math throws).
FLEETOPT_LANES_INLINE bool regress_lanes(const double* data, std::int32_t n, std::int32_t m, std::int32_t i,
                                         const double* trunk, std::size_t width, const double* rdiag, Lanes* w,
                                         Lanes* lane_rdiag, Lanes* beta, Lanes* fit, double* r2) {
  const std::int32_t cols = n - i, yc = cols - 1;  // Lanes per row of w; y's column
  std::int32_t t[kLanes];
  for (int l = 0; l < kLanes; ++l) t[l] = std::min(i + l, n - 1);
  // Minors past every lane's target are the same trunk column in all lanes.
  const std::int32_t mixed = std::min(yc, kLanes - 1);
  for (std::int32_t row = 0; row < m; ++row) {
    const double* tr = trunk + ix(row) * width;
    Lanes* out = w + ix(row) * ix(cols);
    for (std::int32_t p = 0; p < mixed; ++p) {
      const std::int32_t q = i + 1 + p;
      for (int l = 0; l < kLanes; ++l) out[p][l] = tr[q <= t[l] ? q : q + 1];
    }
    for (std::int32_t p = mixed; p < yc; ++p) {
      const double x = tr[i + 2 + p];
      out[p] = Lanes{x, x, x, x};
    }
    out[yc] = Lanes{tr[t[0] + 1], tr[t[1] + 1], tr[t[2] + 1], tr[t[3] + 1]};
  }
  const auto at = [&](std::int32_t row, std::int32_t p) -> Lanes& { return w[ix(row) * ix(cols) + ix(p)]; };
  // The targets' total sum of squares about the mean, as a running second
  // moment (commons-math's SecondMoment): a chain of divisions that only
  // needs the data, so it goes first, to overlap with the decomposition.
  const double* y[kLanes];
  for (int l = 0; l < kLanes; ++l) y[l] = data + ix(t[l]) * ix(m);
  Lanes mean = Lanes{}, sst = Lanes{};
  for (std::int32_t k = 0; k < m; ++k) {
    const Lanes dev = Lanes{y[0][k], y[1][k], y[2][k], y[3][k]} - mean, step = dev / static_cast<double>(k + 1);
    mean += step;
    sst += static_cast<double>(k) * dev * step;
  }
  for (std::int32_t q = i + 1; q < n; ++q) {
    const std::int32_t p = q - i - 1;
    Lanes norm_sq = Lanes{};
    for (std::int32_t row = q; row < m; ++row) norm_sq += at(row, p) * at(row, p);
    Lanes a;
    for (int l = 0; l < kLanes; ++l) {
      const double root = std::sqrt(norm_sq[l]);
      a[l] = at(q, p)[l] > 0 ? -root : root;
      if (a[l] == 0) return false;  // singular: commons-math throws
    }
    lane_rdiag[q] = a;
    at(q, p) -= a;
    const Lanes scale = a * at(q, p);
    // The reflection on every later column and y, up to eight columns at
    // a time (their sums in registers).
    std::int32_t c = p + 1;
    for (; c + 8 <= cols; c += 8) reflect_lanes<8>(w, cols, p, c, q, m, scale);
    switch (cols - c) {
      case 7: reflect_lanes<7>(w, cols, p, c, q, m, scale); break;
      case 6: reflect_lanes<6>(w, cols, p, c, q, m, scale); break;
      case 5: reflect_lanes<5>(w, cols, p, c, q, m, scale); break;
      case 4: reflect_lanes<4>(w, cols, p, c, q, m, scale); break;
      case 3: reflect_lanes<3>(w, cols, p, c, q, m, scale); break;
      case 2: reflect_lanes<2>(w, cols, p, c, q, m, scale); break;
      case 1: reflect_lanes<1>(w, cols, p, c, q, m, scale); break;
      default: break;
    }
  }
  // R beta = Q^T y, in y's column. Minors 0..i are the trunk's, shared.
  for (std::int32_t row = n; row-- > 0;) {
    Lanes& y_row = at(row, yc);
    if (row <= i) {
      y_row /= rdiag[row];
    } else {
      y_row /= lane_rdiag[row];
    }
    beta[row] = y_row;
    if (row <= i) {
      for (std::int32_t k = 0; k < row; ++k) at(k, yc) -= y_row * trunk[ix(k) * width + ix(row)];
    } else {
      for (std::int32_t k = 0; k < row; ++k) at(k, yc) -= y_row * at(k, row - i - 1);
    }
  }
  // Residuals against the original design: the intercept, then the rows
  // other than the lane's target, each row's fit summed in that order;
  // four rows at a time, their sums in registers.
  std::int32_t row = 0;
  for (; row + 4 <= m; row += 4) fit_rows<4>(data, n, m, i, t, beta, row, fit);
  for (; row < m; ++row) fit_rows<1>(data, n, m, i, t, beta, row, fit);
  Lanes ssr = Lanes{};
  for (std::int32_t k = 0; k < m; ++k) {
    const Lanes res = Lanes{y[0][k], y[1][k], y[2][k], y[3][k]} - fit[k];
    ssr += res * res;
  }
  const Lanes r = 1.0 - ssr / sst;
  for (int l = 0; l < kLanes && i + l < n; ++l) r2[i + l] = r[l];
  return true;
}

bool regress_lanes_portable(const double* data, std::int32_t n, std::int32_t m, std::int32_t i, const double* trunk,
                            std::size_t width, const double* rdiag, Lanes* w, Lanes* lane_rdiag, Lanes* beta,
                            Lanes* fit, double* r2) {
  return regress_lanes(data, n, m, i, trunk, width, rdiag, w, lane_rdiag, beta, fit, r2);
}

#if FLEETOPT_X86_AVX2
__attribute__((target("avx2"))) bool regress_lanes_avx2(const double* data, std::int32_t n, std::int32_t m,
                                                        std::int32_t i, const double* trunk, std::size_t width,
                                                        const double* rdiag, Lanes* w, Lanes* lane_rdiag,
                                                        Lanes* beta, Lanes* fit, double* r2) {
  return regress_lanes(data, n, m, i, trunk, width, rdiag, w, lane_rdiag, beta, fit, r2);
}
#endif

bool r_squared_all_with(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                        std::vector<double>& scratch, bool portable) {
  if (n < 2 || m < n) return false;
  const std::size_t mm = ix(m), cols = ix(n) + 1, width = cols + kRowPadding;
  // trunk: the intercept and every row, as columns (row-major, m rows of
  // `width`), after the reflections of minors 0..i; then rdiag, the
  // current reflection vector, and the lanes' storage (aligned for Lanes).
  const std::size_t lanes_doubles = kLanes * (mm * ix(n) + 2 * ix(n) + mm);
  scratch.resize(width * mm + cols + mm + lanes_doubles + kLanes);  // every entry read is written first
  double* trunk = scratch.data();
  double* rdiag = trunk + width * mm;
  double* refl = rdiag + cols;
  double* lanes_at = refl + mm;
  while (reinterpret_cast<std::uintptr_t>(lanes_at) % sizeof(Lanes) != 0) ++lanes_at;
  auto* w = reinterpret_cast<Lanes*>(lanes_at);
  Lanes* lane_rdiag = w + mm * ix(n);
  Lanes* beta = lane_rdiag + ix(n);
  Lanes* fit = beta + ix(n);
  for (std::size_t row = 0; row < mm; ++row) {
    double* t = trunk + row * width;
    t[0] = 1.0;
    for (std::size_t j = 0; j < ix(n); ++j) t[j + 1] = data[j * mm + row];
  }
  r2.assign(ix(n), 0);
  // Trunk reflection of column k (minor k), applied to columns k+1..n.
  auto advance = [&](std::int32_t k) {
    rdiag[ix(k)] = reflect_column(trunk + k, width, k, m, refl);
    if (rdiag[ix(k)] == 0) return false;  // every target from k on is singular
    apply_reflection_to(refl, rdiag[ix(k)], k, trunk + k + 1, static_cast<std::int32_t>(cols) - k - 1, width, m);
    return true;
  };
#if FLEETOPT_X86_AVX2
  const bool avx2 = !portable && detail::cpu_has_avx2();
#else
  (void)portable;
  constexpr bool avx2 = false;
#endif
  for (std::int32_t i = 0; i < n; i += kLanes) {
    // The trunk through minor i, shared by the group's targets.
    for (std::int32_t k = std::max(0, i - kLanes + 1); k <= i; ++k) {
      if (!advance(k)) return false;
    }
#if FLEETOPT_X86_AVX2
    if (avx2) {
      if (!regress_lanes_avx2(data, n, m, i, trunk, width, rdiag, w, lane_rdiag, beta, fit, r2.data())) return false;
      continue;
    }
#endif
    if (!regress_lanes_portable(data, n, m, i, trunk, width, rdiag, w, lane_rdiag, beta, fit, r2.data())) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool r_squared_all(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                   std::vector<double>& scratch) {
  return r_squared_all_with(data, n, m, r2, scratch, false);
}

namespace detail {
bool r_squared_all_portable(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                            std::vector<double>& scratch) {
  return r_squared_all_with(data, n, m, r2, scratch, true);
}
}  // namespace detail

bool correlation_matrix(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& corr,
                        std::vector<double>& scratch) {
  const std::size_t nn = ix(n), mm = ix(m);
  scratch.resize(nn * mm + nn);
  corr.resize(nn * nn);
  double* centred = scratch.data();
  double* norm = centred + nn * mm;
  double* c = corr.data();
  for (std::size_t i = 0; i < nn; ++i) {
    double mean = 0;
    for (std::size_t k = 0; k < mm; ++k) mean += data[i * mm + k];
    mean /= static_cast<double>(m);
    double ss = 0;
    for (std::size_t k = 0; k < mm; ++k) {
      const double x = data[i * mm + k] - mean;
      centred[i * mm + k] = x;
      ss += x * x;
    }
    if (!(ss > 1e-12 * static_cast<double>(m))) return false;  // (near-)constant history
    norm[i] = std::sqrt(ss);
  }
  for (std::size_t i = 0; i < nn; ++i) {
    const double* xi = centred + i * mm;
    std::size_t j = 0;
    for (; j + 4 <= i + 1; j += 4) {  // four dot products at once: independent sums overlap
      const double* x0 = centred + j * mm;
      double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (std::size_t k = 0; k < mm; ++k) {
        d0 += xi[k] * x0[k];
        d1 += xi[k] * x0[mm + k];
        d2 += xi[k] * x0[2 * mm + k];
        d3 += xi[k] * x0[3 * mm + k];
      }
      c[i * nn + j] = d0 / (norm[i] * norm[j]);
      c[i * nn + j + 1] = d1 / (norm[i] * norm[j + 1]);
      c[i * nn + j + 2] = d2 / (norm[i] * norm[j + 2]);
      c[i * nn + j + 3] = d3 / (norm[i] * norm[j + 3]);
    }
    for (; j <= i; ++j) {
      const double* xj = centred + j * mm;
      double even = 0, odd = 0;  // two sums overlap
      std::size_t k = 0;
      for (; k + 2 <= mm; k += 2) {
        even += xi[k] * xj[k];
        odd += xi[k + 1] * xj[k + 1];
      }
      if (k < mm) even += xi[k] * xj[k];
      c[i * nn + j] = (even + odd) / (norm[i] * norm[j]);
    }
  }
  for (std::size_t i = 0; i < nn; ++i) {
    for (std::size_t j = i + 1; j < nn; ++j) c[i * nn + j] = c[j * nn + i];
  }
  return true;
}

namespace {

// Row i of L^-1 is (e_i - sum_{k<i} L_ik (row k of L^-1)) / L_ii:
// contiguous multiply-subtracts over rows already solved, with no chain
// from one entry to the next. diag: the sums of squares of its columns.
// (recip: 1 / L_kk; inv: n x n workspace.)
void inverse_diagonal(const double* l, const double* recip, std::size_t nn, double* inv, double* diag) {
  std::fill(diag, diag + nn, 0.0);
  for (std::size_t i = 0; i < nn; ++i) {
    double* row = inv + i * nn;
    std::fill(row, row + i + 1, 0.0);
    row[i] = 1;
    const double* li = l + i * nn;
    for (std::size_t k = 0; k < i; ++k) {
      const double f = li[k];
      const double* prev = inv + k * nn;
      for (std::size_t j = 0; j <= k; ++j) row[j] -= f * prev[j];
    }
    for (std::size_t j = 0; j <= i; ++j) {
      row[j] *= recip[i];
      diag[j] += row[j] * row[j];
    }
  }
}

// The Cholesky factor L of C (n <= 4 kRows, row-major n x n) and the
// diagonal of C^-1 as the column sums of squares of L^-1, each column of L
// and each row of L^-1 being computed in kRows vector registers (four rows
// or columns a register), so each multiply-subtract is one register
// operation rather than a load and a store. The same arithmetic as the
// scalar loops below (each entry's terms in the same order). False for a
// pivot <= 1e-4.
template <int kRows>
FLEETOPT_LANES_INLINE bool inverse_diagonal_rows(const double* corr, std::int32_t n, double* diag,
                                                 double* full = nullptr) {
  const auto nn = ix(n);
  Lanes lc[kLanes * kRows * kRows];   // column k of L: lc[k kRows ..], zero above the diagonal
  Lanes inv[kLanes * kRows * kRows];  // row i of L^-1: inv[i kRows ..], zero past the diagonal
  double recip[kLanes * kRows];
  const auto entry = [&](const Lanes* v, std::size_t i) { return v[i / kLanes][i % kLanes]; };
  LanesMask index[kRows];  // each lane's row
  for (int g = 0; g < kRows; ++g) {
    for (int l = 0; l < kLanes; ++l) index[g][l] = g * kLanes + l;
  }
  for (std::size_t j = 0; j < nn; ++j) {
    double padded[kLanes * kRows];  // C is symmetric: column j = row j
    std::copy_n(corr + j * nn, nn, padded);
    std::fill(padded + nn, padded + kLanes * kRows, 0.0);
    Lanes col[kRows];
    std::memcpy(col, padded, sizeof col);
    for (std::size_t k = 0; k < j; ++k) {
      const Lanes* lk = lc + k * kRows;
      const double f = entry(lk, j);
      for (int g = 0; g < kRows; ++g) col[g] -= lk[g] * f;
    }
    const double d = entry(col, j);
    if (!(d > 1e-4)) return false;  // then some R^2 > 1 - 1e-4 anyway
    const double l = std::sqrt(d);
    recip[j] = 1 / l;
    for (int g = 0; g < kRows; ++g) {  // rows up to j zeroed: L_jj is only used as recip
      const LanesMask below = index[g] > static_cast<long long>(j);
      lc[j * kRows + ix(g)] = (Lanes)((LanesMask)(col[g] / l) & below);
    }
  }
  Lanes sums[kRows];
  for (int g = 0; g < kRows; ++g) sums[g] = Lanes{};
  for (std::size_t i = 0; i < nn; ++i) {
    Lanes row[kRows];
    for (int g = 0; g < kRows; ++g) row[g] = Lanes{};
    row[i / kLanes][i % kLanes] = 1;
    for (std::size_t k = 0; k < i; ++k) {
      const double f = entry(lc + k * kRows, i);  // L_ik
      const Lanes* prev = inv + k * kRows;
      for (int g = 0; g < kRows; ++g) row[g] -= f * prev[g];
    }
    for (int g = 0; g < kRows; ++g) {
      row[g] *= recip[i];
      inv[i * kRows + ix(g)] = row[g];
      sums[g] += row[g] * row[g];
    }
  }
  for (std::size_t j = 0; j < nn; ++j) diag[j] = entry(sums, j);
  if (full != nullptr) {
    // C^-1 = L^-T L^-1: row i is the sum over k >= i of (L^-1)_ki times row
    // k of L^-1 (rows of L^-1 are zero past their diagonal).
    for (std::size_t i = 0; i < nn; ++i) {
      Lanes acc[kRows];
      for (int g = 0; g < kRows; ++g) acc[g] = Lanes{};
      for (std::size_t k = i; k < nn; ++k) {
        const double f = entry(inv + k * kRows, i);
        for (int g = 0; g < kRows; ++g) acc[g] += f * inv[k * kRows + ix(g)];
      }
      double padded[kLanes * kRows];
      std::memcpy(padded, acc, sizeof padded);
      std::copy_n(padded, nn, full + i * nn);
    }
  }
  return true;
}

template <int... kRows>
FLEETOPT_LANES_INLINE bool inverse_diagonal_dispatch(const double* corr, std::int32_t n, double* diag, double* full,
                                                     std::integer_sequence<int, kRows...>) {
  const int rows = (n + kLanes - 1) / kLanes;
  bool ok = false;
  ((rows == kRows + 1 ? (ok = inverse_diagonal_rows<kRows + 1>(corr, n, diag, full)) : false), ...);
  return ok;
}

constexpr int kMostLanesRows = 8;  // up to 32 VMs

bool inverse_diagonal_lanes_portable(const double* corr, std::int32_t n, double* diag, double* full = nullptr) {
  return inverse_diagonal_dispatch(corr, n, diag, full, std::make_integer_sequence<int, kMostLanesRows>{});
}

#if FLEETOPT_X86_AVX2
__attribute__((target("avx2"))) bool inverse_diagonal_lanes_avx2(const double* corr, std::int32_t n, double* diag,
                                                                 double* full = nullptr) {
  return inverse_diagonal_dispatch(corr, n, diag, full, std::make_integer_sequence<int, kMostLanesRows>{});
}
#endif

// The R^2 of every row from the correlation matrix C of the rows (centred
// and scaled): regressing centred row i on the other centred rows leaves a
// residual sum of squares of 1 / (G^-1)_ii for the Gram matrix G, so
// R^2_i = 1 - 1 / (C_ii (C^-1)_ii) = 1 - 1 / (C^-1)_ii -- an O(n^3) pass
// (plus O(m n^2) for C) instead of the O(m n^3) decompositions. Rounding
// differs from commons-math's, so it only decides where that cannot matter:
// false (use the exact path) for a non-positive Cholesky pivot or any R^2
// above 1 - 1e-4 (then C may be too ill-conditioned for the bound below).
// Otherwise trace(C^-1) = sum 1 / (1 - R^2_i) <= n 1e4, so C's condition
// number is below n^2 1e4 <= 1e7 and every R^2 here is within ~1e-9 of the
// exact one.
bool r_squared_from_correlation(const double* corr, std::int32_t n, std::vector<double>& r2,
                                std::vector<double>& scratch) {
  const std::size_t nn = ix(n);
  scratch.resize(2 * nn * nn + 2 * nn);
  double* c = scratch.data();      // C, then its Cholesky factor L (lower)
  double* inv = c + nn * nn;       // L^-1 (lower), row by row
  double* diag = inv + nn * nn;    // (C^-1)_jj, summed over the rows of L^-1
  double* recip = diag + nn;       // 1 / L_kk
  if (nn <= kMostLanesRows * kLanes) {
#if FLEETOPT_X86_AVX2
    const bool ok = detail::cpu_has_avx2() ? inverse_diagonal_lanes_avx2(corr, n, diag)
                                           : inverse_diagonal_lanes_portable(corr, n, diag);
#else
    const bool ok = inverse_diagonal_lanes_portable(corr, n, diag);
#endif
    if (!ok) return false;
  } else {
    std::copy(corr, corr + nn * nn, c);
    for (std::size_t j = 0; j < nn; ++j) {  // Cholesky, in place, lower triangle
      const double* lj = c + j * nn;
      double d = lj[j];
      for (std::size_t k = 0; k < j; ++k) d -= lj[k] * lj[k];
      if (!(d > 1e-4)) return false;  // then some R^2 > 1 - 1e-4 anyway
      const double l = std::sqrt(d);
      c[j * nn + j] = l;
      recip[j] = 1 / l;
      std::size_t i = j + 1;
      for (; i + 4 <= nn; i += 4) {  // four rows at once: independent sums overlap
        double* l0 = c + i * nn;
        double *l1 = l0 + nn, *l2 = l1 + nn, *l3 = l2 + nn;
        double x0 = l0[j], x1 = l1[j], x2 = l2[j], x3 = l3[j];
        for (std::size_t k = 0; k < j; ++k) {
          x0 -= l0[k] * lj[k];
          x1 -= l1[k] * lj[k];
          x2 -= l2[k] * lj[k];
          x3 -= l3[k] * lj[k];
        }
        l0[j] = x0 / l;
        l1[j] = x1 / l;
        l2[j] = x2 / l;
        l3[j] = x3 / l;
      }
      for (; i < nn; ++i) {
        double x = c[i * nn + j];
        for (std::size_t k = 0; k < j; ++k) x -= c[i * nn + k] * lj[k];
        c[i * nn + j] = x / l;
      }
    }
    // (C^-1)_jj = sum_i (L^-1)_ij^2.
    inverse_diagonal(c, recip, nn, inv, diag);
  }
  r2.assign(nn, 0);
  for (std::size_t j = 0; j < nn; ++j) {
    r2[j] = 1 - 1 / diag[j];
    if (r2[j] > 1 - 1e-4) return false;
  }
  return true;
}

// The shortcut's choice from R^2 values (in the rows' order): the first
// best, if ahead of the runner-up by more than 1e-6 and above 1e-6; else -1.
std::int32_t clear_winner(const std::vector<double>& r2) {
  std::int32_t best = 0;
  double first = r2[0], second = -1;
  for (std::size_t i = 1; i < r2.size(); ++i) {
    if (r2[i] > first) {
      second = first;
      first = r2[i];
      best = static_cast<std::int32_t>(i);
    } else {
      second = std::max(second, r2[i]);
    }
  }
  return first > 1e-6 && first - second > 1e-6 ? best : -1;
}

}  // namespace

bool CorrelationInverse::reset(const double* corr, std::int32_t n) {
  n_ = n;
  present_.assign(ix(n), 1);
  inv_.resize(ix(n) * ix(n));
  diag_.resize(ix(n));
  if (n < 1 || n > kMostLanesRows * kLanes) return false;
#if FLEETOPT_X86_AVX2
  return detail::cpu_has_avx2() ? inverse_diagonal_lanes_avx2(corr, n, diag_.data(), inv_.data())
                                : inverse_diagonal_lanes_portable(corr, n, diag_.data(), inv_.data());
#else
  return inverse_diagonal_lanes_portable(corr, n, diag_.data(), inv_.data());
#endif
}

void CorrelationInverse::remove(std::int32_t j) {
  // The inverse of the matrix without row and column j: with C^-1 =
  // [[A, b], [b', c]] (j last), it is A - b b' / c (a Schur complement).
  const std::size_t nn = ix(n_), jj = ix(j);
  const double* row_j = inv_.data() + jj * nn;
  const double c = row_j[jj];
  for (std::size_t a = 0; a < nn; ++a) {
    if (a == jj || !present_[a]) continue;
    double* row_a = inv_.data() + a * nn;
    const double f = row_a[jj] / c;
    for (std::size_t b = 0; b < nn; ++b) row_a[b] -= f * row_j[b];
  }
  present_[jj] = 0;
}

std::int32_t max_correlation_row(const CorrelationInverse& inverse, const std::vector<std::int32_t>& rows,
                                 std::vector<double>& r2) {
  if (rows.size() < 2) return -1;
  r2.resize(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    r2[r] = 1 - 1 / inverse.diagonal(rows[r]);
    if (!(r2[r] <= 1 - 1e-4)) return -1;  // the guard of r_squared_from_correlation
  }
  return clear_winner(r2);
}

std::int32_t max_correlation_row(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                                 std::vector<double>& scratch) {
  if (n < 2 || m <= n) return max_correlation_row(data, n, m, nullptr, r2, scratch);
  std::vector<double> corr;
  const bool ok = correlation_matrix(data, n, m, corr, scratch);
  return max_correlation_row(data, n, m, ok ? corr.data() : nullptr, r2, scratch);
}

std::int32_t max_correlation_row(const double* data, std::int32_t n, std::int32_t m, const double* corr,
                                 std::vector<double>& r2, std::vector<double>& scratch) {
  if (n < 2 || m < n) return -1;
  // Fast path: a clear winner (ahead of the runner-up by far more than the
  // fast R^2's error) is CloudSim's winner too, and a well-conditioned
  // design makes none of CloudSim's regressions throw.
  if (m > n && corr != nullptr && r_squared_from_correlation(corr, n, r2, scratch)) {
    if (const std::int32_t best = clear_winner(r2); best >= 0) return best;
  }
  // Near ties, no positive R^2 or an ill-conditioned design: every R^2 as
  // commons-math computes it.
  if (!r_squared_all(data, n, m, r2, scratch)) return -1;
  std::int32_t best = 0;
  double best_r2 = std::numeric_limits<double>::denorm_min();
  for (std::int32_t i = 0; i < n; ++i) {
    if (r2[ix(i)] > best_r2) {
      best_r2 = r2[ix(i)];
      best = i;
    }
  }
  return best;
}

}  // namespace fleetopt::consolidate
