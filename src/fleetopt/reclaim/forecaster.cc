#include "fleetopt/reclaim/forecaster.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/ml/xgboost_booster.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::reclaim {
namespace {

constexpr std::size_t kLags = 12;
constexpr std::size_t kFeatures = kLags + 4;
constexpr std::size_t kDay = 288;  // steps of 5 minutes

void last_value(const std::vector<float>& use, std::vector<float>& out) {
  out.resize(use.size());
  for (std::size_t t = 0; t < use.size(); ++t) out[t] = use[t == 0 ? 0 : t - 1];
}

void moving_quantile(const std::vector<float>& use, double q, std::size_t window, std::vector<float>& out) {
  out.resize(use.size());
  std::vector<float> buf;
  for (std::size_t t = 0; t < use.size(); ++t) {
    if (t == 0) {
      out[t] = use[0];
      continue;
    }
    const std::size_t from = t > window ? t - window : 0;
    buf.assign(use.begin() + static_cast<std::ptrdiff_t>(from), use.begin() + static_cast<std::ptrdiff_t>(t));
    const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(buf.size() - 1) + 0.5));
    std::nth_element(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k), buf.end());
    out[t] = buf[k];
  }
}

// Features of step t (from steps < t), fractions of capacity; needs t >= 1.
void features(const std::vector<float>& use, double cap, std::size_t t, double day_sum, float* f) {
  const double inv = 1.0 / cap;
  for (std::size_t l = 0; l < kLags; ++l) f[l] = static_cast<float>(use[t > l + 1 ? t - l - 1 : 0] * inv);
  const std::size_t n = std::min<std::size_t>(t, kDay);
  f[kLags] = static_cast<float>(day_sum / static_cast<double>(n) * inv);
  f[kLags + 1] = static_cast<float>(use[t >= 288 ? t - 288 : 0] * inv);
  const double phase = 2 * std::numbers::pi * static_cast<double>(t % 288) / 288.0;
  f[kLags + 2] = static_cast<float>(std::sin(phase));
  f[kLags + 3] = static_cast<float>(std::cos(phase));
}

}  // namespace

std::size_t train_end(std::size_t steps, double train_fraction) {
  return static_cast<std::size_t>(std::floor(static_cast<double>(steps) * train_fraction));
}

