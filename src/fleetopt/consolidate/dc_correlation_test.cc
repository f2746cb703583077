// Maximum-correlation selection: the regression against textbook formulas,
// the cases where CloudSim's regression throws, and MC choosing another VM
// than MMT on an overloaded host.
#include "fleetopt/consolidate/dc_correlation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

// Squared Pearson correlation: R^2 of a regression on one predictor.
double pearson_sq(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy * sxy / (sxx * syy);
}

TEST(MaxCorrelation, OnePredictorIsThePearsonCorrelationSquared) {
  const std::vector<double> a = {0.2, 0.5, 0.3, 0.7, 0.4, 0.9, 0.1};
  const std::vector<double> b = {0.6, 0.3, 0.9, 0.2, 0.8, 1.0, 0.4};
  std::vector<double> data = a;
  data.insert(data.end(), b.begin(), b.end());
  const double expected = pearson_sq(a, b);
  ASSERT_GT(expected, 0.01);
  EXPECT_NEAR(*r_squared(data.data(), 2, 7, 0), expected, 1e-12);
  EXPECT_NEAR(*r_squared(data.data(), 2, 7, 1), expected, 1e-12);
}

TEST(MaxCorrelation, ExactLinearCombinationIsExplainedFully) {
  // row 2 = 2 row0 - row1 + 3; rows 0 and 1 are not linear in each other.
  std::vector<double> r0 = {1, 4, 2, 8, 5, 7}, r1 = {3, 1, 4, 1, 5, 9}, r2;
  for (std::size_t i = 0; i < r0.size(); ++i) r2.push_back(2 * r0[i] - r1[i] + 3);
  std::vector<double> data = r0;
  data.insert(data.end(), r1.begin(), r1.end());
  data.insert(data.end(), r2.begin(), r2.end());
  EXPECT_NEAR(*r_squared(data.data(), 3, 6, 2), 1.0, 1e-12);
  EXPECT_NEAR(*r_squared(data.data(), 3, 6, 0), 1.0, 1e-12);  // row0 = (row2 + row1 - 3) / 2
}

TEST(MaxCorrelation, NoRegressionWhereCloudSimsThrows) {
  std::vector<double> data = {0.1, 0.2, 0.4, 0.3, 0.3, 0.1, 0.9, 0.5, 0.5, 0.6, 0.2, 0.8};
  EXPECT_FALSE(r_squared(data.data(), 1, 12, 0));             // no other VM
  EXPECT_TRUE(r_squared(data.data(), 3, 4, 0).has_value());  // 4 samples, 3 coefficients
  EXPECT_FALSE(r_squared(data.data(), 4, 3, 0));              // 3 samples, 4 coefficients
  std::vector<double> r2, scratch;
  EXPECT_EQ(max_correlation_row(data.data(), 4, 3, r2, scratch), -1);
  // A VM whose history is all zero is a zero column: a singular design.
  std::vector<double> zero = {0.1, 0.2, 0.4, 0.3, 0, 0, 0, 0, 0.9, 0.5, 0.5, 0.6};
  EXPECT_FALSE(r_squared(zero.data(), 3, 4, 0));
  EXPECT_EQ(max_correlation_row(zero.data(), 3, 4, r2, scratch), -1);
}

