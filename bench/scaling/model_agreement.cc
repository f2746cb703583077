// Model agreement (issue 10): how far the analytic simulator is from the
// discrete-event one on windows drawn from real load traces, default app.
//
// A window is `minutes` consecutive minutes of a trace (the load follows the
// trace minute by minute) at a fixed allocation: window i of n targets the
// utilisation u = 0.2 + 0.75 (i + 1/2) / n (evenly over [0.2, 0.95]); a start
// minute is drawn at random and each tier gets round(load x demand /
// (cores x u)) replicas (at least one) for the window's mean load; windows whose
// busiest tier would then be more than 0.05 off u at the mean load, or that
// need more replicas than a tier's maximum, are drawn again. Both simulators
// start empty, warm up for 5 minutes at the window's first level, then run the
// window one minute at a time. The discrete-event simulator runs `seeds` times (per-minute
// statistics averaged over the seeds). Per window: p99 = mean over its minutes
// of the per-minute p99, throughput = completed requests per second; the error
// is analytic / discrete-event - 1. Nothing is fitted per window.
//
//   build/bench/scaling/bench_scaling_model_agreement [--data DIR] [--windows 24] [--minutes 10] [--seeds 4]
//       [--seed 7] [--json]
// Traces: worldcup98-days: (closed loop, the paper's mapping, 2000 clients at
// the peak) and worldcup98:@peak=400 (open loop, requests/s), 24 windows each.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/scaling/app_model.h"
#include "fleetopt/scaling/app_simulator.h"
#include "fleetopt/scaling/load_trace.h"

