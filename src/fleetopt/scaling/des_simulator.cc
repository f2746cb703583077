// The request-level discrete-event simulator of the multi-tier application
// (issue 10, simulator (a)); docs/scaling.md describes the model.
//
// Model, exactly:
// - A request (class drawn by the mix shares) visits the tiers in order. At
//   tier t it makes visits[t] visits one after another: floor(visits) plus one
//   more with probability frac(visits), drawn when it reaches the tier. Each
//   visit is one service with mean demand_s[t] (exponential, lognormal with
//   coefficient of variation demand_cv, or deterministic).
// - Each visit joins the active replica of its tier with the fewest visits in
//   it (in service + queued): join-the-shortest-queue at the load balancer,
//   ties to the oldest replica (lowest position in the tier's list). A replica
//   has `cores` servers and one FCFS queue; a queued visit never moves.
// - A visit that has waited timeout_s in a queue is dropped, and with it the
//   request (dropped, not completed). If a tier had no active replica (it
//   cannot happen with min_replicas >= 1) the request would be dropped too.
// - Open loop: Poisson arrivals at `level` requests/s. Closed loop: round(level)
//   clients, each thinks (exponential, mean think_time_s), issues a request,
//   waits for its completion or drop, thinks again. Because think times are
//   exponential, the thinking clients together issue a Poisson stream of rate
//   thinking/think_time, redrawn whenever that number changes (memorylessness
//   makes this exact), so no per-client event exists. Fewer clients: thinking
//   ones leave at once, then clients with a request in flight leave when it
//   ends; more clients: pending departures are cancelled first.
// - set_replicas: added replicas serve boot_delay_s later; removing takes the
//   newest booting replicas first, then the newest active ones, which stop
//   taking visits at once and leave when empty (drain). A draining replica's
//   cores still count as serving cores in the utilisation.
//
// Speed: service completions go to a timing wheel (timing_wheel.h: O(1)
// push and pop, one event per slot, inline), the rest (completions beyond
// its window or whose slot is taken, queue timeouts, boots) to one 4-ary heap
// of 16-byte events; the loop takes
// the earlier front, so the order is exact. The next arrival lives outside
// both; requests live in a
// pool with a free list (a request has at most one visit outstanding, so the
// visit state is part of the request); replica queues are ring buffers; the
// random numbers come from xoshiro256++ with a 256-layer ziggurat for the
// exponential draws. Nothing is allocated per event once pools have grown to
// the peak population. Latencies go to a log-linear histogram (128 bins per
// octave: under 0.8% relative bin width, latency_histogram.h), so memory
// stays flat. The generator is fleetopt/core/fast_rng.h.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/fast_rng.h"
#include "fleetopt/scaling/app_simulator.h"
#include "fleetopt/scaling/latency_histogram.h"
#include "fleetopt/scaling/timing_wheel.h"