// The shared decomposition gives every row's R^2 to the bit, including on
// hosts with all-zero, constant or duplicated histories and with as many
// VMs as samples (where rounding decides between R^2 values near 1).
TEST(MaxCorrelation, SharedDecompositionEqualsOneRegressionPerRow) {
  Rng rng(11);
  std::vector<double> r2, scratch;
  int compared = 0, failed = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const auto n = static_cast<std::int32_t>(2 + rng.below(9));
    const auto m = static_cast<std::int32_t>(n + rng.below(static_cast<std::uint64_t>(31 - n)));
    std::vector<double> data;
    for (std::int32_t i = 0; i < n; ++i) {
      const double kind = rng.uniform();
      for (std::int32_t k = 0; k < m; ++k) {
        double x = static_cast<double>(rng.below(101)) / 100;
        if (trial % 3 == 0 && kind < 0.2) x = 0;
        if (trial % 3 == 1 && kind < 0.2) x = 0.25;
        if (trial % 3 == 2 && kind < 0.3 && i > 0) x = data[static_cast<std::size_t>(k)];
        data.push_back(x);
      }
    }
    bool any_failed = false;
    std::vector<double> expected;
    for (std::int32_t i = 0; i < n; ++i) {
      const std::optional<double> one = r_squared(data.data(), n, m, i);
      any_failed = any_failed || !one;
      expected.push_back(one.value_or(0));
    }
    // Scratch full of NaN: an entry read before it is written would show.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    scratch.assign(40000, nan);
    ASSERT_EQ(r_squared_all(data.data(), n, m, r2, scratch), !any_failed) << "trial " << trial;
    std::vector<double> portable;
    scratch.assign(40000, nan);
    ASSERT_EQ(detail::r_squared_all_portable(data.data(), n, m, portable, scratch), !any_failed) << "trial " << trial;
    if (any_failed) {
      ++failed;
      continue;
    }
    for (std::int32_t i = 0; i < n; ++i) {
      const auto row = static_cast<std::size_t>(i);
      ASSERT_EQ(std::memcmp(&r2[row], &expected[row], sizeof(double)), 0)
          << "trial " << trial << " row " << i << ": " << r2[row] << " vs " << expected[row];
      ASSERT_EQ(std::memcmp(&portable[row], &expected[row], sizeof(double)), 0)
          << "portable, trial " << trial << " row " << i;
      ++compared;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(failed, 50);  // the degenerate cases were exercised
}

// Hosts as full as the history is long (n = m = 30, where the choice is
// rounding noise) and larger designs than a host has (more than 32 columns:
// the portable reflection instead of the AVX2 one): still the same bits.
// Both tests also run the four-target lanes without AVX2.
TEST(MaxCorrelation, SharedDecompositionEqualsOneRegressionPerRowOnLargeDesigns) {
  Rng rng(12);
  std::vector<double> r2, scratch;
  int compared = 0;
  for (int trial = 0; trial < 24; ++trial) {
    const auto n = static_cast<std::int32_t>(trial < 8 ? 30 : 26 + rng.below(15));
    const auto m = static_cast<std::int32_t>(trial < 8 ? 30 : n + rng.below(6));
    std::vector<double> data;
    for (std::int32_t i = 0; i < n * m; ++i) data.push_back(static_cast<double>(rng.below(101)) / 100);
    std::vector<double> expected;
    bool any_failed = false;
    for (std::int32_t i = 0; i < n; ++i) {
      const std::optional<double> one = r_squared(data.data(), n, m, i);
      any_failed = any_failed || !one;
      expected.push_back(one.value_or(0));
    }
    ASSERT_EQ(r_squared_all(data.data(), n, m, r2, scratch), !any_failed) << "trial " << trial;
    std::vector<double> portable;
    ASSERT_EQ(detail::r_squared_all_portable(data.data(), n, m, portable, scratch), !any_failed) << "trial " << trial;
    if (any_failed) continue;
    for (std::int32_t i = 0; i < n; ++i) {
      const auto row = static_cast<std::size_t>(i);
      ASSERT_EQ(std::memcmp(&r2[row], &expected[row], sizeof(double)), 0)
          << "trial " << trial << " n " << n << " m " << m << " row " << i;
      ASSERT_EQ(std::memcmp(&portable[row], &expected[row], sizeof(double)), 0)
          << "portable, trial " << trial << " n " << n << " m " << m << " row " << i;
      ++compared;
    }
  }
  EXPECT_GT(compared, 500);
}

// CloudSim's rule on the exact R^2 values: the first row strictly above
// Double.MIN_VALUE and every earlier maximum; -1 if any regression throws.
std::int32_t exact_choice(const std::vector<double>& data, std::int32_t n, std::int32_t m) {
  std::vector<double> r2, scratch;
  if (!r_squared_all(data.data(), n, m, r2, scratch)) return -1;
  std::int32_t best = 0;
  double best_r2 = std::numeric_limits<double>::denorm_min();
  for (std::int32_t i = 0; i < n; ++i) {
    if (r2[static_cast<std::size_t>(i)] > best_r2) {
      best_r2 = r2[static_cast<std::size_t>(i)];
      best = i;
    }
  }
  return best;
}

// The correlation-matrix shortcut picks what the exact regressions pick:
// on noisy hosts (the shortcut decides), hosts with a VM that nearly copies
// another (the exact path decides) and hosts with as many VMs as samples.
TEST(MaxCorrelation, ShortcutChoosesAsTheExactRegressions) {
  Rng rng(5);
  std::vector<double> r2, scratch;
  for (int trial = 0; trial < 3000; ++trial) {
    const auto n = static_cast<std::int32_t>(2 + rng.below(25));
    const auto m = trial % 10 == 0 ? n : static_cast<std::int32_t>(30);
    if (m < n) continue;
    std::vector<double> data;
    for (std::int32_t i = 0; i < n; ++i) {
      for (std::int32_t k = 0; k < m; ++k) {
        double x = static_cast<double>(rng.below(101)) / 100;
        if (trial % 7 == 1 && i == n - 1) x = std::min(1.0, data[static_cast<std::size_t>(k)] + 0.01 * (k % 2));
        data.push_back(x);
      }
    }
    ASSERT_EQ(max_correlation_row(data.data(), n, m, r2, scratch), exact_choice(data, n, m))
        << "trial " << trial << " n=" << n << " m=" << m;
  }
}

// n0 VMs' histories of m samples on a 1% grid; with copy_last, the last VM
// nearly copies the first (the exact path then decides).
std::vector<double> host_histories(Rng& rng, std::int32_t n0, std::int32_t m, bool copy_last) {
  std::vector<double> data;
  for (std::int32_t i = 0; i < n0; ++i) {
    for (std::int32_t k = 0; k < m; ++k) {
      double x = static_cast<double>(rng.below(101)) / 100;
      if (copy_last && i == n0 - 1) x = std::min(1.0, data[static_cast<std::size_t>(k)] + 0.01 * (k % 2));
      data.push_back(x);
    }
  }
  return data;
}

// The histories of `rows` (in that order) and their correlation matrix, the
// submatrix of corr (n0 x n0).
void take_rows(const std::vector<double>& data, const std::vector<double>& corr, std::int32_t n0, std::int32_t m,
               const std::vector<std::int32_t>& rows, std::vector<double>& sub, std::vector<double>& sub_corr) {
  sub.clear();
  sub_corr.assign(rows.size() * rows.size(), 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto from = static_cast<std::size_t>(rows[r]) * static_cast<std::size_t>(m);
    sub.insert(sub.end(), data.begin() + static_cast<std::ptrdiff_t>(from),
               data.begin() + static_cast<std::ptrdiff_t>(from + static_cast<std::size_t>(m)));
    for (std::size_t q = 0; q < rows.size(); ++q) {
      sub_corr[r * rows.size() + q] =
          corr[static_cast<std::size_t>(rows[r]) * static_cast<std::size_t>(n0) + static_cast<std::size_t>(rows[q])];
    }
  }
}

// A subset of the rows, with the submatrix of the superset's correlation
// matrix given (as the policy does while VMs leave a host one by one),
// chooses as the exact regressions on that subset do.
TEST(MaxCorrelation, SubmatrixOfAKeptCorrelationMatrixChoosesAsTheExactRegressions) {
  Rng rng(9);
  std::vector<double> r2, scratch, corr, sub_corr;
  int decided_by_subsets = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const auto n0 = static_cast<std::int32_t>(4 + rng.below(22));
    const std::int32_t m = 30;
    const std::vector<double> data = host_histories(rng, n0, m, trial % 5 == 1);
    ASSERT_TRUE(correlation_matrix(data.data(), n0, m, corr, scratch));
    // Drop rows one at a time, from random places, down to two.
    std::vector<std::int32_t> rows(static_cast<std::size_t>(n0));
    for (std::int32_t i = 0; i < n0; ++i) rows[static_cast<std::size_t>(i)] = i;
    while (rows.size() >= 2) {
      const auto n = static_cast<std::int32_t>(rows.size());
      std::vector<double> sub;
      take_rows(data, corr, n0, m, rows, sub, sub_corr);
      ASSERT_EQ(max_correlation_row(sub.data(), n, m, sub_corr.data(), r2, scratch), exact_choice(sub, n, m))
          << "trial " << trial << " n=" << n;
      if (n < n0) ++decided_by_subsets;
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(rng.below(rows.size())));
    }
  }
  EXPECT_GT(decided_by_subsets, 3000);
}

