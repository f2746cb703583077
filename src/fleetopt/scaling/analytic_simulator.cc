// The analytic application simulator: each interval's statistics from
// queueing formulas instead of simulated requests, in tens of microseconds
// (docs/scaling.md, "the analytic model"). Same model as des_simulator.cc.
//
// Tiers. A tier is one pooled station of active x cores servers: JSQ over
// identical replicas is asymptotically the pooled M/M/(replicas x cores)
// queue (Eschenfeldt & Gamarnik 2018): a visit waits only when every core of
// every replica is busy. (An even split over separate M/M/cores queues would
// describe random routing, which waits far more.) Two corrections: a waiting
// visit waits for its own replica, one residual service (R - 1) f / m longer
// than in the pooled queue when nobody waits ahead of it and half that in
// heavy traffic; and service times per visit are a mixture over classes
// (exponential, lognormal or deterministic within one), whose squared
// coefficient of variation cs2 stretches waits by the Allen-Cunneen factor
// f = (1 + cs2) / 2 (exact for M/G/1). Removed replicas leave at once; new ones
// serve boot_delay_s after they were asked for (an interval is split there).
//
// Open loop (rate lambda). Per tier the stationary M/M/c+D queue (patience D =
// the timeout: a visit whose wait would reach D is dropped): its offered wait
// is 0 with Erlang's probability, has density h e^{-theta x} on (0, D) with
// theta = (m - a) / f (m = c mu, a the visit rate; theta < 0 in overload), and
// the rest of its mass lies past D. One formula for light load, heavy load and
// sustained overload (waits pile up near D, the excess is dropped). Carried
// from interval to interval per tier: Q, the mean number of waiting visits,
// and H, the mean wait of the visits now leaving the queue. Q relaxes towards
// the stationary Qs with the Odoni-Roth relaxation time 2f / (2.8 m (1 -
// sqrt(rho))^2), grows at the fluid rate a - m past saturation and drains at
// most at m - a; H follows dH/dt = 1 - r H / Q (r: the rate visits leave the
// queue), so the visits completing behind a growing queue waited less than
// the newest arrivals will, and after a burst they waited more. Waits are the
// stationary ones scaled down while H is under their mean, or shifted by the
// excess backlog (and cut at D) while it is over; arrivals are dropped from
// the queue they see (Q), counted D seconds later when they time out. A fresh
// simulator starts in equilibrium with its first interval's load: the
// question the oracle's what-if asks.
//
// Closed loop (N clients, think time Z). The equilibrium is a finite-source
// decomposition of the mean-value-analysis fixed point: each tier is a
// machine-repairman station with N sources, each away (thinking, or at the
// other tiers) for (Z + the other tiers' time) / visits between visits. Its
// queue-length distribution is a birth-death chain whose waiting states are
// stretched by the Allen-Cunneen factor (geometric ratio x -> x^(1/f), the
// entry corrected so P(wait) stays Erlang's) and thinned by the timeout (an
// arrival finding k ahead waits Erlang(k, m) and is dropped past D). The
// tiers' residence times are iterated to a fixed point; an arrival sees the
// chain with one source fewer (arrival theorem), which gives its wait's
// distribution. Exact for N = 1, within about 1% of exact MVA when think time
// dominates, up to 9% for balanced stations without think time. Away from
// equilibrium the same Q/H dynamics as the open loop apply, with requests
// issued 1/Z per second more slowly per client held in an excess queue.
//
// p99. A request's latency is the sum over the tiers it visits of (wait +
// service) per visit. Per request class the first three cumulants add up
// (over a fractional visit count, and with the waits of one request's visits
// to a tier correlated by e^{-d rho m (1 - rho)^2 / f}, d the time between
// them: they see nearly the same queue); a gamma shifted to match all three
// (mirrored when the skew is negative) stands for the class, and the 99th
// percentile of the mixture over classes and time slices is found by
// safeguarded Newton. For M/M/1 the fit is exact (an exponential).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <numbers>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/scaling/app_simulator.h"

namespace fleetopt::scaling {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kQuantile = 0.99;
// Time slices per segment while a tier's queue is away from equilibrium.
constexpr int kSlices = 10;

// ---------------------------------------------------------------- special functions

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double normal_pdf(double z) { return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi); }