namespace fleetopt::scaling {
namespace {

// The event handlers are inlined into the loop (measured: GCC leaves push out of line).
#define FLEETOPT_HOT [[gnu::always_inline]] inline

constexpr double kInf = std::numeric_limits<double>::infinity();
// The timing wheel's slot width as a fraction of the mean gap between
// completions: a slot holds one event, and the closer ones go to the heap, so
// narrow slots keep collisions rare (medians of 4 rounds, default / scaled-out
// app: 1/2 -> 4.9 / 3.2 M req/s, 1/4 -> 5.1 / 4.0, 1/8 -> 5.1 / 4.4, 1/16 ->
// 5.2 / 4.2).
constexpr double kWheelGapFraction = 0.125;

// ---------------------------------------------------------------- the simulator

enum EventKind : std::uint32_t { kComplete = 0, kTimeout = 1, kBoot = 2 };
constexpr int kKindShift = 30;
constexpr std::uint32_t kIndexMask = (1u << kKindShift) - 1;

struct Event {  // 16 bytes
  double t;
  std::uint32_t kind_index;  // kind << 30 | request (complete) or replica (timeout, boot)
  std::uint32_t tag;         // replica generation (timeout, boot)
};

Event make_event(double t, EventKind kind, std::uint32_t index, std::uint32_t tag) {
  return {t, static_cast<std::uint32_t>(kind) << kKindShift | index, tag};
}

struct Request {  // 32 bytes; a request has one visit outstanding at a time, so it holds the visit
  double issue = 0;       // when issued
  double enqueued = 0;    // when the current visit joined its replica
  std::int32_t replica = -1;
  std::int32_t cls = 0;
  std::int32_t tier = 0;
  std::int32_t visits_left = 0;  // visits still to make at this tier after the current one
};

enum class ReplicaState : std::uint8_t { kFree, kBooting, kActive, kDraining };

// Queue timeouts: the queue is FCFS and every visit may wait the same
// timeout, so the head of a queue always has the earliest deadline. A replica
// with a non-empty queue has one timeout event pending, at the deadline of the
// head it saw when scheduled; when it fires it drops every head whose
// deadline has come and re-arms for the new head. Drops happen exactly at
// their deadline, and the heap holds at most one timeout per replica.
struct Replica {
  std::int32_t tier = 0;
  std::int32_t busy = 0;  // cores serving a visit
  std::uint32_t generation = 0;  // bumped when the replica is freed: its pending events go stale
  ReplicaState state = ReplicaState::kFree;
  bool timeout_pending = false;
  std::int32_t pos = -1;  // position in its tier's accepting list, -1 when not accepting
  // FCFS queue of request ids: ring buffer, capacity a power of two.
  std::vector<std::uint32_t> ring;
  std::uint32_t head = 0, size = 0;
  std::int32_t load() const { return busy + static_cast<std::int32_t>(size); }
};

struct TierState {
  std::int32_t cores = 1;
  std::vector<std::int32_t> accepting;  // active replicas taking visits, oldest first
  std::vector<std::int32_t> load;       // their visits (in service + queued), same positions: JSQ scans this
  std::vector<std::int32_t> booting;    // asked for, not serving yet, oldest first
  std::int32_t draining = 0;
  std::int32_t serving_cores = 0;  // cores of active + draining replicas
  double last = 0;                 // time of the last serving-area update
  double serving_area = 0;         // serving core-seconds in the current interval
  // Busy core-seconds in the interval = busy_carry (work of services under
  // way at its start that falls after the start) + busy_started (services
  // started in it, whole) - the part of services under way at its end that
  // falls after the end. Keeps the per-event cost at one addition.
  double busy_carry = 0, busy_started = 0;
  double residence_sum = 0;        // visits completed in the current interval
  std::int64_t residence_n = 0;
};

struct VisitSpec {  // per class and tier
  std::int32_t whole = 0;
  double frac = 0;
  // uniform() < frac exactly when the 53 random bits behind uniform() are
  // below this: ceil(frac * 2^53) (a power-of-two scale is exact).
  std::uint64_t frac_bits = 0;
  double mean = 0;
  double log_mu = 0, log_sigma = 0;  // lognormal parameters
};

class DiscreteEventSimulator final : public AppSimulator {
 public:
  DiscreteEventSimulator(const AppModel& app, LoadKind kind, std::uint64_t seed)
      : app_(app), kind_(kind), rng_(seed), num_tiers_(app.num_tiers()) {
    app_.validate();
    const auto nt = static_cast<std::size_t>(num_tiers_);
    tiers_.resize(nt);
    const double sigma2 = std::log1p(app_.demand_cv * app_.demand_cv);
    for (const RequestClass& c : app_.classes) {
      default_mix_.push_back(c.share);
      for (std::size_t t = 0; t < nt; ++t) {
        VisitSpec v;
        const double whole = std::floor(c.visits[t]);
        v.whole = static_cast<std::int32_t>(whole);
        v.frac = c.visits[t] - whole;
        v.frac_bits = static_cast<std::uint64_t>(std::ceil(std::ldexp(v.frac, 53)));
        v.mean = c.demand_s[t];
        v.log_sigma = std::sqrt(sigma2);
        v.log_mu = c.demand_s[t] > 0 ? std::log(c.demand_s[t]) - sigma2 / 2 : -kInf;
        visit_specs_.push_back(v);
      }
    }
    set_mix({});
    timeout_ = app_.timeout_s > 0 && std::isfinite(app_.timeout_s) ? app_.timeout_s : kInf;
    for (std::size_t t = 0; t < nt; ++t) {
      tiers_[t].cores = app_.tiers[t].cores;
      const int n = std::clamp(app_.tiers[t].initial_replicas, app_.tiers[t].min_replicas, app_.tiers[t].max_replicas);
      for (int i = 0; i < n; ++i) activate(new_replica(static_cast<std::int32_t>(t)));
    }
    heap_.assign(kHeapPad, Event{kInf, 0, 0});
    requests_.reserve(1024);
    free_requests_.reserve(1024);
  }

