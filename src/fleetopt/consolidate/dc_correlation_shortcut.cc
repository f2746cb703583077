// MC's fast path: each VM's R^2 from the correlation matrix of the VMs'
// histories (R^2_i = 1 - 1 / (C^-1)_ii), its inverse kept and downdated
// while VMs leave a host, and the choice it can make safely; the exact
// regressions (dc_correlation.cc) decide the rest. Declared in
// dc_correlation.h.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "fleetopt/consolidate/correlation_lanes.h"
#include "fleetopt/consolidate/cpu_features.h"
#include "fleetopt/consolidate/dc_correlation.h"

namespace fleetopt::consolidate {
namespace {
std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }
}  // namespace

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