// Regularised lower incomplete gamma P(a, x) and its derivative in x (series
// below a + 1, Lentz's continued fraction for the complement above);
// lgamma_a = lgamma(a).
struct ValueSlope {
  double value = 0, slope = 0;
};

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

// Erlang's loss probability with n servers and offered load A (n = 0: 1).
double erlang_b(long n, double A) {
  double b = 1;
  for (long j = 1; j <= n; ++j) {
    b = A * b / (static_cast<double>(j) + A * b);
    if (b < 1e-300) return 0;
  }
  return b;
}

// ---------------------------------------------------------------- distributions

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

// One term of the latency mixture: X = shift + sign * Gamma(shape, scale), or
// a normal when the skew is negligible.
struct Component {
  double weight = 0;
  double shift = 0, scale = 0, shape = 0, lgamma_shape = 0;
  int sign = 1;
  bool normal = false;
  double mean = 0, sd = 0;

  // CDF and density at x.
  ValueSlope at(double x) const {
    if (normal) {
      if (sd <= 0) return {x >= mean ? 1.0 : 0.0, 0};
      const double z = (x - mean) / sd;
      return {normal_cdf(z), normal_pdf(z) / sd};
    }
    const ValueSlope g = gamma_pd(shape, sign > 0 ? (x - shift) / scale : (shift - x) / scale, lgamma_shape);
    return {sign > 0 ? g.value : 1 - g.value, g.slope / scale};
  }
};

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

// ---------------------------------------------------------------- the model per mix

struct ClassTier {
  double visits = 0;
  Cumulants service;  // one visit's service time
};

struct TierMix {
  double visits = 0;  // per request (share-weighted)
  double mean_s = 0;  // per visit
  double f = 1;       // Allen-Cunneen factor (1 + cs2) / 2 of the per-visit service time
};

struct Mix {
  std::vector<double> share;                   // per class, normalised
  std::vector<std::vector<ClassTier>> classes;  // [class][tier]
  std::vector<TierMix> tiers;
};

Cumulants service_cumulants(const AppModel& app, double s) {
  switch (app.distribution) {
    case DemandDistribution::kExponential:
      return {s, s * s, 2 * s * s * s};
    case DemandDistribution::kLognormal: {
      const double cv = app.demand_cv;
      return {s, cv * cv * s * s, (cv * cv + 3) * cv * cv * cv * s * s * s};
    }
    case DemandDistribution::kDeterministic:
      return {s, 0, 0};
  }
  return {s, s * s, 2 * s * s * s};
}

Mix make_mix(const AppModel& app, const std::vector<double>& shares) {
  Mix mix;
  const std::size_t classes = app.classes.size(), tiers = app.tiers.size();
  double total = 0;
  for (double s : shares) total += s;
  mix.share.resize(classes);
  for (std::size_t k = 0; k < classes; ++k) mix.share[k] = shares[k] / total;
  mix.classes.assign(classes, std::vector<ClassTier>(tiers));
  mix.tiers.assign(tiers, TierMix{});
  for (std::size_t t = 0; t < tiers; ++t) {
    double visits = 0, work = 0, second = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      ClassTier& ct = mix.classes[k][t];
      ct.visits = app.classes[k].visits[t];
      ct.service = service_cumulants(app, app.classes[k].demand_s[t]);
      const double w = mix.share[k] * ct.visits;
      visits += w;
      work += w * ct.service.k1;
      second += w * (ct.service.k2 + ct.service.k1 * ct.service.k1);
    }
    TierMix& tm = mix.tiers[t];
    tm.visits = work > 0 ? visits : 0;  // visits needing no work never queue
    if (visits > 0 && work > 0) {
      tm.mean_s = work / visits;
      const double scv = std::max(0.0, (second / visits) / (tm.mean_s * tm.mean_s) - 1);
      tm.f = (1 + scv) / 2;
    }
  }
  return mix;
}

// ---------------------------------------------------------------- open loop: M/M/c+D

// Wait of a visit that is served, and the share of visits dropped.
struct VisitWait {
  double p_drop = 0;
  Moments served;       // moments of the wait of served visits
  double decorrelation = 0;  // 1/s: waits of visits d seconds apart correlate as e^{-d x this}
};