  void set_replicas(const std::vector<int>& target) override {
    if (target.size() != static_cast<std::size_t>(num_tiers_)) {
      throw InputError::field("replicas", fmt::format("{} counts for {} tiers", target.size(), num_tiers_));
    }
    for (std::size_t t = 0; t < target.size(); ++t) {
      TierState& tier = tiers_[t];
      const int want = std::clamp(target[t], app_.tiers[t].min_replicas, app_.tiers[t].max_replicas);
      int have = static_cast<int>(tier.accepting.size() + tier.booting.size());
      for (; have < want; ++have) {
        const std::int32_t r = new_replica(static_cast<std::int32_t>(t));
        if (app_.boot_delay_s > 0) {
          replicas_[static_cast<std::size_t>(r)].state = ReplicaState::kBooting;
          tier.booting.push_back(r);
          push(make_event(now_ + app_.boot_delay_s, kBoot, static_cast<std::uint32_t>(r),
                          replicas_[static_cast<std::size_t>(r)].generation));
        } else {
          activate(r);
        }
      }
      for (; have > want && !tier.booting.empty(); --have) {  // the newest booting first
        const std::int32_t r = tier.booting.back();
        tier.booting.pop_back();
        free_replica(r);
      }
      for (; have > want && !tier.accepting.empty(); --have) {  // then the newest active: drain
        const std::int32_t r = tier.accepting.back();
        tier.accepting.pop_back();
        tier.load.pop_back();
        Replica& rep = replicas_[static_cast<std::size_t>(r)];
        rep.state = ReplicaState::kDraining;
        rep.pos = -1;
        ++tier.draining;
        if (rep.load() == 0) retire(r);
      }
    }
  }

  std::vector<int> replicas() const override {
    std::vector<int> out;
    for (const TierState& t : tiers_) out.push_back(static_cast<int>(t.accepting.size() + t.booting.size()));
    return out;
  }

  IntervalStats advance(double seconds, double level, const std::vector<double>& mix, double slo_ms) override {
    if (!(seconds >= 0) || !std::isfinite(seconds)) throw InputError::field("seconds", fmt::format("bad interval {}", seconds));
    if (!(level >= 0) || !std::isfinite(level)) throw InputError::field("level", fmt::format("bad load level {}", level));
    set_mix(mix);
    const double t_end = now_ + seconds;
    // Interval counters.
    arrived_ = completed_ = dropped_ = over_slo_ = 0;
    latency_sum_ = 0;
    slo_s_ = slo_ms / 1000.0;
    histogram_.clear();
    for (TierState& t : tiers_) {
      t.last = now_;
      t.serving_area = 0;
      t.busy_started = 0;
      t.residence_sum = 0;
      t.residence_n = 0;
    }
    set_level(level);
    fit_wheel();
    run_until(t_end);
    wheel_seconds_ += seconds;
    now_ = t_end;

    IntervalStats s;
    s.seconds = seconds;
    s.arrived = arrived_;
    s.completed = completed_;
    s.dropped = dropped_;
    s.over_slo = over_slo_;
    s.mean_ms = completed_ > 0 ? 1000.0 * latency_sum_ / static_cast<double>(completed_) : 0;
    s.p99_ms = 1000.0 * histogram_.quantile(0.99, completed_);
    std::vector<double> carry_out(tiers_.size(), 0.0);  // service time after t_end of the visits in service
    for (std::size_t i = 0; i < heap_n_; ++i) {
      const Event& e = heap_[i];
      if (e.kind_index >> kKindShift == kComplete) {
        carry_out[static_cast<std::size_t>(requests_[e.kind_index & kIndexMask].tier)] += e.t - t_end;
      }
    }
    wheel_.for_each([&](const TimingWheel::Entry& e) {
      carry_out[static_cast<std::size_t>(requests_[e.id].tier)] += e.t - t_end;
    });
    for (std::size_t k = 0; k < tiers_.size(); ++k) {
      TierState& t = tiers_[k];
      touch_serving(t);
      const double busy = t.busy_carry + t.busy_started - carry_out[k];
      t.busy_carry = carry_out[k];
      s.tier_utilisation.push_back(t.serving_area > 0 ? std::clamp(busy / t.serving_area, 0.0, 1.0) : 0.0);
      s.tier_latency_ms.push_back(t.residence_n > 0 ? 1000.0 * t.residence_sum / static_cast<double>(t.residence_n)
                                                    : 0.0);
      s.active.push_back(static_cast<int>(t.accepting.size()));
      s.booting.push_back(static_cast<int>(t.booting.size()));
    }
    return s;
  }

