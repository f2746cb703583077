#include "fleetopt/fireplace/forecast_data.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fleetopt::fireplace {

void forecast_window(const Workload& w, std::size_t i, std::int64_t age, int window, float* out) {
  for (int t = 0; t < window; ++t) {
    const std::int64_t a = age - window + t;
    const std::int64_t read = std::max<std::int64_t>(a, 0);
    out[t * kForecastChannels + 0] = w.usage_fraction(i, read, kCpu);
    out[t * kForecastChannels + 1] = w.usage_fraction(i, read, kMem);
    out[t * kForecastChannels + 2] = a >= 0 ? 1.f : 0.f;
  }
}

void forecast_target(const Workload& w, std::size_t i, std::int64_t age, int horizon, float* out) {
  const std::int64_t life = w.departure_step(i) - w.arrival_step(i);
  const std::int64_t end = std::max(age + 1, std::min(age + horizon, life));
  float cpu = 0, mem = 0;
  for (std::int64_t a = age; a < end; ++a) {
    cpu = std::max(cpu, w.usage_fraction(i, a, kCpu));
    mem = std::max(mem, w.usage_fraction(i, a, kMem));
  }
  out[0] = cpu;
  out[1] = mem;
}

double forecast_host_score(const PlacementContext& ctx, std::int32_t host,
                           const std::vector<PeakFractions>& vm_peaks, const PeakFractions& new_vm) {
  double cpu = new_vm[0] * ctx.request[kCpu];
  double mem = new_vm[1] * ctx.request[kMem];
  for (std::int32_t vm : ctx.cluster.vms_on(host)) {
    const auto j = static_cast<std::size_t>(vm);
    cpu += vm_peaks[j][0] * ctx.workload.instances[j].request[kCpu];
    mem += vm_peaks[j][1] * ctx.workload.instances[j].request[kMem];
  }
  const Resources& cap = ctx.cluster.capacity(host);
  const DimMask dims = ctx.cluster.dims();
  const double c = has_dim(dims, kCpu) && cap[kCpu] > 0 ? cpu / cap[kCpu] : 0.0;
  const double m = has_dim(dims, kMem) && cap[kMem] > 0 ? mem / cap[kMem] : 0.0;
  return std::hypot(c, m);
}

std::int32_t lowest_forecast_host(const PlacementContext& ctx, const std::vector<std::int32_t>& candidates,
                                  const std::vector<PeakFractions>& vm_peaks, const PeakFractions& new_vm) {
  std::int32_t best = kNoHost;
  double best_score = std::numeric_limits<double>::infinity();
  for (std::int32_t h : candidates) {
    const double score = forecast_host_score(ctx, h, vm_peaks, new_vm);
    if (score < best_score) {
      best = h;
      best_score = score;
    }
  }
  return best;
}

ForecastSamples forecast_samples(const Workload& w, int window, int horizon, int per_vm, std::size_t from_vm,
                                 std::size_t to_vm, Rng& rng) {
  ForecastSamples s;
  s.window = window;
  std::vector<float> win(static_cast<std::size_t>(window * kForecastChannels));
  to_vm = std::min(to_vm, w.size());
  for (std::size_t i = from_vm; i < to_vm; ++i) {
    const std::int64_t life = w.departure_step(i) - w.arrival_step(i);
    if (life < 2) continue;
    for (int k = 0; k < per_vm; ++k) {
      const auto age = 1 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(life - 1)));
      forecast_window(w, i, age, window, win.data());
      s.x.insert(s.x.end(), win.begin(), win.end());
      float target[kForecastOutputs];
      forecast_target(w, i, age, horizon, target);
      s.y.insert(s.y.end(), target, target + kForecastOutputs);
      const float* last = win.data() + (window - 1) * kForecastChannels;
      s.last_value.insert(s.last_value.end(), last, last + kForecastOutputs);
      float peak[kForecastOutputs] = {0, 0};
      for (int t = 0; t < window; ++t) {
        if (win[static_cast<std::size_t>(t * kForecastChannels + 2)] == 0.f) continue;
        for (int o = 0; o < kForecastOutputs; ++o) {
          peak[o] = std::max(peak[o], win[static_cast<std::size_t>(t * kForecastChannels + o)]);
        }
      }
      s.window_max.insert(s.window_max.end(), peak, peak + kForecastOutputs);
      ++s.rows;
    }
  }
  return s;
}

double mean_absolute_error(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(double{a[i]} - double{b[i]});
  return sum / static_cast<double>(a.size());
}

}  // namespace fleetopt::fireplace
