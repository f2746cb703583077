// The oracle margin: per host and day, the pair of constant margins (CPU,
// memory) that would have earned the most net savings that day, found in
// hindsight over a grid. Not a policy (it reads the day's real use): an
// upper bound on what a strategy that keeps one margin per day can earn.
#include <algorithm>
#include <cmath>

#include "fleetopt/placement/placer.h"
#include "fleetopt/reclaim/accounting.h"
#include "fleetopt/reclaim/margin_strategy.h"

namespace fleetopt::reclaim {
namespace {

constexpr float kGrid[] = {0.00f, 0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f, 0.08f, 0.09f, 0.10f, 0.12f, 0.14f,
                           0.16f, 0.18f, 0.20f, 0.22f, 0.25f, 0.30f, 0.35f, 0.40f, 0.50f, 0.60f, 0.75f, 1.00f};
constexpr std::size_t kGridSize = sizeof(kGrid) / sizeof(kGrid[0]);

class Oracle : public MarginStrategy {
 public:
  void choose(const MarginContext& ctx, const std::array<std::span<float>, kResources>& margin) override {
    const HostSeries& host = ctx.problem.hosts.hosts[ctx.host];
    const auto& fc = ctx.problem.forecasts.values[ctx.host];
    const double cap[kResources] = {host.capacity[kResCpu], host.capacity[kResMem]};
    const double step_minutes = ctx.problem.hosts.step_seconds / 60.0;
    std::vector<double> base[kResources];
    std::size_t t = ctx.begin;
    while (t < ctx.end) {
      const std::size_t day_end = std::min(ctx.end, (t / kStepsPerDay + 1) * kStepsPerDay);
      const std::size_t n = day_end - t;
      for (int r = 0; r < kResources; ++r) {
        base[r].resize(n);
        for (std::size_t k = 0; k < n; ++k) base[r][k] = cap[r] - fc[static_cast<std::size_t>(r)][t + k];
      }
      double best = -1;
      std::size_t best_c = 0, best_m = 0;
      for (std::size_t ic = 0; ic < kGridSize; ++ic) {
        for (std::size_t im = 0; im < kGridSize; ++im) {
          double sold_total = 0, minutes = 0;
          for (std::size_t k = 0; k < n; ++k) {
            const double rc = std::max(0.0, base[kResCpu][k] - kGrid[ic] * cap[kResCpu]);
            const double rm = std::max(0.0, base[kResMem][k] - kGrid[im] * cap[kResMem]);
            const std::int64_t sold = containers_for(rc, rm);
            if (sold == 0) continue;
            sold_total += static_cast<double>(sold);
            const auto s = static_cast<double>(sold);
            if (host.use[kResCpu][t + k] + s * kContainerSize[kResCpu] > cap[kResCpu] * (1 + 1e-9) ||
                host.use[kResMem][t + k] + s * kContainerSize[kResMem] > cap[kResMem] * (1 + 1e-9)) {
              minutes += step_minutes;
            }
          }
          const double net = sold_total * (1 - daily_discount(minutes));
          if (net > best + 1e-12) {
            best = net;
            best_c = ic;
            best_m = im;
          }
        }
      }
      for (std::size_t k = 0; k < n; ++k) {
        margin[kResCpu][t - ctx.begin + k] = kGrid[best_c];
        margin[kResMem][t - ctx.begin + k] = kGrid[best_m];
      }
      t = day_end;
    }
  }
  std::string name() const override { return "oracle"; }
};

}  // namespace

FLEETOPT_REGISTER_MARGIN_STRATEGY("oracle",
                                  "upper bound: the best constant (cpu, mem) margins per host and day in hindsight",
                                  [](const std::string& text) {
                                    PlacerSpec::parse(text).check_options({});
                                    return std::make_unique<Oracle>();
                                  });

}  // namespace fleetopt::reclaim
