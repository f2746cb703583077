#include "fleetopt/consolidate/dc_correlation.h"

#include <cmath>
#include <limits>
#include <vector>

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

std::int32_t max_correlation_row(const double* data, std::int32_t n, std::int32_t m) {
  std::int32_t best = 0;
  double best_r2 = std::numeric_limits<double>::denorm_min();
  for (std::int32_t i = 0; i < n; ++i) {
    const std::optional<double> r2 = r_squared(data, n, m, i);
    if (!r2) return -1;
    if (*r2 > best_r2) {
      best_r2 = *r2;
      best = i;
    }
  }
  return best;
}

}  // namespace fleetopt::consolidate
