// Latency distributions of the analytic model (analytic_simulator.cc): the
// first three moments / cumulants of waits and services, their sums over a
// request's visits, and the 99th percentile of a mixture of shifted gammas
// matched to them. Internal to the scaling module.
#pragma once

#include <vector>

namespace fleetopt::scaling::queueing {

double normal_cdf(double z);
double normal_pdf(double z);

struct ValueSlope {
  double value = 0, slope = 0;
};

// Regularised lower incomplete gamma P(a, x) and its derivative in x;
// lgamma_a = lgamma(a).
ValueSlope gamma_pd(double a, double x, double lgamma_a);
double gamma_p(double a, double x);

struct Moments {
  double m1 = 0, m2 = 0, m3 = 0;  // E[X], E[X^2], E[X^3]
};

struct Cumulants {
  double k1 = 0, k2 = 0, k3 = 0;
  Cumulants& operator+=(const Cumulants& o) {
    k1 += o.k1;
    k2 += o.k2;
    k3 += o.k3;
    return *this;
  }
};

Cumulants cumulants_of(const Moments& m);
Moments moments_of(const Cumulants& c);
Moments shifted(const Moments& m, double u);  // of X + u
Moments scaled(const Moments& m, double k);   // of k X
// Moments of the density proportional to e^{-theta x} on [0, L] (theta of any sign).
Moments truncated_exponential(double theta, double L);

// One term of the latency mixture: X = shift + sign * Gamma(shape, scale), or
// a normal when the skew is negligible.
struct Component {
  double weight = 0;
  double shift = 0, scale = 0, shape = 0, lgamma_shape = 0;
  int sign = 1;
  bool normal = false;
  double mean = 0, sd = 0;

  // CDF and density at x.
  ValueSlope at(double x) const;
};

// The shifted gamma (mirrored when the skew is negative) matching three cumulants.
Component fit(const Cumulants& c, double weight);
// CDF and density of a mixture whose weights sum to `total`.
ValueSlope mixture_at(const std::vector<Component>& parts, double total, double x);
// The p-quantile of a mixture (weights need not sum to one).
double mixture_quantile(const std::vector<Component>& parts, double p);

// Cumulants of a request's time at one tier: `visits` visits (floor(visits),
// or one more with probability equal to the fraction), each a wait W and a
// service S. Services are independent; the waits of one request's visits are
// correlated with coefficient `corr` (they see nearly the same queue).
Cumulants tier_time(double visits, const Cumulants& wait, const Cumulants& service, double corr);

}  // namespace fleetopt::scaling::queueing
