#include "fleetopt/consolidate/dc_correlation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "fleetopt/consolidate/correlation_lanes.h"
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
// regression's time. GCC's and Clang's vector extension (correlation_lanes.h):
// no Debian library runs several small least-squares problems in lock step.
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

}  // namespace fleetopt::consolidate
