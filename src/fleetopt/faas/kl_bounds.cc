#include "fleetopt/faas/kl_bounds.h"

#include <algorithm>
#include <cmath>

namespace fleetopt::faas {

double bernoulli_kl(double p, double q) {
  double divergence = 0;
  if (p > 0) divergence += p * std::log(p / q);
  if (p < 1) divergence += (1 - p) * std::log((1 - p) / (1 - q));
  return divergence;
}

double kl_upper_bound(double mean, double samples, double log_t) {
  if (!(samples > 0)) return 1.0;
  mean = std::clamp(mean, 0.0, 1.0);
  if (!(log_t > 0)) return mean;
  const double level = log_t / samples;
  if (mean >= 1.0) return 1.0;
  // kl(0, q) = -ln(1 - q): the bound has a closed form.
  if (mean <= 0.0) return -std::expm1(-level);

  // f(q) = kl(mean, q) - level rises from -level at q = mean to +inf at
  // q = 1, and is convex: Newton steps started right of the root fall
  // monotonically onto it and never cross it. Pinsker (kl(p, q) >= 2 (q - p)^2)
  // gives such a start, mean + sqrt(level / 2), when that is below 1;
  // otherwise bisection brackets the root away from the pole at 1 first.
  double lo = mean;
  double q = mean + std::sqrt(0.5 * level);
  if (q >= 1.0) {
    double hi = 1.0;
    constexpr double kBracketWidth = 1.0 / 64;
    for (int step = 0; step < 80 && (hi >= 1.0 || hi - lo > kBracketWidth); ++step) {
      const double mid = 0.5 * (lo + hi);
      if (bernoulli_kl(mean, mid) > level) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    q = hi;
  }
  for (int step = 0; step < 60; ++step) {
    const double excess = bernoulli_kl(mean, q) - level;
    if (excess <= 1e-14) break;
    const double slope = (q - mean) / (q * (1 - q));
    const double next = std::max(lo, q - excess / slope);
    if (q - next <= 1e-15) break;
    q = next;
  }
  return q;
}

double kl_lower_bound(double mean, double samples, double log_t) {
  // kl(p, q) = kl(1 - p, 1 - q): the lower bound mirrors the upper one.
  if (!(samples > 0)) return 0.0;
  return 1.0 - kl_upper_bound(1.0 - std::clamp(mean, 0.0, 1.0), samples, log_t);
}

}  // namespace fleetopt::faas