 private:
  // ---- load

  void set_mix(const std::vector<double>& mix) {
    const std::vector<double>& shares = mix.empty() ? default_mix_ : mix;
    if (shares.size() != app_.classes.size()) {
      throw InputError::field("mix", fmt::format("{} shares for {} request classes", shares.size(), app_.classes.size()));
    }
    double total = 0;
    for (double x : shares) {
      if (!(x >= 0) || !std::isfinite(x)) throw InputError::field("mix", fmt::format("bad share {}", x));
      total += x;
    }
    if (!(total > 0)) throw InputError::field("mix", "the shares sum to 0");
    mix_cumulative_.clear();
    double acc = 0;
    for (double x : shares) mix_cumulative_.push_back(acc += x / total);
    mix_cumulative_.back() = 2;  // catches rounding: u < 1 always lands in a class
  }

  // Redraws the next arrival only when the load changes (memoryless: exact),
  // so that splitting an interval in two changes nothing.
  void set_level(double level) {
    if (kind_ == LoadKind::kOpen) {
      if (level != rate_) {
        rate_ = level;
        draw_next_arrival();
      }
    } else {
      const std::int64_t thinking_before = thinking_;
      const auto want = static_cast<std::int64_t>(std::llround(level));
      std::int64_t have = thinking_ + in_request_ - retire_pending_;
      if (want > have) {
        const std::int64_t cancel = std::min(want - have, retire_pending_);
        retire_pending_ -= cancel;
        have += cancel;
        thinking_ += want - have;
      } else if (want < have) {
        const std::int64_t leave_now = std::min(have - want, thinking_);
        thinking_ -= leave_now;
        have -= leave_now;
        retire_pending_ += have - want;
      }
      if (thinking_ != thinking_before) draw_next_arrival();
    }
  }

  void draw_next_arrival() {
    if (kind_ == LoadKind::kOpen) {
      next_arrival_ = rate_ > 0 ? now_ + rng_.exp1() / rate_ : kInf;
    } else if (thinking_ == 0) {
      next_arrival_ = kInf;
    } else {
      next_arrival_ = now_ + rng_.exp1() * app_.think_time_s / static_cast<double>(thinking_);
    }
  }

  // ---- event loop

  // Sets the wheel's slot width to kWheelGapFraction of the mean gap between
  // the completions it gave since the last change; changes only by more than 2x
  // (re-filing costs a pass over the pending events). The order of events
  // never depends on it.
  void fit_wheel() {
    if (wheel_events_ < 1000) return;
    const double width = kWheelGapFraction * wheel_seconds_ / static_cast<double>(wheel_events_);
    wheel_events_ = 0;
    wheel_seconds_ = 0;
    if (!(width > 1e-9 && width < 1e3)) return;
    const double ratio = width / wheel_.width();
    if (ratio > 0.5 && ratio < 2) return;
    wheel_.set_width(width, now_);
    for (const TimingWheel::Entry& e : wheel_.take_overflow()) push(make_event(e.t, kComplete, e.id, 0));
  }

  void run_until(double t_end) {
    for (;;) {
      const TimingWheel::Front w = wheel_.front();
      const double th = heap_[0].t;  // infinite when the heap is empty (padding)
      const double te = std::min(w.t, th);
      if (next_arrival_ <= te) {
        if (next_arrival_ > t_end) break;
        now_ = next_arrival_;
        arrive();
      } else if (w.t <= th) {
        if (te > t_end) break;
        now_ = te;
        wheel_.pop(w);
        ++wheel_events_;
        complete(w.id);
      } else {
        if (te > t_end) break;
        now_ = te;
        const Event e = heap_[0];
        top_free_ = true;  // the first push while handling e replaces the top instead of a pop + push
        const std::uint32_t index = e.kind_index & kIndexMask;
        switch (e.kind_index >> kKindShift) {
          case kComplete: complete(index); break;
          case kTimeout: timeout(static_cast<std::int32_t>(index), e.tag); break;
          default: boot(index, e.tag); break;
        }
        if (top_free_) pop();
        top_free_ = false;
      }
    }
  }