Forecasts make_forecasts(const HostSet& hosts, const std::string& spec_text, double train_fraction,
                         std::uint64_t seed) {
  const auto start = std::chrono::steady_clock::now();
  const PlacerSpec spec = PlacerSpec::parse(spec_text);
  Forecasts fc;
  fc.name = spec_text;
  fc.values.resize(hosts.hosts.size());
  if (spec.name == "last-value") {
    spec.check_options({});
    for (std::size_t h = 0; h < hosts.hosts.size(); ++h) {
      for (int r = 0; r < kResources; ++r) last_value(hosts.hosts[h].use[static_cast<std::size_t>(r)], fc.values[h][static_cast<std::size_t>(r)]);
    }
  } else if (spec.name == "quantile") {
    spec.check_options({"q", "window"});
    double q = 0.5;
    if (!parse_double(spec.option("q", "0.5"), q) || q < 0 || q > 1) throw InputError::field("@q", "expected a number in [0, 1]");
    const int window = spec.int_option("window", 12);
    if (window < 1 || window > 100'000) throw InputError::field("@window", "expected 1..100000 steps");
    for (std::size_t h = 0; h < hosts.hosts.size(); ++h) {
      for (int r = 0; r < kResources; ++r) {
        moving_quantile(hosts.hosts[h].use[static_cast<std::size_t>(r)], q, static_cast<std::size_t>(window),
                        fc.values[h][static_cast<std::size_t>(r)]);
      }
    }
  } else if (spec.name == "xgboost") {
    spec.check_options({"rounds", "depth", "rows"});
    const int rounds = spec.int_option("rounds", 60), depth = spec.int_option("depth", 6),
              max_rows = spec.int_option("rows", 200'000);
    if (rounds < 1 || rounds > 10'000 || depth < 1 || depth > 20 || max_rows < 100) {
      throw InputError::field("--forecaster", "xgboost: @rounds 1..10000, @depth 1..20, @rows >= 100");
    }
    std::size_t train_rows = 0;
    for (const HostSeries& h : hosts.hosts) {
      const std::size_t e = train_end(h.steps(), train_fraction);
      if (e > 1) train_rows += e - 1;
    }
    if (train_rows == 0) throw InputError("xgboost forecaster: no training steps");
    // Every k-th training row (seeded offset), so at most max_rows rows.
    const std::size_t stride = std::max<std::size_t>(1, (train_rows + static_cast<std::size_t>(max_rows) - 1) /
                                                            static_cast<std::size_t>(max_rows));
    Rng rng(seed);
    const std::size_t offset = static_cast<std::size_t>(rng.below(stride));
    for (int r = 0; r < kResources; ++r) {
      const auto ri = static_cast<std::size_t>(r);
      ml::DenseData data;
      data.cols = kFeatures;
      float f[kFeatures];
      std::size_t row = 0;
      for (const HostSeries& h : hosts.hosts) {
        const auto& use = h.use[ri];
        const std::size_t e = train_end(h.steps(), train_fraction);
        double day_sum = 0;
        for (std::size_t t = 1; t < e; ++t) {
          day_sum += use[t - 1];
          if (t > 288) day_sum -= use[t - 289];
          if (row++ % stride != offset) continue;
          features(use, h.capacity[ri], t, day_sum, f);
          data.values.insert(data.values.end(), f, f + kFeatures);
          data.labels.push_back(static_cast<float>(use[t] / h.capacity[ri]));
        }
      }
      if (data.labels.empty()) throw InputError("xgboost forecaster: no training rows");
      ml::BoosterParams params;
      params.rounds = rounds;
      params.params = {{"objective", "reg:squarederror"}, {"max_depth", std::to_string(depth)},
                       {"eta", "0.1"},   {"subsample", "0.8"}, {"seed", std::to_string(seed % 1'000'000'007ull)},
                       {"nthread", "1"}, {"tree_method", "hist"}};
      const ml::Booster booster = ml::Booster::train(data, params);
      for (std::size_t h = 0; h < hosts.hosts.size(); ++h) {
        const HostSeries& host = hosts.hosts[h];
        const auto& use = host.use[ri];
        const std::size_t n = use.size();
        std::vector<float> x(n * kFeatures);
        double day_sum = 0;
        for (std::size_t t = 1; t < n; ++t) {
          day_sum += use[t - 1];
          if (t > 288) day_sum -= use[t - 289];
          features(use, host.capacity[ri], t, day_sum, &x[t * kFeatures]);
        }
        std::vector<float> y = n > 1 ? booster.predict(x.data() + kFeatures, n - 1, kFeatures) : std::vector<float>{};
        auto& out = fc.values[h][ri];
        out.resize(n);
        if (n > 0) out[0] = use[0];
        const double cap = host.capacity[ri];
        for (std::size_t t = 1; t < n; ++t) out[t] = static_cast<float>(std::clamp(y[t - 1] * cap, 0.0, cap));
      }
    }
  } else {
    throw InputError::field("--forecaster", fmt::format("unknown forecaster '{}' (last-value, quantile, xgboost)",
                                                        spec.name));
  }
  for (int r = 0; r < kResources; ++r) {
    const auto ri = static_cast<std::size_t>(r);
    ForecastError& e = fc.test_error[ri];
    double abs_sum = 0;
    std::size_t under = 0;
    for (std::size_t h = 0; h < hosts.hosts.size(); ++h) {
      const HostSeries& host = hosts.hosts[h];
      for (std::size_t t = train_end(host.steps(), train_fraction); t < host.steps(); ++t) {
        const double d = host.use[ri][t] - fc.values[h][ri][t];
        abs_sum += std::abs(d) / host.capacity[ri];
        if (d > 0) ++under;
        ++e.steps;
      }
    }
    if (e.steps > 0) {
      e.mae = abs_sum / static_cast<double>(e.steps);
      e.underestimation = static_cast<double>(under) / static_cast<double>(e.steps);
    }
  }
  fc.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return fc;
}

}  // namespace fleetopt::reclaim