namespace fleetopt::scaling {
namespace {

struct Options {
  std::string data;
  int windows = 24, minutes = 10, seeds = 4;
  unsigned seed = 7;
  bool json = false;
};

struct WindowResult {
  std::string trace;
  std::size_t start = 0;
  std::vector<int> replicas;
  double level_min = 0, level_max = 0, utilisation = 0;
  double des_p99 = 0, an_p99 = 0, des_x = 0, an_x = 0;
  int minutes_p99_within = 0, minutes = 0;
  double p99_error() const { return an_p99 / des_p99 - 1; }
  double x_error() const { return an_x / des_x - 1; }
};

std::vector<WindowResult> run_trace(const std::string& spec, const Options& o, double& analytic_us) {
  LoadTraceOptions lo;
  lo.data_dir = data_dir(o.data);
  const LoadTrace trace = load_trace(spec, lo);
  const AppModel app = default_app();
  const std::size_t tiers = app.tiers.size();
  std::mt19937_64 rng(o.seed);
  std::vector<WindowResult> out;
  const double span = o.minutes * 60.0;
  long analytic_calls = 0;
  double analytic_total = 0;
  for (int tries = 0; static_cast<int>(out.size()) < o.windows && tries < 100'000; ++tries) {
    const auto steps = static_cast<std::size_t>((trace.duration_s() - span) / trace.step_seconds);
    if (steps == 0) break;
    const std::size_t start = rng() % steps;
    std::vector<double> levels;
    for (int i = 0; i < o.minutes; ++i) levels.push_back(trace.at(start * trace.step_seconds + i * 60.0));
    double mean = 0;
    for (double v : levels) mean += v / o.minutes;
    // Request rate at the mean level (closed loop: clients / (think + ~80 ms)).
    const double rate = trace.kind == LoadKind::kClosed ? mean / (app.think_time_s + 0.08) : mean;
    if (rate < 5) continue;  // too few requests for a per-minute p99
    // Targets spread evenly: window i aims at 0.2 + 0.75 (i + 1/2) / windows.
    const double u = 0.2 + 0.75 * (static_cast<double>(out.size()) + 0.5) / o.windows;
    WindowResult w;
    w.trace = trace.name;
    w.start = start;
    bool fits = true;
    double busiest = 0;
    for (std::size_t t = 0; t < tiers; ++t) {
      const double full = rate * app.mean_demand(static_cast<int>(t)) / app.tiers[t].cores;  // replicas at 100%
      const int r = std::max(1, static_cast<int>(std::lround(full / u)));
      fits = fits && r <= app.tiers[t].max_replicas;
      w.replicas.push_back(r);
      busiest = std::max(busiest, full / r);
    }
    if (!fits || std::fabs(busiest - u) > 0.05) continue;
    AppModel sized = app;
    for (std::size_t t = 0; t < tiers; ++t) sized.tiers[t].initial_replicas = w.replicas[t];
    std::vector<double> des_p99(levels.size(), 0.0), des_x(levels.size(), 0.0);
    for (int s = 0; s < o.seeds; ++s) {
      auto des = make_discrete_event_simulator(sized, trace.kind, 1000 * out.size() + static_cast<unsigned>(s));
      des->advance(300, levels[0], {}, 5000);
      for (std::size_t i = 0; i < levels.size(); ++i) {
        const IntervalStats d = des->advance(60, levels[i], {}, 5000);
        des_p99[i] += d.p99_ms / o.seeds;
        des_x[i] += d.throughput() / o.seeds;
        w.utilisation += *std::max_element(d.tier_utilisation.begin(), d.tier_utilisation.end()) /
                         (o.seeds * static_cast<double>(levels.size()));
      }
    }
    // A fresh analytic simulator starts in equilibrium with its first load
    // (what a what-if asks); one idle second first makes it start empty, as
    // the discrete-event one does, so both warm up from the same state.
    auto an = make_analytic_simulator(sized, trace.kind);
    an->advance(1, 0, {}, 5000);
    an->advance(300, levels[0], {}, 5000);
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const IntervalStats a = an->advance(60, levels[i], {}, 5000);
      analytic_total += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      ++analytic_calls;
      w.des_p99 += des_p99[i] / o.minutes;
      w.an_p99 += a.p99_ms / o.minutes;
      w.des_x += des_x[i] / o.minutes;
      w.an_x += a.throughput() / o.minutes;
      w.minutes_p99_within += std::fabs(a.p99_ms / des_p99[i] - 1) <= 0.15 ? 1 : 0;
      ++w.minutes;
    }
    w.level_min = *std::min_element(levels.begin(), levels.end());
    w.level_max = *std::max_element(levels.begin(), levels.end());
    out.push_back(w);
  }
  analytic_us = analytic_calls > 0 ? analytic_total / static_cast<double>(analytic_calls) : 0;
  return out;
}

int main_impl(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data") {
      o.data = next();
    } else if (a == "--windows") {
      o.windows = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--minutes") {
      o.minutes = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--seeds") {
      o.seeds = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--seed") {
      o.seed = static_cast<unsigned>(std::atoi(next().c_str()));
    } else if (a == "--json") {
      o.json = true;
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  nlohmann::json report = {{"windows", nlohmann::json::array()}, {"summary", nlohmann::json::array()}};
  for (const std::string spec : {"worldcup98-days:", "worldcup98:@peak=400"}) {
    double analytic_us = 0;
    std::vector<WindowResult> ws;
    try {
      ws = run_trace(spec, o, analytic_us);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s (skipped)\n", spec.c_str(), e.what());
      continue;
    }
    double sum_p = 0, max_p = 0, sum_x = 0, max_x = 0;
    int within_p = 0, within_x = 0, within_both = 0, minutes = 0, minutes_within = 0;
    for (const WindowResult& w : ws) {
      const double ep = std::fabs(w.p99_error()), ex = std::fabs(w.x_error());
      sum_p += ep;
      sum_x += ex;
      max_p = std::max(max_p, ep);
      max_x = std::max(max_x, ex);
      within_p += ep <= 0.15 ? 1 : 0;
      within_x += ex <= 0.03 ? 1 : 0;
      within_both += ep <= 0.15 && ex <= 0.03 ? 1 : 0;
      minutes += w.minutes;
      minutes_within += w.minutes_p99_within;
      if (!o.json) {
        std::printf("%-22s start %6zu replicas %2d/%2d/%2d load %7.1f..%7.1f util %.2f | p99 %7.1f vs %7.1f ms "
                    "(%+5.1f%%) | throughput %7.2f vs %7.2f /s (%+5.2f%%)\n",
                    spec.c_str(), w.start, w.replicas[0], w.replicas[1], w.replicas[2], w.level_min, w.level_max,
                    w.utilisation, w.an_p99, w.des_p99, 100 * w.p99_error(), w.an_x, w.des_x, 100 * w.x_error());
      }
      report["windows"].push_back({{"trace", spec}, {"start_step", w.start}, {"replicas", w.replicas},
                                   {"utilisation", w.utilisation}, {"p99_ms_analytic", w.an_p99},
                                   {"p99_ms_des", w.des_p99}, {"throughput_analytic", w.an_x},
                                   {"throughput_des", w.des_x}});
    }
    const double n = std::max<std::size_t>(ws.size(), 1);
    nlohmann::json s = {{"trace", spec},
                        {"windows", ws.size()},
                        {"minutes_per_window", o.minutes},
                        {"des_seeds", o.seeds},
                        {"p99_abs_error_mean", sum_p / n},
                        {"p99_abs_error_max", max_p},
                        {"windows_p99_within_15pct", within_p},
                        {"throughput_abs_error_mean", sum_x / n},
                        {"throughput_abs_error_max", max_x},
                        {"windows_throughput_within_3pct", within_x},
                        {"windows_within_both", within_both},
                        {"minutes_p99_within_15pct", minutes_within},
                        {"minutes", minutes},
                        {"analytic_us_per_interval", analytic_us}};
    report["summary"].push_back(s);
    if (!o.json) {
      std::printf("%s: %zu windows x %d min, %d DES seeds: p99 |error| mean %.1f%% max %.1f%% (%d within 15%%); "
                  "throughput |error| mean %.2f%% max %.2f%% (%d within 3%%); both: %d; single minutes: p99 within "
                  "15%% in %d of %d; analytic %.0f us per interval\n",
                  spec.c_str(), ws.size(), o.minutes, o.seeds, 100 * sum_p / n, 100 * max_p, within_p, 100 * sum_x / n,
                  100 * max_x, within_x, within_both, minutes_within, minutes, analytic_us);
    }
  }
  if (o.json) std::printf("%s\n", report.dump(2).c_str());
  return 0;
}

}  // namespace
}  // namespace fleetopt::scaling

int main(int argc, char** argv) { return fleetopt::scaling::main_impl(argc, argv); }
