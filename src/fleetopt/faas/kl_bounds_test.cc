#include "fleetopt/faas/kl_bounds.h"

#include <gtest/gtest.h>

#include <cmath>

namespace fleetopt::faas {
namespace {

// The divergence written out again, so the grid search does not lean on the
// code under test.
double reference_kl(double p, double q) {
  double d = 0;
  if (p > 0) d += p * std::log(p / q);
  if (p < 1) d += (1 - p) * std::log((1 - p) / (1 - q));
  return d;
}

// Largest (resp. smallest) grid point q = mean + s*h (resp. mean - s*h) with
// samples * kl(mean, q) <= log_t.
double grid_upper(double mean, double samples, double log_t, double h) {
  double best = mean;
  for (double q = mean; q < 1; q += h) {
    if (samples * reference_kl(mean, q) <= log_t) best = q;
  }
  return best;
}
double grid_lower(double mean, double samples, double log_t, double h) {
  double best = mean;
  for (double q = mean; q > 0; q -= h) {
    if (samples * reference_kl(mean, q) <= log_t) best = q;
  }
  return best;
}

TEST(BernoulliKl, KnownValues) {
  // kl(1/2, 1/4) = 1/2 ln 2 + 1/2 ln(2/3)
  EXPECT_NEAR(bernoulli_kl(0.5, 0.25), 0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3.0), 1e-15);
  EXPECT_DOUBLE_EQ(bernoulli_kl(0.3, 0.3), 0.0);
  EXPECT_NEAR(bernoulli_kl(0.0, 0.4), -std::log(0.6), 1e-15);
  EXPECT_NEAR(bernoulli_kl(1.0, 0.4), -std::log(0.4), 1e-15);
  EXPECT_TRUE(std::isinf(bernoulli_kl(0.5, 0.0)));
  EXPECT_TRUE(std::isinf(bernoulli_kl(0.5, 1.0)));
  EXPECT_DOUBLE_EQ(bernoulli_kl(0.0, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(bernoulli_kl(1.0, 1.0), 0.0);
}

struct Case {
  double mean, samples, t;
};

TEST(KlBounds, MatchGridSearch) {
  const Case cases[] = {{0.3, 10, 100}, {0.5, 1000, 30000}, {0.01, 50, 1000},
                        {0.9, 5, 50},   {0.999, 3, 1e6},    {0.0, 20, 100},
                        {1.0, 20, 100}, {0.5, 1, 2},        {0.123, 7, 1e4}};
  const double h = 2e-6;
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "mean " << c.mean << " n " << c.samples << " t " << c.t);
    const double log_t = std::log(c.t);
    const double upper = kl_upper_bound(c.mean, c.samples, log_t);
    const double lower = kl_lower_bound(c.mean, c.samples, log_t);
    EXPECT_NEAR(upper, grid_upper(c.mean, c.samples, log_t, h), 1.01 * h);
    EXPECT_NEAR(lower, grid_lower(c.mean, c.samples, log_t, h), 1.01 * h);
    EXPECT_LE(lower, c.mean);
    EXPECT_GE(upper, c.mean);
  }
}

TEST(KlBounds, SitOnTheLevelSetFromOutside) {
  for (double mean : {0.05, 0.2, 0.5, 0.77, 0.95}) {
    for (double n : {1.0, 13.0, 400.0, 1e5}) {
      const double log_t = std::log(5000.0);
      for (double bound : {kl_upper_bound(mean, n, log_t), kl_lower_bound(mean, n, log_t)}) {
        SCOPED_TRACE(testing::Message() << "mean " << mean << " n " << n << " bound " << bound);
        // Never strictly inside the level set, so the bound stays valid ...
        EXPECT_GE(n * reference_kl(mean, bound), log_t * (1 - 1e-9));
        // ... and on it, unless the root is closer to 0 or 1 than a double
        // resolves (e.g. 1e-75 for mean 0.05 from one sample): then the end.
        if (bound > 1e-12 && bound < 1 - 1e-12) {
          EXPECT_NEAR(n * reference_kl(mean, bound), log_t, 1e-6 * log_t);
        } else {
          EXPECT_TRUE(bound == 0.0 || bound == 1.0);
        }
      }
    }
  }
}

TEST(KlBounds, EdgeCases) {
  const double log_t = std::log(100.0);
  // No samples: nothing is known.
  EXPECT_EQ(kl_upper_bound(0.4, 0, log_t), 1.0);
  EXPECT_EQ(kl_lower_bound(0.4, 0, log_t), 0.0);
  // t = 1 (ln t = 0): no exploration bonus.
  EXPECT_DOUBLE_EQ(kl_upper_bound(0.4, 10, 0.0), 0.4);
  EXPECT_DOUBLE_EQ(kl_lower_bound(0.4, 10, 0.0), 0.4);
  // Closed forms at the ends: kl(0, q) = -ln(1 - q), kl(1, q) = -ln q.
  EXPECT_NEAR(kl_upper_bound(0.0, 10, log_t), 1 - std::exp(-log_t / 10), 1e-15);
  EXPECT_EQ(kl_lower_bound(0.0, 10, log_t), 0.0);
  EXPECT_EQ(kl_upper_bound(1.0, 10, log_t), 1.0);
  EXPECT_NEAR(kl_lower_bound(1.0, 10, log_t), std::exp(-log_t / 10), 1e-15);
}

TEST(KlBounds, ShrinkWithSamplesAndGrowWithTime) {
  double previous_width = 2;
  for (double n : {1.0, 10.0, 100.0, 1000.0, 10000.0}) {
    const double width =
        kl_upper_bound(0.3, n, std::log(1e4)) - kl_lower_bound(0.3, n, std::log(1e4));
    EXPECT_LT(width, previous_width);
    previous_width = width;
  }
  EXPECT_LT(kl_upper_bound(0.3, 50, std::log(10.0)), kl_upper_bound(0.3, 50, std::log(1e6)));
  // Pinsker: kl(p, q) >= 2 (p - q)^2, so the bound is within sqrt(level / 2).
  EXPECT_LE(kl_upper_bound(0.3, 50, std::log(1e4)), 0.3 + std::sqrt(std::log(1e4) / 50 / 2));
}

}  // namespace
}  // namespace fleetopt::faas