// Heavy-traffic decorrelation rate of a station's wait: over a short lag d the
// workload moves like a Brownian motion of variance 2 f a d / m^2 while the
// wait's variance is f^2 / (m - a)^2, so corr(d) ~ 1 - d rho m (1 - rho)^2 / f.
double decorrelation_rate(double rho, double m, double f) {
  const double gap = std::max(0.0, 1 - rho);
  return rho * m * gap * gap / f;
}

// The stationary offered wait of a c-server station with visit rate a,
// capacity m = c mu, Allen-Cunneen factor f and patience D. Masses are kept
// relative to e^{|theta| D} when theta < 0 so that nothing overflows.
class Stationary {
 public:
  Stationary(double a, double mu, long c, int replicas, double f, double D)
      : a_(a), m_(static_cast<double>(c) * mu), f_(f), D_(D) {
    if (!(a > 0) || !(m_ > 0)) {
      idle_ = !(a > 0);
      return;
    }
    rho_ = a / m_;
    const double B = erlang_b(c - 1, a / mu);
    theta_ = (m_ - a) / f;
    fm_ = f / m_;
    double log_h = B > 0 ? std::log(B) + std::log(a) - std::log(f) : -kInf;
    if (theta_ > 0 && replicas > 1) {
      // JSQ: a waiting visit waits for its own replica's cores, a residual
      // service time longer than in the pooled queue ((R - 1) f / m, f the
      // residual-life factor) when nobody waits ahead of it, half that in
      // heavy traffic; P(wait) stays Erlang's.
      const double extra = (replicas - 1) * f * (1 - rho_ / 2) / m_;
      const double jsq = 1 / (1 / theta_ + extra);
      log_h += std::log(jsq / theta_);
      theta_ = jsq;
    }
    const double log_big = log_h + (theta_ < 0 ? -theta_ * D : 0);
    w_ = std::exp(-log_big);  // atom mass relative to the (scaled) density
    const double drop_mass = theta_ >= 0 ? std::exp(-theta_ * D) * fm_ : fm_;  // past D
    total_ = w_ + mass(D) + drop_mass;
    base_ = with_cutoff(D);
  }

  const VisitWait& base() const { return base_; }
  // Mean number of waiting visits that will be served (Little).
  double queue() const { return idle_ ? 0 : a_ * (1 - base_.p_drop) * base_.served.m1; }
  // Odoni-Roth relaxation time of the queue; infinite at or past saturation.
  double relaxation_s() const {
    if (idle_ || m_ <= 0) return 0;
    if (rho_ >= 1) return kInf;
    const double gap = 1 - std::sqrt(rho_);
    return 2 * f_ / (2.8 * m_ * gap * gap);
  }
  // Waits when every arrival must also wait out `backlog_s` of excess queue
  // first: served only if the stationary part stays under D - backlog_s.
  VisitWait behind_backlog(double backlog_s) const {
    if (backlog_s <= 0) return base_;
    if (backlog_s >= D_) {
      VisitWait all;
      all.p_drop = 1;
      return all;
    }
    VisitWait v = with_cutoff(D_ - backlog_s);
    v.served = shifted(v.served, backlog_s);
    return v;
  }
  // Waits while the queue is still building up towards equilibrium: the
  // stationary waits scaled by k < 1; a drop needs the scaled wait to pass D.
  // (`base`: the equilibrium waits, this station's own or the closed loop's.)
  VisitWait building(const VisitWait& base, double k) const {
    VisitWait v = base;
    v.served = scaled(base.served, k);
    if (k <= 0 || idle_) {
      v.p_drop = 0;
    } else {
      const double beyond = (D_ / k - D_) / fm_;
      v.p_drop = base.p_drop * (beyond > 700 ? 0.0 : std::exp(-beyond));
    }
    return v;
  }

 private:
  // Integral of the (scaled) wait density over (0, L).
  double mass(double L) const {
    if (theta_ >= 0) {
      if (theta_ * L < 1e-12) return L;
      return -std::expm1(-theta_ * L) / theta_;
    }
    const double g = -theta_;
    return (std::exp(-g * (D_ - L)) - std::exp(-g * D_)) / g;
  }
  VisitWait with_cutoff(double L) const {
    VisitWait v;
    if (idle_ || std::isinf(w_)) return v;  // idle, or no visit ever waits
    const double served_wait = mass(L);
    const double served = w_ + served_wait;
    v.p_drop = std::clamp(1 - served / total_, 0.0, 1.0);
    if (!(served > 0)) return v;
    const double p_wait = served_wait / served;
    const Moments t = truncated_exponential(theta_, L);
    v.served = {p_wait * t.m1, p_wait * t.m2, p_wait * t.m3};
    v.decorrelation = decorrelation_rate(rho_, m_, f_);
    return v;
  }

