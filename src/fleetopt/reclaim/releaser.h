// ReLeaSER (DDPG) training: one agent per host and resource learns the safety
// margin from the last hour of normalised forecast errors. Needs libtorch;
// the trained actors are plain weights (releaser_model.h).
#pragma once

#include "fleetopt/reclaim/releaser_model.h"

namespace fleetopt::reclaim {

// Trains every agent on its host's training part (steps < train_end).
// Reward of a step, per resource r (the other resource's forecast, with no
// margin, caps the containers): containers sold / the host's most containers,
// minus, on a step in violation, an equal share of that day's discount on the
// day's sales. A day's rewards therefore sum to the day's (normalised)
// savings minus penalties. Deterministic under settings.seed.
ReleaserModel train_releaser(const ReclaimProblem& problem, const DdpgSettings& settings);

}  // namespace fleetopt::reclaim
