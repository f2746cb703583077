#include "fleetopt/fireplace/naive_forecast.h"

#include <algorithm>
#include <utility>

#include "fleetopt/placement/candidates.h"

namespace fleetopt::fireplace {

NaiveForecastPlacer::NaiveForecastPlacer(std::string name, NaiveForecaster forecaster, int window, int candidates,
                                         PeakFractions unobserved)
    : name_(std::move(name)),
      forecaster_(forecaster),
      window_(window),
      k_(candidates),
      unobserved_(unobserved),
      window_buffer_(static_cast<std::size_t>(window) * kForecastChannels) {}

PeakFractions NaiveForecastPlacer::forecast(const Workload& w, std::size_t i, std::int64_t age) {
  forecast_window(w, i, age, window_, window_buffer_.data());
  const float* last = window_buffer_.data() + static_cast<std::size_t>(window_ - 1) * kForecastChannels;
  if (forecaster_ == NaiveForecaster::kLastValue) return {last[0], last[1]};
  PeakFractions peak = {0.f, 0.f};
  for (int t = 0; t < window_; ++t) {
    const float* row = window_buffer_.data() + static_cast<std::size_t>(t) * kForecastChannels;
    if (row[2] == 0.f) continue;  // padding before the VM's first step
    for (std::size_t o = 0; o < peak.size(); ++o) peak[o] = std::max(peak[o], row[o]);
  }
  return peak;
}

std::int32_t NaiveForecastPlacer::choose(const PlacementContext& ctx, Rng& rng) {
  sample_feasible_hosts(ctx.cluster, ctx.request, k_, rng, candidates_);
  if (candidates_.empty()) return kNoHost;
  if (candidates_.size() == 1) return candidates_.front();
  const Workload& w = ctx.workload;
  cache_.fit(w.size());
  for (std::int32_t h : candidates_) {
    for (std::int32_t vm : ctx.cluster.vms_on(h)) {
      const auto j = static_cast<std::size_t>(vm);
      if (!cache_.claim(j, ctx.step)) continue;
      const std::int64_t age = ctx.step - w.arrival_step(j);
      cache_.peaks[j] = age <= 0 ? unobserved_ : forecast(w, j, age);
    }
  }
  return lowest_forecast_host(ctx, candidates_, cache_.peaks, unobserved_);
}

}  // namespace fleetopt::fireplace
