#include "fleetopt/reclaim/scavenger.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/reclaim/accounting.h"

namespace fleetopt::reclaim {

void scavenger_margins(const ReclaimProblem& problem, std::size_t host, int r, std::size_t begin, std::size_t end,
                       const ScavengerParams& p, std::span<float> margin) {
  const std::size_t w = std::max<std::size_t>(1, p.window);
  const std::size_t from = begin > w ? begin - w : 0;
  double sum = 0, sum2 = 0;
  for (std::size_t u = from; u < begin; ++u) {
    const double e = problem.error(host, r, u);
    sum += e;
    sum2 += e * e;
  }
  for (std::size_t t = begin; t < end; ++t) {
    const std::size_t n = t - (t > w ? t - w : 0);
    double m = 0;
    if (n > 0) {
      const double mean = sum / static_cast<double>(n);
      const double var = std::max(0.0, sum2 / static_cast<double>(n) - mean * mean);
      m = std::clamp(mean + p.k * std::sqrt(var), 0.0, 1.0);
    }
    margin[t - begin] = static_cast<float>(m);
    const double e = problem.error(host, r, t);
    sum += e;
    sum2 += e * e;
    if (t >= w) {
      const double old = problem.error(host, r, t - w);
      sum -= old;
      sum2 -= old * old;
    }
  }
}

namespace {

class Scavenger : public MarginStrategy {
 public:
  Scavenger(bool tune, ScavengerParams p) : tune_(tune), p_(p) {}

  void fit(const ReclaimProblem& problem) override {
    if (!tune_) return;
    double best = -1e300;
    std::vector<float> m[kResources];
    for (double k : {0.0, 0.5, 1.0, 1.5, 2.0, 3.0}) {
      for (std::size_t window : {6, 12, 36, 72, 288}) {
        const ScavengerParams p{k, window};
        double net = 0;
        for (std::size_t h = 0; h < problem.hosts.hosts.size(); ++h) {
          const std::size_t end = problem.train_end[h];
          if (end < 2) continue;
          for (int r = 0; r < kResources; ++r) {
            m[r].resize(end - 1);
            scavenger_margins(problem, h, r, 1, end, p, m[r]);
          }
          const HostSeries& host = problem.hosts.hosts[h];
          net += account_host(host, {problem.forecasts.values[h][0].data(), problem.forecasts.values[h][1].data()},
                              {m[0].data(), m[1].data()}, 1, end, problem.hosts.step_seconds)
                     .net_usd();
        }
        if (net > best) {
          best = net;
          p_ = p;
        }
      }
    }
  }

  void choose(const MarginContext& ctx, const std::array<std::span<float>, kResources>& margin) override {
    for (int r = 0; r < kResources; ++r) {
      scavenger_margins(ctx.problem, ctx.host, r, ctx.begin, ctx.end, p_, margin[static_cast<std::size_t>(r)]);
    }
  }
  nlohmann::json save() const override { return {{"k", p_.k}, {"window", p_.window}}; }
  std::string name() const override { return "scavenger"; }

 private:
  bool tune_;
  ScavengerParams p_;
};

}  // namespace

FLEETOPT_REGISTER_MARGIN_STRATEGY(
    "scavenger", "mean + k*std of the recent forecast errors; k, window tuned on the training part (@k=K@window=W fixes them)",
    [](const std::string& text) {
      const PlacerSpec spec = PlacerSpec::parse(text);
      spec.check_options({"k", "window"});
      ScavengerParams p;
      const bool fixed = spec.options.count("k") > 0 || spec.options.count("window") > 0;
      if (!parse_double(spec.option("k", "2"), p.k) || p.k < 0 || p.k > 100) {
        throw InputError::field("--strategy", "scavenger@k: expected a number in [0, 100]");
      }
      const int w = spec.int_option("window", 12);
      if (w < 1 || w > 100'000) throw InputError::field("--strategy", "scavenger@window: expected 1..100000 steps");
      p.window = static_cast<std::size_t>(w);
      return std::make_unique<Scavenger>(!fixed, p);
    });

}  // namespace fleetopt::reclaim
