// peak-nsigma, peak-pctl, peak-max: overcommitted placement by predicted
// peak (peak_prediction.h). A host admits a VM when its predicted peak plus
// the VM's request (the VM has no history of its own yet) stays within
// capacity in CPU and memory, on top of the reservation check every policy
// passes (overcommit ratios); among the hosts that admit it, the one left with
// the least predicted room (best fit on predicted use, which packs); when
// none does, the least predicted-loaded feasible host. Placements since the
// last observation count at their request until usage shows them.
//   @window=12 steps of history (1 h at 5 min), @n=3 (sigma), @q=0.99,
//   @k=0: every feasible host (K > 0: K sampled, as the power-of-K policies).
#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/placement/candidates.h"
#include "fleetopt/placement/host_history.h"
#include "fleetopt/placement/peak_prediction.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt {
namespace {

enum class Predictor { kNSigma, kPercentile, kMax };

class PeakPlacer final : public Placer {
 public:
  PeakPlacer(const PlacerSpec& spec, Predictor p) : text_(spec.text), predictor_(p) {
    spec.check_options({"window", "n", "q", "k"});
    window_ = std::max(1, spec.int_option("window", 12));
    n_ = spec.double_option("n", 3, 0, 20);
    q_ = spec.double_option("q", 0.99, 0, 1);
    k_ = spec.int_option("k", 0);
  }

  int history_steps() const override { return window_; }
  std::string name() const override { return text_; }

  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override {
    if (k_ > 0) {
      sample_feasible_hosts(ctx.cluster, ctx.request, k_, rng, candidates_);
    } else {
      all_feasible_hosts(ctx.cluster, ctx.request, candidates_);
    }
    std::int32_t best = kNoHost, fallback = kNoHost;
    double best_room = std::numeric_limits<double>::infinity();
    double fallback_load = std::numeric_limits<double>::infinity();
    for (std::int32_t h : candidates_) {
      const Resources& cap = ctx.cluster.capacity(h);
      double worst_after = 0, room = 0;
      for (int d : {static_cast<int>(kCpu), static_cast<int>(kMem)}) {
        if (!has_dim(ctx.cluster.dims(), d) || cap[d] <= 0) continue;
        const double after = predicted(ctx, h, d) + (ctx.cluster.pending(h)[d] + ctx.request[d]) / cap[d];
        worst_after = std::max(worst_after, after);
        room += 1 - after;
      }
      if (worst_after <= 1 + 1e-9) {
        if (room < best_room) {
          best_room = room;
          best = h;
        }
      } else if (worst_after < fallback_load) {
        fallback_load = worst_after;
        fallback = h;
      }
    }
    return best != kNoHost ? best : fallback;
  }

 private:
  // Predicted peak of host h's observed use in dimension d, as a fraction of
  // its capacity. A host without history yet: its last observed use. History
  // only changes between steps: one prediction per host, dimension and step.
  double predicted(const PlacementContext& ctx, std::int32_t h, int d) {
    const auto slot = static_cast<std::size_t>(h) * 2 + static_cast<std::size_t>(d);
    if (slot >= stamp_.size()) {
      stamp_.resize(slot + 1, -1);
      cache_.resize(slot + 1, 0);
    }
    if (stamp_[slot] != ctx.step) {
      cache_[slot] = predict(ctx, h, d);
      stamp_[slot] = ctx.step;
    }
    return cache_[slot];
  }

  double predict(const PlacementContext& ctx, std::int32_t h, int d) {
    const int n = ctx.history ? std::min(ctx.history->count(h), window_) : 0;
    if (n == 0 || d > kMem) {
      const double cap = ctx.cluster.capacity(h)[d];
      return cap > 0 ? ctx.cluster.used(h)[d] / cap : 0;
    }
    ctx.history->recent(h, n, d, series_);  // newest first
    std::reverse(series_.begin(), series_.end());
    switch (predictor_) {
      case Predictor::kNSigma: return peak_nsigma(series_, n_);
      case Predictor::kPercentile: return peak_percentile(series_, q_);
      default: return peak_max(series_, n_, q_);
    }
  }

  std::string text_;
  Predictor predictor_;
  int window_ = 12, k_ = 0;
  double n_ = 3, q_ = 0.99;
  std::vector<std::int32_t> candidates_;
  std::vector<float> series_;
  std::vector<std::int64_t> stamp_;  // [host * 2 + dim]: the step of cache_'s value
  std::vector<double> cache_;
};

}  // namespace

FLEETOPT_REGISTER_PLACER("peak-nsigma",
                         "overcommit by predicted peak: host mean + n sigma of its last @window steps (@n=3) "
                         "+ the request must fit; best fit on predicted use (@k=0: all hosts)",
                         [](const PlacerSpec& s) { return std::make_unique<PeakPlacer>(s, Predictor::kNSigma); });
FLEETOPT_REGISTER_PLACER("peak-pctl",
                         "overcommit by predicted peak: the @q=0.99 quantile of the host's last @window steps",
                         [](const PlacerSpec& s) { return std::make_unique<PeakPlacer>(s, Predictor::kPercentile); });
FLEETOPT_REGISTER_PLACER("peak-max",
                         "overcommit by predicted peak: max(n-sigma, quantile, latest) of the host's last @window "
                         "steps",
                         [](const PlacerSpec& s) { return std::make_unique<PeakPlacer>(s, Predictor::kMax); });

}  // namespace fleetopt
