#include "fleetopt/scaling/queueing_stations.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace fleetopt::scaling::queueing {
namespace {

// P(Erlang(k, 1) < x) = P(Poisson(x) >= k) for integer k >= 1, for k asked in
// small steps (a birth-death walk): one term of the Poisson pmf per step from
// the last k asked, a direct evaluation after a jump. 1 and 0 far from x.
class ErlangBelow {
 public:
  explicit ErlangBelow(double x)
      : x_(x), lo_(x - 12 * std::sqrt(x) - 8), hi_(x + 12 * std::sqrt(x) + 8) {}
  double operator()(long k) {
    if (k <= 0) return 1;
    const auto kd = static_cast<double>(k);
    if (kd < lo_) return 1;
    if (kd > hi_) return 0;
    if (k_ < 0 || std::labs(k - k_) > 32) {
      k_ = k;
      p_ = gamma_p(kd, x_);
      pmf_ = std::exp((kd - 1) * std::log(x_) - x_ - std::lgamma(kd));  // P(Poisson = k - 1)
      return p_;
    }
    while (k_ < k) {  // P(k + 1) = P(k) - P(Poisson = k)
      pmf_ *= x_ / static_cast<double>(k_);
      p_ -= pmf_;
      ++k_;
    }
    while (k_ > k) {  // P(k - 1) = P(k) + P(Poisson = k - 1)
      p_ += pmf_;
      pmf_ *= static_cast<double>(k_ - 1) / x_;
      --k_;
    }
    return std::clamp(p_, 0.0, 1.0);
  }

 private:
  double x_, lo_, hi_;
  long k_ = -1;
  double p_ = 1, pmf_ = 0;  // P(Erlang(k_) < x), P(Poisson(x) = k_ - 1)
};

}  // namespace

// Erlang's loss probability with n servers and offered load A (n = 0: 1).
double erlang_b(long n, double A) {
  double b = 1;
  for (long j = 1; j <= n; ++j) {
    b = A * b / (static_cast<double>(j) + A * b);
    if (b < 1e-300) return 0;
  }
  return b;
}

// Heavy-traffic decorrelation rate of a station's wait: over a short lag d the
// workload moves like a Brownian motion of variance 2 f a d / m^2 while the
// wait's variance is f^2 / (m - a)^2, so corr(d) ~ 1 - d rho m (1 - rho)^2 / f.
double decorrelation_rate(double rho, double m, double f) {
  const double gap = std::max(0.0, 1 - rho);
  return rho * m * gap * gap / f;
}

// Machine-repairman station: N sources each arriving at rate alpha while
// away, c servers of rate mu on `replicas` replicas, Allen-Cunneen factor f,
// patience D.
FiniteSource finite_source(long N, double alpha, double mu, long c, int replicas, double f, double D) {
  FiniteSource out;
  if (N <= 0 || !(alpha > 0) || !(mu > 0)) return out;
  const double m = static_cast<double>(c) * mu, mD = m * D;
  const double inv_f = 1 / f;
  // P(Erlang(k, m) < D): 1 far below mD, computed near it.
  ErlangBelow below(mD);
  auto served_prob = [&](double k) { return below(static_cast<long>(k)); };
  // Entry into the waiting states: keep P(wait) at Erlang's value while the
  // waiting states' geometric ratio x becomes x^(1/f).
  double entry = 0;
  if (N > c && f != 1) {
    const double x = static_cast<double>(N - c) * alpha / m;
    const double xr = std::pow(x, inv_f);
    entry = std::fabs(x - 1) < 1e-9 ? std::log(inv_f) : std::log((1 - xr) / (1 - x));
  }
  // log(p(j+1) / p(j)).
  auto log_ratio = [&](long j) {
    const double sources = static_cast<double>(N - j) * alpha;
    if (j + 1 <= c) return std::log(sources / (static_cast<double>(j + 1) * mu)) + (j + 1 == c ? entry : 0.0);
    const double k = static_cast<double>(j - c + 1);  // departures the arrival waits for
    const double pass = served_prob(k);
    return inv_f * std::log(sources / m) + (pass > 0 ? std::log(pass) : -kInf);
  };
  // Mode: the ratio falls with j (up to the small entry correction).
  long lo = 0, hi = N;  // first j whose ratio is below one
  while (lo < hi) {
    const long mid = lo + (hi - lo) / 2;
    if (log_ratio(mid) < 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  const long mode = lo;
  struct Sums {
    double w = 0, busy = 0, seen = 0, seen_served = 0, m1 = 0, m2 = 0, m3 = 0;
  } s;
  auto add = [&](long j, double logw) {
    const double w = std::exp(logw);
    s.w += w;
    s.busy += w * static_cast<double>(std::min(j, c));
    const double q = w * static_cast<double>(N - j);  // arrival theorem weight
    if (q <= 0) return;
    s.seen += q;
    if (j < c) {
      s.seen_served += q;
      return;
    }
    // Erlang(k, m) wait, served if under D; JSQ adds a wait for the own
    // replica's cores: (R - 1) f / m with nobody ahead, half that in heavy traffic.
    const double k = static_cast<double>(j - c + 1);
    const double p0 = served_prob(k), p1 = k / m * served_prob(k + 1),
                 p2 = k * (k + 1) / (m * m) * served_prob(k + 2),
                 p3 = k * (k + 1) * (k + 2) / (m * m * m) * served_prob(k + 3);
    const double d = (replicas - 1) * f * (0.5 + 0.5 / k) / m;
    s.seen_served += q * p0;
    s.m1 += q * (p1 + d * p0);
    s.m2 += q * (p2 + 2 * d * p1 + d * d * p0);
    s.m3 += q * (p3 + 3 * d * p2 + 3 * d * d * p1 + d * d * d * p0);
  };
  constexpr double kCut = -45;
  add(mode, 0);
  double l = 0, top = 0;
  for (long j = mode; j < N; ++j) {
    l += log_ratio(j);
    if (!(l > top + kCut)) break;
    top = std::max(top, l);
    add(j + 1, l);
  }
  l = 0;
  for (long j = mode; j > 0; --j) {
    l -= log_ratio(j - 1);
    if (!(l > top + kCut)) break;
    top = std::max(top, l);
    add(j - 1, l);
  }
  out.busy = s.busy / s.w;
  out.wait.p_drop = s.seen > 0 ? std::clamp(1 - s.seen_served / s.seen, 0.0, 1.0) : 0;
  if (s.seen_served > 0) out.wait.served = {s.m1 / s.seen_served, s.m2 / s.seen_served, s.m3 / s.seen_served};
  out.wait.decorrelation = decorrelation_rate(out.busy / static_cast<double>(c), m, f);
  return out;
}

}  // namespace fleetopt::scaling::queueing
