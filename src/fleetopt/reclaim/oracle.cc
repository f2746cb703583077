// The oracle margin: per host and day, the pair of constant margins (CPU,
// memory) that would have earned the most net savings that day, found in
// hindsight over a grid. Not a policy (it reads the day's real use): an
// upper bound on what a strategy that keeps one margin per day can earn.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

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
      // containers_for(rc, rm) = min(count by CPU alone, count by memory
      // alone), and a step violates when more containers are sold than its
      // real use leaves room for: both per-resource counts and that room
      // are computed once per day, so each of the grid's 625 pairs costs a
      // min and a compare per step.
      for (std::size_t g = 0; g < kGridSize; ++g) {
        for (int r = 0; r < kResources; ++r) {
          auto& counts = by_grid_[r][g];
          counts.resize(n);
          for (std::size_t k = 0; k < n; ++k) {
            const double rc = std::max(0.0, base[r][k] - kGrid[g] * cap[r]);
            const double x = rc / kContainerSize[r];
            counts[k] = x <= 0 ? 0 : static_cast<std::int32_t>(std::floor(x + 1e-9));
          }
        }
      }
      room_.resize(n);
      for (std::size_t k = 0; k < n; ++k) {
        // The largest count s with use + s x size <= capacity x (1 + 1e-9) in both resources.
        std::int64_t most = std::numeric_limits<std::int32_t>::max();
        for (int r = 0; r < kResources; ++r) {
          const double free = cap[r] * (1 + 1e-9) - host.use[r][t + k];
          most = std::min<std::int64_t>(most, free < 0 ? -1 : static_cast<std::int64_t>(std::floor(free / kContainerSize[r])));
        }
        // A step that sells nothing never counts (even with no room at all): room below 0 reads as 0.
        room_[k] = static_cast<std::int32_t>(std::max<std::int64_t>(most, 0));
      }
      double best = -1;
      std::size_t best_c = 0, best_m = 0;
      for (std::size_t ic = 0; ic < kGridSize; ++ic) {
        const std::int32_t* cc = by_grid_[kResCpu][ic].data();
        for (std::size_t im = 0; im < kGridSize; ++im) {
          const std::int32_t* mc = by_grid_[kResMem][im].data();
          // 32-bit sums (a day is 288 steps) keep the loop vectorisable.
          std::int32_t sold_total = 0, violating = 0;
          const std::int32_t* room = room_.data();
          for (std::size_t k = 0; k < n; ++k) {
            const std::int32_t sold = std::min(cc[k], mc[k]);
            sold_total += sold;
            violating += sold > room[k] ? 1 : 0;
          }
          const double net =
              static_cast<double>(sold_total) * (1 - daily_discount(static_cast<double>(violating) * step_minutes));
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

 private:
  std::array<std::array<std::vector<std::int32_t>, kGridSize>, kResources> by_grid_;  // containers by one resource
  std::vector<std::int32_t> room_;  // per step: the most containers its real use leaves room for
};

}  // namespace

FLEETOPT_REGISTER_MARGIN_STRATEGY("oracle",
                                  "upper bound: the best constant (cpu, mem) margins per host and day in hindsight",
                                  [](const std::string& text) {
                                    PlacerSpec::parse(text).check_options({});
                                    return std::make_unique<Oracle>();
                                  });

}  // namespace fleetopt::reclaim