// The kept inverse, downdated as rows leave in random order (with the
// list's order shuffled, as a host's VM list is by removals), decides only
// where the exact regressions agree, matches a fresh factorisation's
// diagonal to 1e-9, and decides most subsets.
TEST(MaxCorrelation, DowndatedInverseChoosesAsTheExactRegressions) {
  Rng rng(13);
  std::vector<double> r2, scratch, corr, sub_corr;
  int decided = 0, subsets = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const auto n0 = static_cast<std::int32_t>(4 + rng.below(22));
    const std::int32_t m = 30;
    const std::vector<double> data = host_histories(rng, n0, m, trial % 5 == 1);
    ASSERT_TRUE(correlation_matrix(data.data(), n0, m, corr, scratch));
    CorrelationInverse inverse;
    if (!inverse.reset(corr.data(), n0)) continue;  // ill-conditioned: max_correlation_row decides
    std::vector<std::int32_t> rows(static_cast<std::size_t>(n0));
    for (std::int32_t i = 0; i < n0; ++i) rows[static_cast<std::size_t>(i)] = i;
    while (rows.size() >= 2) {
      const auto n = static_cast<std::int32_t>(rows.size());
      std::vector<double> sub;
      take_rows(data, corr, n0, m, rows, sub, sub_corr);
      // A fresh inverse of the submatrix: the same diagonal, to rounding.
      CorrelationInverse fresh;
      if (fresh.reset(sub_corr.data(), n)) {
        for (std::int32_t r = 0; r < n; ++r) {
          const double a = inverse.diagonal(rows[static_cast<std::size_t>(r)]), b = fresh.diagonal(r);
          ASSERT_NEAR(a, b, 1e-9 * std::max(1.0, b)) << "trial " << trial << " n=" << n;
        }
      }
      const std::int32_t row = max_correlation_row(inverse, rows, r2);
      if (row >= 0) {
        ASSERT_EQ(row, exact_choice(sub, n, m)) << "trial " << trial << " n=" << n;
        ++decided;
      }
      ++subsets;
      const std::size_t leaving = static_cast<std::size_t>(rng.below(rows.size()));
      inverse.remove(rows[leaving]);
      rows[leaving] = rows.back();  // as a slot list erases: the last takes the place
      rows.pop_back();
    }
  }
  EXPECT_GT(decided, subsets * 3 / 4);
}

