#include "fleetopt/scaling/latency_distribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace fleetopt::scaling::queueing {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double normal_pdf(double z) { return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi); }

// Series below a + 1, Lentz's continued fraction for the complement above.
ValueSlope gamma_pd(double a, double x, double lgamma_a) {
  if (!(x > 0)) return {0, 0};
  if (std::isinf(x)) return {1, 0};
  if (a > 200) {
    // Wilson-Hilferty: (X/a)^(1/3) is nearly normal; |error| < 1e-4 here, and
    // the series would need O(sqrt(a)) terms.
    const double v = 1 / (9 * a), r = std::cbrt(x / a);
    const double z = (r - (1 - v)) / std::sqrt(v);
    return {normal_cdf(z), normal_pdf(z) * r / (3 * x * std::sqrt(v))};
  }
  const double log_prefix = a * std::log(x) - x - lgamma_a;
  const double density = std::exp(log_prefix) / x;
  if (x < a + 1) {
    double term = 1 / a, sum = term;
    for (int n = 1; n < 100'000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-16) break;
    }
    return {std::min(1.0, sum * std::exp(log_prefix)), density};
  }
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 10'000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return {std::clamp(1 - std::exp(log_prefix) * h, 0.0, 1.0), density};
}

double gamma_p(double a, double x) { return gamma_pd(a, x, std::lgamma(a)).value; }

Cumulants cumulants_of(const Moments& m) {
  Cumulants c;
  c.k1 = m.m1;
  c.k2 = std::max(0.0, m.m2 - m.m1 * m.m1);
  c.k3 = m.m3 - 3 * m.m1 * m.m2 + 2 * m.m1 * m.m1 * m.m1;
  return c;
}

Moments shifted(const Moments& m, double u) {
  return {u + m.m1, u * u + 2 * u * m.m1 + m.m2, u * u * u + 3 * u * u * m.m1 + 3 * u * m.m2 + m.m3};
}

Moments scaled(const Moments& m, double k) { return {k * m.m1, k * k * m.m2, k * k * k * m.m3}; }

// Moments of the density proportional to e^{-theta x} on [0, L] (theta of any sign).
Moments truncated_exponential(double theta, double L) {
  if (!(L > 0)) return {};
  const double u = theta * L;
  if (std::fabs(u) <= 2) {
    // Taylor series of the integrals: E[X^n] = L^n sum_i (-u)^i / (i! (n+i+1)) / sum_i (-u)^i / (i! (i+1)).
    double s[4] = {0, 0, 0, 0};
    double t = 1;  // (-u)^i / i!
    for (int i = 0; i < 40; ++i) {
      for (int n = 0; n < 4; ++n) s[n] += t / (n + i + 1);
      t *= -u / (i + 1);
    }
    return {L * s[1] / s[0], L * L * s[2] / s[0], L * L * L * s[3] / s[0]};
  }
  if (u > 2) {
    // E[X^n] = n!/theta^n P(n+1, u) / P(1, u), P(n+1, u) = 1 - e^{-u} sum_{i<=n} u^i/i!.
    const double e = std::exp(-u);
    double term = 1, partial = 1;
    double p[4];
    p[0] = 1 - e;
    for (int n = 1; n < 4; ++n) {
      term *= u / n;
      partial += term;
      p[n] = 1 - e * partial;
    }
    return {1 / theta * p[1] / p[0], 2 / (theta * theta) * p[2] / p[0], 6 / (theta * theta * theta) * p[3] / p[0]};
  }
  // Growing density: Y = L - X has the decaying one.
  const Moments y = truncated_exponential(-theta, L);
  return {L - y.m1, L * L - 2 * L * y.m1 + y.m2, L * L * L - 3 * L * L * y.m1 + 3 * L * y.m2 - y.m3};
}

ValueSlope Component::at(double x) const {
  if (normal) {
    if (sd <= 0) return {x >= mean ? 1.0 : 0.0, 0};
    const double z = (x - mean) / sd;
    return {normal_cdf(z), normal_pdf(z) / sd};
  }
  const ValueSlope g = gamma_pd(shape, sign > 0 ? (x - shift) / scale : (shift - x) / scale, lgamma_shape);
  return {sign > 0 ? g.value : 1 - g.value, g.slope / scale};
}

