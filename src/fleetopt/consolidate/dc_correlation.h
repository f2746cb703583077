// Maximum-correlation VM selection (Beloglazov & Buyya, CCPE 2012; CloudSim
// 4.0's PowerVmSelectionPolicyMaximumCorrelation): of the VMs on an
// overloaded host, migrate the one whose CPU history the others' histories
// explain best -- the highest multiple correlation, i.e. the R^2 of a
// least-squares regression (with intercept) of its history on theirs. A VM
// that moves in step with its neighbours is the one most likely to overload
// the host again together with them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace fleetopt::consolidate {

// R^2 of regressing row `target` of `data` (n rows of m samples, row-major)
// on the other n - 1 rows plus an intercept. nullopt where CloudSim's
// regression (commons-math's OLSMultipleLinearRegression) throws: fewer
// samples than coefficients (m < n), no other row (n < 2), or a design
// matrix whose Householder QR has an exactly zero diagonal entry. The
// arithmetic follows commons-math's order of operations (Householder QR,
// back substitution, residuals, the streaming second moment), so that near
// ties -- several R^2 within rounding of 1 when m is close to n -- fall as
// CloudSim's do.
std::optional<double> r_squared(const double* data, std::int32_t n, std::int32_t m, std::int32_t target);

// r_squared of every row into r2[0..n), each equal to the bit to what
// r_squared returns, or false if it fails for any row. Cost O(m n^3 / 3)
// rather than n separate O(m n^2) regressions: the regressions of rows i and
// i' > i share their first i + 1 design columns (the intercept, rows
// 0..i-1), and Householder QR transforms each column only by the
// reflections of the columns before it, so one decomposition of all rows in
// order is shared up to the column each regression leaves out; the rest of
// each regression runs four targets at a time, one per vector lane, each
// lane with the scalar order of operations. `scratch` is reused between
// calls.
bool r_squared_all(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                   std::vector<double>& scratch);

namespace detail {
// r_squared_all without AVX2 even where the processor has it (its tests).
bool r_squared_all_portable(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                            std::vector<double>& scratch);
}  // namespace detail

// The row with the highest R^2 (the first of equals; row 0 if none is
// positive, as CloudSim starts from Double.MIN_VALUE), or -1 if the
// regression fails for any row: CloudSim then falls back to minimum
// migration time for the whole choice. The same answer as the argmax of
// r_squared_all, found in O(m n^2 + n^3) from the correlation matrix when
// the design is well conditioned and the winner is ahead by more than 1e-6
// (rounding cannot reorder it); r_squared_all decides the rest.
std::int32_t max_correlation_row(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& r2,
                                 std::vector<double>& scratch);

// The Pearson correlation matrix of the n rows of `data` (n x n, row-major,
// symmetric), or false if a row is (near-)constant (then the shortcut does
// not apply). A subset of the rows has the submatrix as its own: a caller
// that drops rows one by one (the VMs leaving an overloaded host) computes
// it once.
bool correlation_matrix(const double* data, std::int32_t n, std::int32_t m, std::vector<double>& corr,
                        std::vector<double>& scratch);

// max_correlation_row with the rows' correlation matrix given (nullptr: the
// shortcut is not taken), in the rows' order; the same answer.
std::int32_t max_correlation_row(const double* data, std::int32_t n, std::int32_t m, const double* corr,
                                 std::vector<double>& r2, std::vector<double>& scratch);

// The inverse of a correlation matrix while its variables leave one at a
// time (the VMs leaving an overloaded host, six selections a host on
// average): the first selection pays the Cholesky factorisation and the
// full inverse, each later one an O(n^2) downdate instead of a fresh
// O(n^3) factorisation of the submatrix. Removing a variable only lowers
// the others' (C^-1)_ii and raises the Cholesky pivots, so the shortcut's
// guards, met by the whole matrix, hold for every submatrix. Each downdate
// adds an error of a few ulps of the largest entry (<= 1e4, by the guard)
// to each entry, ~1e-11 to each R^2, so after even 30 downdates the R^2
// are within ~1e-9 of the exact ones, as from a fresh factorisation, far
// inside the shortcut's 1e-6 margin.
class CorrelationInverse {
 public:
  // C: n x n, row-major. False where the shortcut does not apply (a
  // Cholesky pivot <= 1e-4, or n > 32).
  bool reset(const double* corr, std::int32_t n);
  // Variable j (0-based, in reset's order) leaves.
  void remove(std::int32_t j);
  bool present(std::int32_t j) const { return present_[static_cast<std::size_t>(j)] != 0; }
  // (C^-1)_jj over the variables present.
  double diagonal(std::int32_t j) const {
    return inv_[static_cast<std::size_t>(j) * static_cast<std::size_t>(n_) + static_cast<std::size_t>(j)];
  }

 private:
  std::int32_t n_ = 0;
  std::vector<double> inv_, diag_;
  std::vector<char> present_;
};

// max_correlation_row's shortcut for the variables rows (present in
// `inverse`, the rows' order), R^2_r = 1 - 1 / (C^-1)_{rows[r] rows[r]}:
// the winning index into rows, or -1 where the shortcut does not decide
// (then max_correlation_row decides).
std::int32_t max_correlation_row(const CorrelationInverse& inverse, const std::vector<std::int32_t>& rows,
                                 std::vector<double>& r2);

}  // namespace fleetopt::consolidate