  double a_, m_, f_, D_;
  bool idle_ = false;
  double theta_ = 0, fm_ = 0, w_ = kInf, total_ = 1, rho_ = 0;
  VisitWait base_;
};

// ---------------------------------------------------------------- closed loop: finite source

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

struct FiniteSource {
  double busy = 0;         // mean busy servers
  VisitWait wait;          // as seen by an arriving visit (arrival theorem)
};

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

// ---------------------------------------------------------------- the simulator

class AnalyticSimulator final : public AppSimulator {
 public:
  AnalyticSimulator(const AppModel& app, LoadKind kind) : app_(app), kind_(kind) {
    app_.validate();
    const std::size_t n = app_.tiers.size();
    active_.resize(n);
    pending_.resize(n);
    queue_.assign(n, 0.0);
    head_.assign(n, 0.0);
    target_.assign(n, 0.0);
    residence_.assign(n, -1.0);
    for (std::size_t t = 0; t < n; ++t) active_[t] = app_.tiers[t].initial_replicas;
  }

  void set_replicas(const std::vector<int>& target) override {
    if (target.size() != app_.tiers.size()) {
      throw InputError::field("replicas", fmt::format("{} values for {} tiers", target.size(), app_.tiers.size()));
    }
    for (std::size_t t = 0; t < target.size(); ++t) {
      const TierSpec& spec = app_.tiers[t];
      const int want = std::clamp(target[t], spec.min_replicas, spec.max_replicas);
      int paid = active_[t];
      for (const auto& p : pending_[t]) paid += p.second;
      if (want > paid) {
        if (app_.boot_delay_s <= 0) {
          active_[t] += want - paid;
        } else {
          pending_[t].emplace_back(now_ + app_.boot_delay_s, want - paid);
        }
        continue;
      }
      int remove = paid - want;
      // Cancel the replicas still booting (the latest first), then drain active ones.
      while (remove > 0 && !pending_[t].empty()) {
        auto& last = pending_[t].back();
        const int take = std::min(remove, last.second);
        last.second -= take;
        remove -= take;
        if (last.second == 0) pending_[t].pop_back();
      }
      active_[t] -= remove;
    }
  }

  std::vector<int> replicas() const override {
    std::vector<int> out(active_);
    for (std::size_t t = 0; t < out.size(); ++t) {
      for (const auto& p : pending_[t]) out[t] += p.second;
    }
    return out;
  }

  IntervalStats advance(double seconds, double level, const std::vector<double>& mix_shares, double slo_ms) override;

 private:
  struct Accumulator {
    double arrived = 0, completed = 0, dropped = 0;
    std::vector<double> busy_s, capacity_s, visits, visit_latency_s;
    std::vector<Component> parts;
  };

  void activate_until(double t) {
    for (std::size_t k = 0; k < pending_.size(); ++k) {
      auto& list = pending_[k];
      while (!list.empty() && list.front().first <= t + 1e-9) {
        active_[k] += list.front().second;
        list.erase(list.begin());
      }
    }
  }