Component fit(const Cumulants& c, double weight) {
  Component out;
  out.weight = weight;
  out.mean = c.k1;
  out.sd = std::sqrt(std::max(0.0, c.k2));
  const double skew = out.sd > 0 ? c.k3 / (out.sd * out.sd * out.sd) : 0;
  if (out.sd <= 1e-12 * std::max(1e-9, std::fabs(c.k1)) || std::fabs(skew) < 2e-3) {
    out.normal = true;
    return out;
  }
  out.shape = 4 / (skew * skew);
  out.scale = std::fabs(c.k3) / (2 * c.k2);
  out.sign = c.k3 > 0 ? 1 : -1;
  out.shift = c.k1 - out.sign * out.shape * out.scale;
  out.lgamma_shape = std::lgamma(out.shape);
  return out;
}

ValueSlope mixture_at(const std::vector<Component>& parts, double total, double x) {
  ValueSlope m;
  for (const Component& p : parts) {
    const ValueSlope c = p.at(x);
    m.value += p.weight * c.value;
    m.slope += p.weight * c.slope;
  }
  m.value /= total;
  m.slope /= total;
  return m;
}

// The p-quantile of a mixture (weights need not sum to one): Newton's method
// from the normal guess, kept inside a bracket (bisection when it would leave).
double mixture_quantile(const std::vector<Component>& parts, double p) {
  double total = 0, mean = 0, second = 0;
  for (const Component& c : parts) {
    total += c.weight;
    mean += c.weight * c.mean;
    second += c.weight * (c.sd * c.sd + c.mean * c.mean);
  }
  if (!(total > 0)) return 0;
  mean /= total;
  const double sd = std::sqrt(std::max(0.0, second / total - mean * mean));
  double lo = 0, hi = kInf;
  double x = std::max(mean + 2.33 * sd, 1e-9);
  for (int i = 0; i < 200; ++i) {
    const ValueSlope m = mixture_at(parts, total, x);
    const double f = m.value - p;
    if (std::fabs(f) < 1e-10) return x;
    (f < 0 ? lo : hi) = x;
    if (std::isfinite(hi) && hi - lo <= 1e-7 * hi) break;
    double next = m.slope > 0 ? x - f / m.slope : kInf;
    if (std::isinf(hi)) next = std::min(next, 2 * std::max(x, 1e-9));  // no upper bracket yet: at most double
    if (!(next > lo && next < hi)) next = lo > 0 && hi > 4 * lo ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
    x = next;
  }
  return x;
}

Moments moments_of(const Cumulants& c) {
  return {c.k1, c.k2 + c.k1 * c.k1, c.k3 + 3 * c.k2 * c.k1 + c.k1 * c.k1 * c.k1};
}

// Cumulants of a request's time at one tier: `visits` visits (floor(visits),
// or one more with probability equal to the fraction), each a wait W and a
// service S. Services are independent; the waits of one request's visits are
// correlated with coefficient `corr` (they see nearly the same queue).
Cumulants tier_time(double visits, const Cumulants& wait, const Cumulants& service, double corr) {
  const double n = std::floor(visits), q = visits - n;
  auto given = [&](double k) {
    Cumulants c;
    c.k1 = k * (wait.k1 + service.k1);
    c.k2 = k * wait.k2 * (1 + (k - 1) * corr) + k * service.k2;
    c.k3 = wait.k3 * (k + (k * k * k - k) * corr) + k * service.k3;
    return c;
  };
  if (q <= 0) return given(n);
  const Moments a = moments_of(given(n)), b = moments_of(given(n + 1));
  return cumulants_of({(1 - q) * a.m1 + q * b.m1, (1 - q) * a.m2 + q * b.m2, (1 - q) * a.m3 + q * b.m3});
}

}  // namespace fleetopt::scaling::queueing