  FLEETOPT_HOT void arrive() {
    if (kind_ == LoadKind::kOpen) {
      next_arrival_ = rate_ > 0 ? now_ + rng_.exp1() / rate_ : kInf;
    } else {
      --thinking_;
      ++in_request_;
      draw_next_arrival();
    }
    ++arrived_;
    const std::uint32_t id = new_request();
    Request& q = requests_[id];
    q.issue = now_;
    std::int32_t cls = 0;
    if (mix_cumulative_.size() > 1) {
      const double u = rng_.uniform();
      while (u >= mix_cumulative_[static_cast<std::size_t>(cls)]) ++cls;
    }
    q.cls = cls;
    enter_tier(id, 0);
  }

  // Moves request id to the first tier >= from where it makes a visit, or completes it.
  FLEETOPT_HOT void enter_tier(std::uint32_t id, std::int32_t from) {
    Request& q = requests_[id];
    const VisitSpec* spec = &visit_specs_[static_cast<std::size_t>(q.cls * num_tiers_)];
    for (std::int32_t t = from; t < num_tiers_; ++t) {
      const VisitSpec& v = spec[t];
      std::int32_t n = v.whole;
      if (v.frac > 0) n += (rng_.next() >> 11) < v.frac_bits;
      if (n > 0) {
        q.tier = t;
        q.visits_left = n - 1;
        visit(id);
        return;
      }
    }
    finish(id);
  }

  FLEETOPT_HOT void visit(std::uint32_t id) {
    Request& q = requests_[id];
    TierState& tier = tiers_[static_cast<std::size_t>(q.tier)];
    // Join the shortest queue; ties to the oldest replica.
    std::int32_t* load = tier.load.data();
    const std::size_t n = tier.load.size();
    if (n == 0) {
      drop(id);
      return;
    }
    // Branch-free scan (the comparisons are unpredictable; tiers have few replicas).
    std::size_t pick = 0;
    std::int32_t least = load[0];
    for (std::size_t i = 1; i < n; ++i) {
      const bool better = load[i] < least;
      pick = better ? i : pick;
      least = better ? load[i] : least;
    }
    ++load[pick];
    const std::int32_t best = tier.accepting[pick];
    Replica& rep = replicas_[static_cast<std::size_t>(best)];
    q.replica = best;
    q.enqueued = now_;
    if (rep.busy < tier.cores) {
      start_service(tier, rep, id);
    } else {
      enqueue(rep, id);
      if (!rep.timeout_pending && timeout_ < kInf) {
        rep.timeout_pending = true;
        push(make_event(now_ + timeout_, kTimeout, static_cast<std::uint32_t>(best), rep.generation));
      }
    }
  }

  FLEETOPT_HOT void start_service(TierState& tier, Replica& rep, std::uint32_t id) {
    ++rep.busy;
    const double s = service_time(requests_[id]);
    tier.busy_started += s;
    const double t = now_ + s;
    if (!wheel_.try_push(t, id, now_)) push(make_event(t, kComplete, id, 0));
  }

  FLEETOPT_HOT double service_time(const Request& q) {
    const VisitSpec& v = visit_specs_[static_cast<std::size_t>(q.cls * num_tiers_ + q.tier)];
    switch (app_.distribution) {
      case DemandDistribution::kExponential: return v.mean * rng_.exp1();
      case DemandDistribution::kLognormal: return v.mean > 0 ? std::exp(v.log_mu + v.log_sigma * rng_.normal()) : 0;
      default: return v.mean;
    }
  }

  FLEETOPT_HOT void complete(std::uint32_t id) {
    Request& q = requests_[id];
    const std::int32_t r = q.replica;
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    TierState& tier = tiers_[static_cast<std::size_t>(q.tier)];
    tier.residence_sum += now_ - q.enqueued;
    ++tier.residence_n;
    --rep.busy;
    if (rep.pos >= 0) --tier.load[static_cast<std::size_t>(rep.pos)];
    // The freed core takes the oldest queued visit.
    if (rep.size > 0) start_service(tier, rep, dequeue(rep));
    if (rep.state == ReplicaState::kDraining && rep.load() == 0) retire(r);
    if (q.visits_left > 0) {
      --q.visits_left;
      visit(id);
    } else {
      enter_tier(id, q.tier + 1);
    }
  }

