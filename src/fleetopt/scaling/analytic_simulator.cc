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
#include "fleetopt/scaling/latency_distribution.h"
#include "fleetopt/scaling/queueing_stations.h"

namespace fleetopt::scaling {
namespace {

using namespace queueing;
constexpr double kQuantile = 0.99;
// Time slices per segment while a tier's queue is away from equilibrium.
constexpr int kSlices = 10;

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