  // Latency mixture terms of the requests completed in one slice.
  void add_latency(const Mix& mix, const std::vector<VisitWait>& waits, double completed, Accumulator& acc) const {
    if (!(completed > 0)) return;
    const std::size_t classes = mix.share.size();
    std::vector<double> served(classes, 0.0);
    double total = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      double p = mix.share[k];
      for (std::size_t t = 0; t < waits.size(); ++t) {
        const double v = mix.classes[k][t].visits;
        if (v > 0) p *= std::pow(1 - waits[t].p_drop, v);
      }
      served[k] = p;
      total += p;
    }
    if (!(total > 0)) return;
    for (std::size_t k = 0; k < classes; ++k) {
      if (!(served[k] > 0)) continue;
      Cumulants sum;
      for (std::size_t t = 0; t < waits.size(); ++t) {
        const ClassTier& ct = mix.classes[k][t];
        if (!(ct.visits > 0)) continue;
        const Cumulants w = cumulants_of(waits[t].served);
        const double corr = std::exp(-(w.k1 + ct.service.k1) * waits[t].decorrelation);
        sum += tier_time(ct.visits, w, ct.service, corr);
      }
      acc.parts.push_back(fit(sum, completed * served[k] / total));
    }
  }

  // Probability that a request of the mix is dropped somewhere, given per-tier visit drop shares.
  static double request_drop(const Mix& mix, std::size_t tier, double p_visit) {
    if (!(p_visit > 0)) return 0;
    double p = 0;
    for (std::size_t k = 0; k < mix.share.size(); ++k) {
      p += mix.share[k] * (1 - std::pow(1 - p_visit, mix.classes[k][tier].visits));
    }
    return p;
  }

  // Closed loop: the finite-source fixed point, then flow_segment.
  void closed_segment(const Mix& mix, double t0, double dt, long clients, Accumulator& acc);
  // Requests at `rate` through the tiers for dt seconds, moving the queues;
  // closed_waits: the closed loop's equilibrium waits per tier (null: open loop).
  void flow_segment(const Mix& mix, double t0, double dt, double rate, const std::vector<VisitWait>* closed_waits,
                    Accumulator& acc);

  AppModel app_;
  LoadKind kind_;
  double now_ = 0;
  bool fresh_ = true;
  std::vector<int> active_;
  std::vector<std::vector<std::pair<double, int>>> pending_;  // (serves from, count), by time
  std::vector<double> queue_;      // mean waiting visits per tier (carried state)
  std::vector<double> head_;       // mean wait of the visits now leaving each queue, s (carried state)
  std::vector<double> target_;     // equilibrium of queue_ at the current load
  struct Drops {
    double from, to, count;  // requests dropped, spread evenly over [from, to)
  };
  std::vector<Drops> drops_;       // dropped requests still waiting out their timeout
  std::vector<double> residence_;  // closed loop: last fixed point per tier (warm start)
};

void AnalyticSimulator::closed_segment(const Mix& mix, double t0, double dt, long clients, Accumulator& acc) {
  const std::size_t n = app_.tiers.size();
  const double Z = app_.think_time_s, D = app_.timeout_s;
  std::vector<double> R(n), pd(n, 0.0);
  std::vector<FiniteSource> sol(n);
  for (std::size_t t = 0; t < n; ++t) {
    const TierMix& tm = mix.tiers[t];
    R[t] = residence_[t] >= tm.mean_s ? residence_[t] : tm.mean_s;
  }
  // Time per request at a tier: its visits' residence, a dropped visit waiting D.
  auto at_tier = [&](std::size_t t) { return mix.tiers[t].visits * ((1 - pd[t]) * R[t] + pd[t] * D); };
  // Usually 5 to 40 rounds; two saturated tiers of nearly equal capacity
  // trade their queue slowly, so the rounds are capped (the total residence,
  // set by N, is right long before the split between them is).
  for (int iter = 0; iter < 150 && clients > 0; ++iter) {
    double change = 0;
    // Damped more if it oscillates (drops feed back hard: a dropped visit
    // holds its client for the timeout).
    const double omega = iter < 20 ? 1.0 : iter < 60 ? 0.5 : 0.2;
    for (std::size_t t = 0; t < n; ++t) {
      const TierMix& tm = mix.tiers[t];
      if (!(tm.visits > 0)) continue;
      double away = Z;
      for (std::size_t i = 0; i < n; ++i) {
        if (i != t) away += at_tier(i);
      }
      away = away / tm.visits + pd[t] * D;
      const double alpha = away > 1e-12 ? 1 / away : 1e12;
      const long c = static_cast<long>(active_[t]) * app_.tiers[t].cores;
      sol[t] = finite_source(clients, alpha, 1 / tm.mean_s, c, active_[t], tm.f, D);
      const double r_new = sol[t].wait.served.m1 + tm.mean_s;
      change = std::max(change, std::fabs(r_new - R[t]) / R[t] + std::fabs(sol[t].wait.p_drop - pd[t]));
      R[t] += omega * (r_new - R[t]);
      pd[t] += omega * (sol[t].wait.p_drop - pd[t]);
    }
    if (change < 1e-7) break;
  }
  if (clients > 0) {
    for (std::size_t t = 0; t < n; ++t) residence_[t] = R[t];
  }
  double cycle = Z;
  for (std::size_t t = 0; t < n; ++t) cycle += at_tier(t);
  const double rate = clients > 0 && cycle > 0 ? static_cast<double>(clients) / cycle : 0;
  std::vector<VisitWait> waits(n);
  for (std::size_t t = 0; t < n; ++t) waits[t] = sol[t].wait;
  flow_segment(mix, t0, dt, rate, &waits, acc);
}