  void timeout(std::int32_t r, std::uint32_t generation) {
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    if (rep.generation != generation) return;  // the replica left meanwhile
    rep.timeout_pending = false;
    while (rep.size > 0) {
      const std::uint32_t id = rep.ring[rep.head];
      const double deadline = requests_[id].enqueued + timeout_;
      if (deadline > now_) {  // re-arm for the new head
        rep.timeout_pending = true;
        push(make_event(deadline, kTimeout, static_cast<std::uint32_t>(r), generation));
        break;
      }
      dequeue(rep);
      if (rep.pos >= 0) --tiers_[static_cast<std::size_t>(rep.tier)].load[static_cast<std::size_t>(rep.pos)];
      drop(id);
    }
    if (rep.state == ReplicaState::kDraining && rep.load() == 0) retire(r);
  }

  void drop(std::uint32_t id) {
    ++dropped_;
    release(id);
  }

  FLEETOPT_HOT void finish(std::uint32_t id) {
    const double latency = now_ - requests_[id].issue;
    ++completed_;
    latency_sum_ += latency;
    if (latency > slo_s_) ++over_slo_;
    histogram_.add(latency);
    release(id);
  }

  FLEETOPT_HOT void release(std::uint32_t id) {
    free_requests_.push_back(id);
    if (kind_ == LoadKind::kClosed) {
      --in_request_;
      if (retire_pending_ > 0) {
        --retire_pending_;
      } else {
        ++thinking_;
        draw_next_arrival();
      }
    }
  }

  FLEETOPT_HOT std::uint32_t new_request() {
    if (!free_requests_.empty()) {
      const std::uint32_t id = free_requests_.back();
      free_requests_.pop_back();
      return id;
    }
    if (requests_.size() > kIndexMask) throw std::length_error("discrete-event simulator: over 2^30 requests in flight");
    requests_.emplace_back();
    return static_cast<std::uint32_t>(requests_.size() - 1);
  }

  // ---- replicas

  std::int32_t new_replica(std::int32_t tier) {
    std::int32_t r;
    if (!free_replicas_.empty()) {
      r = free_replicas_.back();
      free_replicas_.pop_back();
    } else {
      replicas_.emplace_back();
      r = static_cast<std::int32_t>(replicas_.size() - 1);
    }
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    rep.tier = tier;
    rep.busy = 0;
    rep.head = rep.size = 0;
    rep.timeout_pending = false;
    if (rep.ring.empty()) rep.ring.resize(16);
    return r;
  }

  void activate(std::int32_t r) {
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    TierState& tier = tiers_[static_cast<std::size_t>(rep.tier)];
    rep.state = ReplicaState::kActive;
    rep.pos = static_cast<std::int32_t>(tier.accepting.size());
    tier.accepting.push_back(r);
    tier.load.push_back(rep.load());
    touch_serving(tier);
    tier.serving_cores += tier.cores;
  }

  void boot(std::uint32_t index, std::uint32_t generation) {
    const auto r = static_cast<std::int32_t>(index);
    Replica& rep = replicas_[index];
    if (rep.generation != generation || rep.state != ReplicaState::kBooting) return;  // cancelled
    std::vector<std::int32_t>& booting = tiers_[static_cast<std::size_t>(rep.tier)].booting;
    booting.erase(std::find(booting.begin(), booting.end(), r));
    activate(r);
  }

  void free_replica(std::int32_t r) {
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    rep.state = ReplicaState::kFree;
    ++rep.generation;
    rep.head = rep.size = 0;
    rep.timeout_pending = false;
    rep.pos = -1;
    free_replicas_.push_back(r);
  }

  void retire(std::int32_t r) {  // a drained replica leaves
    TierState& tier = tiers_[static_cast<std::size_t>(replicas_[static_cast<std::size_t>(r)].tier)];
    touch_serving(tier);
    tier.serving_cores -= tier.cores;
    --tier.draining;
    free_replica(r);
  }

  static std::uint32_t dequeue(Replica& rep) {
    const std::uint32_t id = rep.ring[rep.head];
    rep.head = (rep.head + 1) & static_cast<std::uint32_t>(rep.ring.size() - 1);
    --rep.size;
    return id;
  }