// One G5 host (5,320 MIPS) runs three VMs; a second G5 is empty. At the last
// step they demand 1000 + 1800 + 1800 = 4600 MIPS > 0.8 x 5320: one VM must
// go. MMT takes vm0 (least RAM). vm1 and vm2 rise and fall together while
// vm0 does not, so MC takes vm1 or vm2, whichever the others explain best.
// With too little history MC falls back to MMT.
TEST(MaxCorrelation, McMovesTheCorrelatedVmWhereMmtMovesTheSmallest) {
  DcSetup s;
  s.name = "mc";
  s.host_types = {{"G5", 2660, 2, 4096, 1000, &hp_ml110_g5_power()}};
  s.host_type = {0, 0};
  s.vm_types = {{1000, 500}, {2000, 1700}};
  s.vm_type = {0, 1, 1};
  const std::vector<std::vector<float>> util = {{0.6f, 1.0f, 0.9f, 0.2f, 0.8f, 1.0f},
                                                {0.2f, 0.9f, 0.3f, 0.7f, 0.4f, 0.9f},
                                                {0.25f, 0.9f, 0.35f, 0.65f, 0.45f, 0.9f}};
  s.steps = 6;
  for (std::size_t v = 0; v < util.size(); ++v) {
    s.vm_ids.push_back("vm" + std::to_string(v));
    s.util.insert(s.util.end(), util[v].begin(), util[v].end());
  }
  auto decide = [&](const char* policy, std::int32_t step) {
    DcState st(s, RamModel::kCloudSim);
    st.begin_step(step);
    for (std::int32_t v = 0; v < 3; ++v) st.place(v, 0);
    std::vector<DcMove> moves;
    make_consolidation_policy(policy)->decide(st, moves);
    return moves;
  };
  // Every sample of the day, newest first, as the policy sees them at step 5.
  std::vector<double> history;
  for (const auto& series : util) {
    for (std::size_t i = series.size(); i-- > 0;) history.push_back(series[i]);
  }
  const double r0 = *r_squared(history.data(), 3, 6, 0), r1 = *r_squared(history.data(), 3, 6, 1),
               r2 = *r_squared(history.data(), 3, 6, 2);
  ASSERT_LT(r0, std::min(r1, r2));
  const std::int32_t correlated = r1 >= r2 ? 1 : 2;

  const std::vector<DcMove> mmt = decide("thr-mmt", 5), mc = decide("thr-mc", 5);
  ASSERT_EQ(mmt.size(), 1u);
  EXPECT_EQ(mmt[0].vm, 0);
  ASSERT_EQ(mc.size(), 1u);
  EXPECT_EQ(mc[0].vm, correlated);
  EXPECT_EQ(mc[0].to, 1);

  // Step 1: the same 4600 MIPS, but 2 samples for 3 coefficients: MMT's choice.
  const std::vector<DcMove> early = decide("thr-mc", 1);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].vm, 0);
}

}  // namespace
}  // namespace fleetopt::consolidate
