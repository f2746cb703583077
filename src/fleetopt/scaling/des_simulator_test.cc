// The discrete-event simulator against closed forms: M/M/1 (mean and p99),
// M/M/c (Erlang C mean wait and the response-time tail), M/D/1 and M/G/1
// (Pollaczek-Khinchine), a tandem of two M/M/1 queues (Jackson), the
// closed-loop machine-repairman model (exact mean-value analysis, Little's
// law, the throughput bounds); then the mechanics: boot delay, drain,
// timeouts, client changes, carry-over between intervals, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "fleetopt/core/error.h"
#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"

namespace fleetopt::scaling {
namespace {

constexpr double kNoSlo = 1e12;

// One tier of `replicas` replicas with `cores` cores each, one class, one
// visit of mean `demand_s`.
AppModel one_tier(int cores, int replicas, double demand_s) {
  AppModel app;
  app.tiers = {{"only", cores, 1, 20, replicas}};
  app.classes = {{"all", 1, {demand_s}, {1}}};
  app.timeout_s = 86'400;
  app.boot_delay_s = 0;
  return app;
}

struct Totals {
  std::int64_t arrived = 0, completed = 0, dropped = 0, over_slo = 0;
  void add(const IntervalStats& s) {
    arrived += s.arrived;
    completed += s.completed;
    dropped += s.dropped;
    over_slo += s.over_slo;
  }
};

// Erlang C: probability that an arrival waits in an M/M/c queue.
double erlang_c(int c, double a) {
  double term = 1, sum = 0;  // a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double rho = a / c;
  const double last = term / (1 - rho);
  return last / (sum + last);
}

TEST(DiscreteEvent, MM1MeanAndP99MatchClosedForm) {
  const double mu = 1000;  // 1 ms mean service
  for (double rho : {0.5, 0.8}) {
    SCOPED_TRACE(rho);
    const double lambda = rho * mu;
    auto sim = make_discrete_event_simulator(one_tier(1, 1, 1 / mu), LoadKind::kOpen, 7);
    sim->advance(20, lambda, {}, kNoSlo);  // warm-up
    const double slo_ms = 1000 * std::log(10.0) / (mu - lambda);  // P(T > slo) = 10%
    // Requests needed for a few percent: the autocorrelation of response times grows as 1 / (1 - rho)^2.
    // Over 40 seeds the errors are unbiased; at rho = 0.8 the p99 error has a
    // standard deviation of 1.1% and the tail fraction one of 0.0012.
    const double requests = rho < 0.7 ? 600'000 : 2'500'000;
    const IntervalStats s = sim->advance(requests / lambda, lambda, {}, slo_ms);
    const double mean_ms = 1000 / (mu - lambda);
    const double p99_ms = 1000 * std::log(100.0) / (mu - lambda);
    EXPECT_NEAR(s.mean_ms, mean_ms, 0.03 * mean_ms);
    EXPECT_NEAR(s.p99_ms, p99_ms, 0.05 * p99_ms);
    EXPECT_NEAR(static_cast<double>(s.over_slo) / static_cast<double>(s.completed), 0.10, 0.005);
    EXPECT_NEAR(s.tier_utilisation[0], rho, 0.01);
    EXPECT_NEAR(s.tier_latency_ms[0], mean_ms, 0.03 * mean_ms);  // one visit: residence = response time
    EXPECT_NEAR(s.throughput(), lambda, 0.01 * lambda);
    EXPECT_EQ(s.dropped, 0);
  }
}

// M/M/c as one replica with c cores (one FCFS queue feeding c servers: exactly M/M/c).
TEST(DiscreteEvent, MMcOneReplicaOfCCoresMatchesErlangC) {
  const int c = 4;
  const double mu = 1000, lambda = 0.8 * c * mu;
  auto sim = make_discrete_event_simulator(one_tier(c, 1, 1 / mu), LoadKind::kOpen, 11);
  sim->advance(5, lambda, {}, kNoSlo);
  const double prob_wait = erlang_c(c, lambda / mu);
  const double alpha = c * mu - lambda;  // the wait, given that there is one, is Exp(alpha)
  const double wq_ms = 1000 * prob_wait / alpha;
  const double x = 0.004;  // seconds
  const double tail = (1 - prob_wait) * std::exp(-mu * x) +
                      prob_wait * (alpha * std::exp(-mu * x) - mu * std::exp(-alpha * x)) / (alpha - mu);
  const IntervalStats s = sim->advance(1'200'000 / lambda, lambda, {}, 1000 * x);
  const double mean_ms = wq_ms + 1000 / mu;
  EXPECT_NEAR(s.mean_ms, mean_ms, 0.03 * mean_ms);
  EXPECT_NEAR(s.mean_ms - 1000 / mu, wq_ms, 0.06 * wq_ms);  // the waiting part alone
  EXPECT_NEAR(static_cast<double>(s.over_slo) / static_cast<double>(s.completed), tail, 0.06 * tail);
  EXPECT_NEAR(s.tier_utilisation[0], 0.8, 0.01);
}

// c replicas of one core behind join-the-shortest-queue: no jockeying, so the
// mean wait lies between M/M/c (one shared queue) and c separate M/M/1 queues
// fed at lambda/c (random split).
TEST(DiscreteEvent, JsqOverSingleCoreReplicasLiesBetweenMMcAndRandomSplit) {
  const int c = 4;
  const double mu = 1000, lambda = 0.8 * c * mu;
  auto sim = make_discrete_event_simulator(one_tier(1, c, 1 / mu), LoadKind::kOpen, 12);
  sim->advance(5, lambda, {}, kNoSlo);
  const IntervalStats s = sim->advance(1'000'000 / lambda, lambda, {}, kNoSlo);
  const double wq_mmc_ms = 1000 * erlang_c(c, lambda / mu) / (c * mu - lambda);
  const double wq_split_ms = 1000 * (lambda / c) / (mu * (mu - lambda / c));  // M/M/1: rho / (mu - lambda)
  const double wq_ms = s.mean_ms - 1000 / mu;
  EXPECT_GT(wq_ms, wq_mmc_ms * 1.05);
  EXPECT_LT(wq_ms, wq_split_ms * 0.5);  // JSQ is far better than a random split
  EXPECT_NEAR(s.tier_utilisation[0], 0.8, 0.01);
  EXPECT_EQ(s.active, std::vector<int>{c});
}

// Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)), E[S^2] = (1 + cv^2) m^2.
TEST(DiscreteEvent, MD1AndLognormalMG1MatchPollaczekKhinchine) {
  const double m = 0.001, lambda = 700;
  for (auto [dist, cv] : {std::pair{DemandDistribution::kDeterministic, 0.0},
                          std::pair{DemandDistribution::kLognormal, 2.0}}) {
    SCOPED_TRACE(cv);
    AppModel app = one_tier(1, 1, m);
    app.distribution = dist;
    app.demand_cv = cv;
    auto sim = make_discrete_event_simulator(app, LoadKind::kOpen, 5);
    sim->advance(10, lambda, {}, kNoSlo);
    const IntervalStats s = sim->advance(1'000'000 / lambda, lambda, {}, kNoSlo);
    const double rho = lambda * m;
    const double wq_ms = 1000 * lambda * (1 + cv * cv) * m * m / (2 * (1 - rho));
    EXPECT_NEAR(s.mean_ms - 1000 * m, wq_ms, (cv > 0 ? 0.08 : 0.03) * wq_ms);
    EXPECT_NEAR(s.tier_utilisation[0], rho, 0.01);
  }
}

// Two M/M/1 queues in series (a Jackson network): each tier behaves as an
// M/M/1 queue and the response time is the sum. A third tier with 1.5 visits
// per request (one or two, half and half) gets 1.5 times the work.
TEST(DiscreteEvent, TandemTiersAndFractionalVisits) {
  AppModel app;
  app.tiers = {{"a", 1, 1, 4, 1}, {"b", 1, 1, 4, 1}, {"c", 4, 1, 4, 1}};
  app.classes = {{"all", 1, {0.001, 0.0015, 0.002}, {1, 1, 1.5}}};
  app.timeout_s = 86'400;
  const double lambda = 500;
  auto sim = make_discrete_event_simulator(app, LoadKind::kOpen, 3);
  sim->advance(10, lambda, {}, kNoSlo);
  const IntervalStats s = sim->advance(600'000 / lambda, lambda, {}, kNoSlo);
  const double a_ms = 1000 / (1000 - lambda), b_ms = 1000 / (1000 / 1.5 - lambda);
  EXPECT_NEAR(s.tier_latency_ms[0], a_ms, 0.03 * a_ms);
  EXPECT_NEAR(s.tier_latency_ms[1], b_ms, 0.05 * b_ms);
  EXPECT_NEAR(s.tier_utilisation[0], 0.5, 0.01);
  EXPECT_NEAR(s.tier_utilisation[1], 0.75, 0.01);
  EXPECT_NEAR(s.tier_utilisation[2], lambda * 1.5 * 0.002 / 4, 0.01);
  // The end-to-end mean is the sum of the tiers' residence times (1.5 visits at c).
  EXPECT_NEAR(s.mean_ms, s.tier_latency_ms[0] + s.tier_latency_ms[1] + 1.5 * s.tier_latency_ms[2], 0.01 * s.mean_ms);
}

// Exact mean-value analysis of one FCFS exponential server with N clients
// thinking Z (the machine-repairman model; MVA is exact for it).
struct Mva {
  double throughput, response;
};
Mva mva(int n, double d, double z) {
  double q = 0, x = 0, r = 0;
  for (int k = 1; k <= n; ++k) {
    r = d * (1 + q);
    x = k / (r + z);
    q = x * r;
  }
  return {x, r};
}

// The same model with c servers, solved exactly as a birth-death chain
// (n clients at the station: arrivals (N - n) / Z, departures min(n, c) mu).
Mva repairman(int clients, int c, double mu, double z) {
  std::vector<double> p(static_cast<std::size_t>(clients) + 1, 0.0);
  p[0] = 1;
  double total = 1;
  for (int n = 1; n <= clients; ++n) {
    p[static_cast<std::size_t>(n)] = p[static_cast<std::size_t>(n) - 1] * ((clients - n + 1) / z) / (std::min(n, c) * mu);
    total += p[static_cast<std::size_t>(n)];
  }
  double x = 0;
  for (int n = 1; n <= clients; ++n) x += p[static_cast<std::size_t>(n)] / total * std::min(n, c) * mu;
  return {x, clients / x - z};
}

TEST(DiscreteEvent, ClosedLoopMatchesExactMvaLittleAndTheBounds) {
  const double d = 0.01, z = 0.15;
  for (int n : {8, 16, 40}) {
    SCOPED_TRACE(n);
    AppModel app = one_tier(1, 1, d);
    app.think_time_s = z;
    auto sim = make_discrete_event_simulator(app, LoadKind::kClosed, 21);
    sim->advance(20, n, {}, kNoSlo);
    const IntervalStats s = sim->advance(4000, n, {}, kNoSlo);
    const Mva exact = mva(n, d, z);
    EXPECT_NEAR(s.throughput(), exact.throughput, 0.02 * exact.throughput);
    EXPECT_NEAR(s.mean_ms, 1000 * exact.response, 0.04 * 1000 * exact.response);
    // Little's law over the whole loop: N = X (R + Z).
    EXPECT_NEAR(s.throughput() * (s.mean_ms / 1000 + z), n, 0.02 * n);
    // Throughput bounds: X <= min(N / (D + Z), 1 / D).
    EXPECT_LE(s.throughput(), std::min(n / (d + z), 1 / d) * 1.01);
    if (n == 40) {
      EXPECT_NEAR(s.throughput(), 1 / d, 0.01 / d);  // saturated
    }
  }
}

TEST(DiscreteEvent, BootDelay) {
  AppModel app = one_tier(1, 1, 0.01);
  app.boot_delay_s = 10;
  auto sim = make_discrete_event_simulator(app, LoadKind::kOpen, 1);
  IntervalStats s = sim->advance(5, 50, {}, kNoSlo);
  sim->set_replicas({2});  // asked for at t = 5: serves from t = 15
  EXPECT_EQ(sim->replicas(), std::vector<int>{2});
  s = sim->advance(9.9, 50, {}, kNoSlo);
  EXPECT_EQ(s.active, std::vector<int>{1});
  EXPECT_EQ(s.booting, std::vector<int>{1});
  EXPECT_EQ(s.active[0] + s.booting[0], 2);
  EXPECT_NEAR(s.tier_utilisation[0], 0.5, 0.1);  // one serving core at 50 x 10 ms
  s = sim->advance(0.2, 50, {}, kNoSlo);
  EXPECT_EQ(s.active, std::vector<int>{2});
  EXPECT_EQ(s.booting, std::vector<int>{0});
  s = sim->advance(100, 50, {}, kNoSlo);
  EXPECT_NEAR(s.tier_utilisation[0], 0.25, 0.03);  // the load now spreads over two cores
  // Asking for fewer replicas cancels booting ones before draining active ones.
  sim->set_replicas({4});
  sim->set_replicas({2});
  s = sim->advance(20, 50, {}, kNoSlo);
  EXPECT_EQ(s.active, std::vector<int>{2});
  EXPECT_EQ(s.booting, std::vector<int>{0});
  // Clamped to the tier's max.
  sim->set_replicas({1000});
  EXPECT_EQ(sim->replicas(), std::vector<int>{20});
  sim->set_replicas({0});
  EXPECT_EQ(sim->replicas(), std::vector<int>{1});
}

TEST(DiscreteEvent, DrainFinishesWorkAndDropsNothing) {
  AppModel app = one_tier(1, 2, 0.01);
  app.timeout_s = 1000;
  auto sim = make_discrete_event_simulator(app, LoadKind::kOpen, 2);
  Totals total;
  total.add(sim->advance(60, 190, {}, kNoSlo));  // 95% per replica: long queues on both
  sim->set_replicas({1});
  EXPECT_EQ(sim->replicas(), std::vector<int>{1});
  IntervalStats s = sim->advance(0.01, 0, {}, kNoSlo);
  total.add(s);
  EXPECT_EQ(s.active, std::vector<int>{1});
  // The remaining replica alone at 60%: once the drained one has left, the
  // utilisation is that of one core (it would be half with two).
  total.add(sim->advance(60, 60, {}, kNoSlo));
  s = sim->advance(200, 60, {}, kNoSlo);
  total.add(s);
  EXPECT_NEAR(s.tier_utilisation[0], 0.6, 0.03);
  total.add(sim->advance(100, 0, {}, kNoSlo));  // let everything finish
  EXPECT_EQ(total.dropped, 0);
  EXPECT_EQ(total.completed, total.arrived);
}

TEST(DiscreteEvent, TimeoutsDropAndCount) {
  AppModel app = one_tier(1, 1, 0.01);  // capacity 100/s
  app.timeout_s = 1;
  auto sim = make_discrete_event_simulator(app, LoadKind::kOpen, 4);
  Totals total;
  IntervalStats s = sim->advance(100, 200, {}, kNoSlo);  // twice the capacity
  total.add(s);
  EXPECT_GT(s.dropped, 0.4 * static_cast<double>(s.arrived));
  EXPECT_NEAR(s.throughput(), 100, 3);
  EXPECT_LE(s.p99_ms, 1000 * (1 + 0.1));  // waited at most the timeout, then one service
  EXPECT_NEAR(s.tier_utilisation[0], 1.0, 0.01);
  total.add(sim->advance(10, 0, {}, kNoSlo));
  EXPECT_EQ(total.arrived, total.completed + total.dropped);

  // Closed loop: a dropped request's client thinks, then issues again.
  AppModel closed = app;
  closed.think_time_s = 0.1;
  auto loop = make_discrete_event_simulator(closed, LoadKind::kClosed, 4);
  s = loop->advance(100, 500, {}, kNoSlo);
  EXPECT_GT(s.dropped, 0);
  EXPECT_NEAR(s.throughput(), 100, 3);
  // Every client is waiting in a queue (<= 1 s + service) or thinking (0.1 s):
  // each cycle takes at most ~1.1 s, so arrivals keep flowing.
  EXPECT_GT(s.arrived, 100 * 500 / 1.2);
}

TEST(DiscreteEvent, ClosedLoopClientsComeAndGo) {
  AppModel app = one_tier(2, 1, 0.01);
  app.think_time_s = 0.5;
  auto sim = make_discrete_event_simulator(app, LoadKind::kClosed, 8);
  Totals total;
  total.add(sim->advance(200, 100, {}, kNoSlo));
  IntervalStats s = sim->advance(400, 10, {}, kNoSlo);  // 90 clients leave
  total.add(s);
  const Mva ten = repairman(10, 2, 100, 0.5);
  EXPECT_NEAR(s.throughput(), ten.throughput, 0.03 * ten.throughput);
  s = sim->advance(400, 120, {}, kNoSlo);  // 110 clients join: near saturation (200/s)
  total.add(s);
  const Mva many = repairman(120, 2, 100, 0.5);
  EXPECT_NEAR(s.throughput(), many.throughput, 0.03 * many.throughput);
  EXPECT_NEAR(s.mean_ms, 1000 * many.response, 0.1 * 1000 * many.response);
  s = sim->advance(50, 0, {}, kNoSlo);  // everyone leaves: in-flight requests finish, none is issued
  total.add(s);
  EXPECT_EQ(s.arrived, 0);
  EXPECT_EQ(total.arrived, total.completed + total.dropped);
  EXPECT_EQ(sim->advance(10, 0, {}, kNoSlo).completed, 0);
}

TEST(DiscreteEvent, IntervalsCarryStateOver) {
  // Splitting a run into many intervals changes nothing: queues, requests in
  // flight and the next arrival carry over, and no draw depends on where the
  // boundaries fall, so the totals are exactly those of one long interval.
  for (LoadKind kind : {LoadKind::kOpen, LoadKind::kClosed}) {
    const AppModel app = default_app();
    const double level = kind == LoadKind::kOpen ? 80 : 560;  // ~80% of the database tier
    auto one = make_discrete_event_simulator(app, kind, 9);
    auto many = make_discrete_event_simulator(app, kind, 9);
    const IntervalStats whole = one->advance(300, level, {}, 300);
    Totals parts;
    double latency_sum_ms = 0;
    std::vector<double> busy(3, 0.0);  // busy core-seconds per tier (fixed replicas: util x cores x seconds)
    for (int i = 0; i < 600; ++i) {
      const IntervalStats s = many->advance(0.5, level, {}, 300);
      parts.add(s);
      latency_sum_ms += s.mean_ms * static_cast<double>(s.completed);
      for (std::size_t t = 0; t < 3; ++t) busy[t] += s.tier_utilisation[t] * 0.5;
    }
    EXPECT_GT(whole.completed, 20'000);
    EXPECT_GT(whole.over_slo, 100);
    EXPECT_EQ(parts.arrived, whole.arrived);
    EXPECT_EQ(parts.completed, whole.completed);
    EXPECT_EQ(parts.dropped, whole.dropped);
    EXPECT_EQ(parts.over_slo, whole.over_slo);
    EXPECT_NEAR(latency_sum_ms, whole.mean_ms * static_cast<double>(whole.completed), 1e-6 * latency_sum_ms);
    for (std::size_t t = 0; t < 3; ++t) EXPECT_NEAR(busy[t] / 300, whole.tier_utilisation[t], 1e-9);
  }
}

TEST(DiscreteEvent, DeterministicForASeed) {
  AppModel app = default_app();
  app.boot_delay_s = 30;
  auto run = [&](std::uint64_t seed, LoadKind kind) {
    auto sim = make_discrete_event_simulator(app, kind, seed);
    std::vector<double> out;
    for (int i = 0; i < 6; ++i) {
      if (i == 2) sim->set_replicas({2, 4, 2});
      if (i == 4) sim->set_replicas({1, 2, 1});
      const IntervalStats s = sim->advance(30, kind == LoadKind::kOpen ? 80 : 500, i >= 3 ? std::vector<double>{0.3, 0.7}
                                                                                       : std::vector<double>{},
                                           100);
      out.insert(out.end(), {s.p99_ms, s.mean_ms, static_cast<double>(s.arrived), static_cast<double>(s.completed),
                             static_cast<double>(s.dropped), static_cast<double>(s.over_slo)});
      out.insert(out.end(), s.tier_utilisation.begin(), s.tier_utilisation.end());
      out.insert(out.end(), s.tier_latency_ms.begin(), s.tier_latency_ms.end());
    }
    return out;
  };
  for (LoadKind kind : {LoadKind::kOpen, LoadKind::kClosed}) {
    EXPECT_EQ(run(42, kind), run(42, kind));
    EXPECT_NE(run(42, kind), run(43, kind));
  }
}

TEST(DiscreteEvent, RejectsBadArguments) {
  auto sim = make_discrete_event_simulator(default_app(), LoadKind::kOpen, 1);
  EXPECT_THROW(sim->advance(10, -1, {}, 100), InputError);
  EXPECT_THROW(sim->advance(10, std::nan(""), {}, 100), InputError);
  EXPECT_THROW(sim->advance(10, 5, {1.0}, 100), InputError);  // two classes
  EXPECT_THROW(sim->set_replicas({1, 1}), InputError);        // three tiers
  AppModel bad = default_app();
  bad.classes[0].demand_s[1] = -1;
  EXPECT_THROW(make_discrete_event_simulator(bad, LoadKind::kOpen, 1), InputError);
}

}  // namespace
}  // namespace fleetopt::scaling