void AnalyticSimulator::flow_segment(const Mix& mix, double t0, double dt, double rate,
                                     const std::vector<VisitWait>* closed_waits, Accumulator& acc) {
  const std::size_t n = app_.tiers.size();
  const double D = app_.timeout_s, Z = app_.think_time_s;
  const bool closed = closed_waits != nullptr;
  auto near = [](double x, double target, double abs) { return std::fabs(x - target) <= std::max(1e-3 * target, abs); };
  // One tier at visit rate a: the open station, and the equilibrium waits
  // (the station's own, or the closed loop's finite-source ones).
  struct Tier {
    Stationary st;
    VisitWait base;
    double qs, w_stat;
  };
  auto tier_at = [&](std::size_t t, double a) {
    const TierMix& tm = mix.tiers[t];
    const long c = static_cast<long>(active_[t]) * app_.tiers[t].cores;
    Tier x{Stationary(a, 1 / tm.mean_s, c, active_[t], tm.f, D), {}, 0, 0};
    x.base = closed ? (*closed_waits)[t] : x.st.base();
    x.w_stat = x.base.served.m1;
    x.qs = a * (1 - x.base.p_drop) * x.w_stat;
    return x;
  };
  // Closed loop: a client waiting in an excess queue is not thinking, so
  // requests are issued 1/Z per second slower per excess visit-queue place
  // (faster while the queues are still short of equilibrium).
  auto issue_rate = [&]() {
    if (!closed || !(Z > 1e-9)) return rate;
    double r = rate;
    for (std::size_t t = 0; t < n; ++t) {
      if (mix.tiers[t].visits > 0) r -= (queue_[t] - target_[t]) / (mix.tiers[t].visits * Z);
    }
    return std::max(0.0, r);
  };
  // Far from equilibrium anywhere: slice the segment so the queues can move.
  bool steady = true;
  {
    double in = rate, kept = 1;
    for (std::size_t t = 0; t < n; ++t) {
      const TierMix& tm = mix.tiers[t];
      if (!(tm.visits > 0)) continue;
      const Tier x = tier_at(t, in * tm.visits);
      if (fresh_) {
        queue_[t] = x.qs;
        head_[t] = x.w_stat;
      }
      target_[t] = x.qs;
      steady = steady && near(queue_[t], x.qs, 1e-3) && near(head_[t], x.w_stat, 1e-5);
      const double keep = 1 - request_drop(mix, t, x.base.p_drop);
      in *= keep;
      kept *= keep;
    }
    if (fresh_) drops_.push_back({t0, t0 + D, rate * (1 - kept) * D});  // dropped by the queues already there
  }
  fresh_ = false;
  const int slices = steady ? 1 : kSlices;
  const double h = dt / slices;
  std::vector<VisitWait> waits(n);
  for (int s = 0; s < slices; ++s) {
    double in = steady ? rate : issue_rate();  // requests per second entering the tier
    double dropped_here = 0;
    acc.arrived += in * h;
    for (std::size_t t = 0; t < n; ++t) {
      const TierMix& tm = mix.tiers[t];
      const long c = static_cast<long>(active_[t]) * app_.tiers[t].cores;
      acc.capacity_s[t] += static_cast<double>(c) * h;
      if (!(tm.visits > 0)) {
        waits[t] = {};
        continue;
      }
      const double m = static_cast<double>(c) / tm.mean_s, a = in * tm.visits;
      const Tier x = tier_at(t, a);
      // The closed loop's equilibrium is the fixed point's, whatever flows in now.
      const double qs = closed ? target_[t] : x.qs, w_stat = x.w_stat, q0 = queue_[t];
      target_[t] = qs;
      // Arrivals see the queue now: it decides their wait and whether they are dropped.
      auto arriving = [&](double q) {
        if (steady || near(q, qs, 1e-3)) return x.base;
        if (q < qs) return x.st.building(x.base, qs > 0 ? q / qs : 1.0);
        VisitWait v = x.st.behind_backlog((q - qs) / m);
        v.p_drop = std::max(v.p_drop, x.base.p_drop);
        return v;
      };
      // Move the queue over the slice: relax towards qs, at the fluid rate
      // where that is faster (growth past saturation, draining a backlog).
      double q1 = qs, q_mean = qs;
      if (!steady) {
        const double pd0 = arriving(q0).p_drop;
        const double fluid = a * (1 - pd0) - m;  // net growth with every server busy
        double tau = x.st.relaxation_s();
        if (q0 > qs && std::isinf(tau)) tau = D;
        if (q0 < qs && fluid > 0 && (std::isinf(tau) || fluid >= (qs - q0) / tau)) {
          const double reach = (qs - q0) / fluid;
          if (reach >= h) {
            q1 = q0 + fluid * h;
            q_mean = 0.5 * (q0 + q1);
          } else {
            q1 = qs;
            q_mean = (0.5 * (q0 + qs) * reach + qs * (h - reach)) / h;
          }
        } else if (q0 > qs && -fluid > 0 && -fluid < (q0 - qs) / tau) {
          const double drain = -fluid, reach = (q0 - qs) / drain;
          if (reach >= h) {
            q1 = q0 - drain * h;
            q_mean = 0.5 * (q0 + q1);
          } else {
            q1 = qs;
            q_mean = (0.5 * (q0 + qs) * reach + qs * (h - reach)) / h;
          }
        } else if (std::isfinite(tau) && tau > 0) {
          const double e = std::exp(-h / tau);
          q1 = qs + (q0 - qs) * e;
          q_mean = qs + (q0 - qs) * tau / h * (1 - e);
        } else if (std::isinf(tau)) {
          q1 = q0;  // exactly saturated and balanced: the queue stays
          q_mean = q0;
        }
      }
      const double p_drop = arriving(q_mean).p_drop;
      const double dropped = in * h * request_drop(mix, t, p_drop);
      double out = in * h - dropped - (q1 - q0) / tm.visits;  // requests leaving the tier
      out = std::clamp(out, 0.0, m * h / tm.visits);
      queue_[t] = q1;
      dropped_here += dropped;
      const double served_visits = out * tm.visits;
      // The visits completing now joined the queue a wait ago: their mean wait
      // H follows dH/dt = 1 - r H / Q (r the rate they leave the queue), whose
      // rest point is Little's Q / r; it lags the queue (behind a growing
      // queue, those served now arrived when it was shorter; after a burst,
      // they arrived during it).
      double head_mean = w_stat;
      if (steady) {
        head_[t] = w_stat;
      } else {
        const double r = served_visits / h, h0 = head_[t];
        if (!(r > 0)) {
          head_[t] = std::min(D, h0 + h);
          head_mean = std::min(D, h0 + h / 2);
        } else if (q_mean <= 1e-12) {
          head_[t] = head_mean = 0;
        } else {
          const double rest = std::min(D, q_mean / r), k = r / q_mean, e = std::exp(-h * k);
          head_[t] = rest + (h0 - rest) * e;
          head_mean = rest + (h0 - rest) * (1 - e) / (h * k);
        }
      }
      VisitWait w;
      if (steady || near(head_mean, w_stat, 1e-5)) {
        w = x.base;
      } else if (head_mean < w_stat) {
        w = x.st.building(x.base, head_mean / w_stat);
      } else if (closed) {
        w = x.base;
        w.served = shifted(x.base.served, head_mean - w_stat);
      } else {
        w = x.st.behind_backlog(head_mean - w_stat);
      }
      w.p_drop = p_drop;
      waits[t] = w;
      acc.busy_s[t] += std::min(served_visits * tm.mean_s, static_cast<double>(c) * h);
      acc.visits[t] += served_visits;
      acc.visit_latency_s[t] += served_visits * (w.served.m1 + tm.mean_s);
      in = out / h;
    }
    // A dropped request leaves when its wait reaches the timeout.
    const double from = t0 + s * h;
    if (dropped_here > 0) drops_.push_back({from + D, from + h + D, dropped_here});
    acc.completed += in * h;
    add_latency(mix, waits, in * h, acc);
  }
}