  static void enqueue(Replica& rep, std::uint32_t e) {
    if (rep.size == rep.ring.size()) {  // grow: unroll the ring into a buffer twice as big
      std::vector<std::uint32_t> bigger(rep.ring.size() * 2);
      for (std::uint32_t i = 0; i < rep.size; ++i) {
        bigger[i] = rep.ring[(rep.head + i) & static_cast<std::uint32_t>(rep.ring.size() - 1)];
      }
      rep.ring.swap(bigger);
      rep.head = 0;
    }
    rep.ring[(rep.head + rep.size) & static_cast<std::uint32_t>(rep.ring.size() - 1)] = e;
    ++rep.size;
  }

  void touch_serving(TierState& t) const {
    const double dt = now_ - t.last;
    t.serving_area += static_cast<double>(t.serving_cores) * dt;
    t.last = now_;
  }

  // ---- event heap (4-ary, keyed on time: half the depth of a binary heap).
  // heap_[0, heap_n_) is the heap; the slots after it hold infinite times, so
  // every node has four children to compare (no partial last group).

  static constexpr std::size_t kHeapPad = 64;

  FLEETOPT_HOT void push(const Event& e) {
    if (top_free_) {
      top_free_ = false;
      sift_from_top(e);
      return;
    }
    if (heap_n_ + 4 >= heap_.size()) heap_.resize(2 * heap_.size(), Event{kInf, 0, 0});  // children of the last node exist
    sift_up(heap_n_++, e);
  }

  FLEETOPT_HOT void pop() {
    const Event last = heap_[--heap_n_];
    heap_[heap_n_].t = kInf;
    if (heap_n_ > 0) sift_from_top(last);
  }

  // Puts e at the top's place: the hole sinks to a leaf along the smaller
  // children, then e rises from there (few comparisons: e is usually late).
  FLEETOPT_HOT void sift_from_top(const Event& e) {
    const std::size_t n = heap_n_;
    Event* h = heap_.data();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      // Branch-free tournament of the four children (padding loses).
      const std::size_t a = first + static_cast<std::size_t>(h[first + 1].t < h[first].t);
      const std::size_t b = first + 2 + static_cast<std::size_t>(h[first + 3].t < h[first + 2].t);
      const std::size_t c = h[b].t < h[a].t ? b : a;
      h[i] = h[c];
      i = c;
    }
    sift_up(i, e);
  }

  // Puts e into the hole at i, moving later parents down.
  FLEETOPT_HOT void sift_up(std::size_t i, const Event& e) {
    while (i > 0) {
      const std::size_t p = (i - 1) / 4;
      if (heap_[p].t <= e.t) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }

  AppModel app_;
  LoadKind kind_;
  FastRng rng_;
  std::int32_t num_tiers_;
  std::vector<VisitSpec> visit_specs_;  // [class * tiers + tier]
  std::vector<double> default_mix_, mix_cumulative_;
  double timeout_ = kInf;

  double now_ = 0;
  TimingWheel wheel_;        // service completions within its window
  std::int64_t wheel_events_ = 0;  // completions taken from it since its width was last fitted
  double wheel_seconds_ = 0;
  std::vector<Event> heap_;  // heap_n_ events, then padding: completions beyond the wheel, timeouts, boots
  std::size_t heap_n_ = 0;
  bool top_free_ = false;
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_requests_;
  std::vector<Replica> replicas_;
  std::vector<std::int32_t> free_replicas_;
  std::vector<TierState> tiers_;

  // Load.
  double rate_ = 0;  // open loop
  double next_arrival_ = kInf;
  std::int64_t thinking_ = 0, in_request_ = 0, retire_pending_ = 0;  // closed loop

  // Current interval.
  std::int64_t arrived_ = 0, completed_ = 0, dropped_ = 0, over_slo_ = 0;
  double latency_sum_ = 0;
  double slo_s_ = kInf;
  LatencyHistogram histogram_;
};

}  // namespace

std::unique_ptr<AppSimulator> make_discrete_event_simulator(const AppModel& app, LoadKind kind, std::uint64_t seed) {
  return std::make_unique<DiscreteEventSimulator>(app, kind, seed);
}

}  // namespace fleetopt::scaling
