// Scavenger's margin: mean + k * std of the recent normalised forecast errors
// (use - forecast) / capacity over a window of steps, clamped to [0, 1].
// Scavenger itself reads mean + k*std of recent use; with a forecaster in
// front (fixed across strategies, as in the ReLeaSER paper) the same rule
// applies to what the forecast misses. k and the window are tuned on the
// training part (net savings over a small grid).
#pragma once

#include <cstddef>
#include <span>

#include "fleetopt/reclaim/margin_strategy.h"

namespace fleetopt::reclaim {

struct ScavengerParams {
  double k = 2;
  std::size_t window = 12;
};

// margin[t - begin] for t in [begin, end) from errors of [t - window, t).
void scavenger_margins(const ReclaimProblem& problem, std::size_t host, int r, std::size_t begin, std::size_t end,
                       const ScavengerParams& p, std::span<float> margin);

}  // namespace fleetopt::reclaim