IntervalStats AnalyticSimulator::advance(double seconds, double level, const std::vector<double>& mix_shares,
                                         double slo_ms) {
  if (!(seconds > 0) || !std::isfinite(seconds)) throw InputError::field("interval", "must be positive");
  if (!std::isfinite(level) || level < 0) throw InputError::field("load", "must be a finite number >= 0");
  const std::size_t n = app_.tiers.size();
  std::vector<double> shares;
  if (mix_shares.empty()) {
    for (const RequestClass& c : app_.classes) shares.push_back(c.share);
  } else {
    if (mix_shares.size() != app_.classes.size()) {
      throw InputError::field("mix", fmt::format("{} shares for {} request classes", mix_shares.size(),
                                                 app_.classes.size()));
    }
    double total = 0;
    for (double s : mix_shares) {
      if (!std::isfinite(s) || s < 0) throw InputError::field("mix", "shares must be finite and >= 0");
      total += s;
    }
    if (!(total > 0)) throw InputError::field("mix", "the shares sum to 0");
    shares = mix_shares;
  }
  const Mix mix = make_mix(app_, shares);

  Accumulator acc;
  acc.busy_s.assign(n, 0.0);
  acc.capacity_s.assign(n, 0.0);
  acc.visits.assign(n, 0.0);
  acc.visit_latency_s.assign(n, 0.0);
  activate_until(now_);
  const double end = now_ + seconds;
  double t = now_;
  while (t < end - 1e-12) {
    double next = end;
    for (const auto& list : pending_) {
      if (!list.empty()) next = std::min(next, std::max(list.front().first, t));
    }
    if (next <= t + 1e-12) {
      activate_until(t);
      continue;
    }
    const double dt = next - t;
    if (kind_ == LoadKind::kOpen) {
      flow_segment(mix, t, dt, level, nullptr, acc);
    } else {
      closed_segment(mix, t, dt, std::lround(level), acc);
    }
    t = next;
    activate_until(t);
  }
  now_ = end;
  // Requests whose timeout falls in the interval.
  for (Drops& d : drops_) {
    if (d.from >= end) continue;
    const double share = d.to <= end ? 1.0 : (end - d.from) / (d.to - d.from);
    acc.dropped += d.count * share;
    d.count -= d.count * share;
    d.from = end;
  }
  std::erase_if(drops_, [end](const Drops& d) { return d.count <= 1e-9 || d.to <= end; });

  IntervalStats s;
  s.seconds = seconds;
  s.arrived = std::llround(acc.arrived);
  s.completed = std::llround(acc.completed);
  s.dropped = std::llround(acc.dropped);
  if (!acc.parts.empty()) {
    double total = 0, mean = 0;
    for (const Component& c : acc.parts) {
      total += c.weight;
      mean += c.weight * c.mean;
    }
    if (total > 0) {
      s.mean_ms = mean / total * 1000;
      s.p99_ms = mixture_quantile(acc.parts, kQuantile) * 1000;
      const double over = 1 - mixture_at(acc.parts, total, slo_ms / 1000).value;
      s.over_slo = std::llround(std::clamp(over, 0.0, 1.0) * acc.completed);
    }
  }
  s.tier_utilisation.resize(n);
  s.tier_latency_ms.resize(n);
  s.booting.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    s.tier_utilisation[k] = acc.capacity_s[k] > 0 ? std::clamp(acc.busy_s[k] / acc.capacity_s[k], 0.0, 1.0) : 0;
    s.tier_latency_ms[k] = acc.visits[k] > 0 ? acc.visit_latency_s[k] / acc.visits[k] * 1000 : 0;
    for (const auto& p : pending_[k]) s.booting[k] += p.second;
  }
  s.active = active_;
  return s;
}

}  // namespace

std::unique_ptr<AppSimulator> make_analytic_simulator(const AppModel& app, LoadKind kind) {
  return std::make_unique<AnalyticSimulator>(app, kind);
}

}  // namespace fleetopt::scaling
