// The stations of the analytic model (analytic_simulator.cc): the stationary
// M/M/c+D queue of the open loop (patience D = the timeout) and the
// finite-source (machine-repairman) station of the closed loop, each giving
// the distribution of an arriving visit's wait. Internal to the scaling module.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "fleetopt/scaling/latency_distribution.h"

namespace fleetopt::scaling::queueing {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Erlang's loss probability with n servers and offered load A (n = 0: 1).
double erlang_b(long n, double A);

// Wait of a visit that is served, and the share of visits dropped.
struct VisitWait {
  double p_drop = 0;
  Moments served;       // moments of the wait of served visits
  double decorrelation = 0;  // 1/s: waits of visits d seconds apart correlate as e^{-d x this}
};

// Heavy-traffic decorrelation rate of a station's wait (rho: utilisation,
// m: capacity in visits/s, f: Allen-Cunneen factor).
double decorrelation_rate(double rho, double m, double f);

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

struct FiniteSource {
  double busy = 0;         // mean busy servers
  VisitWait wait;          // as seen by an arriving visit (arrival theorem)
};

// Machine-repairman station: N sources each arriving at rate alpha while
// away, c servers of rate mu on `replicas` replicas, Allen-Cunneen factor f,
// patience D.
FiniteSource finite_source(long N, double alpha, double mu, long c, int replicas, double f, double D);

}  // namespace fleetopt::scaling::queueing
