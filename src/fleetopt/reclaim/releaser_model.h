// ReLeaSER's learned part that evaluation needs: per host and resource, the
// DDPG actor (state -> margin) as plain weights, so choosing margins costs a
// few hundred multiply-adds per step and no libtorch (training, in
// releaser.cc, is what needs libtorch).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/reclaim/margin_strategy.h"

namespace fleetopt::reclaim {

// The paper's settings, at our 5-minute steps (docs/reclaim.md).
struct DdpgSettings {
  int window = 12;          // state: the last hour of normalised forecast errors (12 x 5 min; paper 10 x 3 min)
  int actor_hidden = 16;    // actor window -> 16 -> 16 -> 1 (ReLU)
  int critic_hidden = 32;   // critic (window + 1) -> 32 -> 32 -> 1 (ReLU)
  // Actor output = M * sigmoid(linear out), M per agent = min(max_margin,
  // margin_scale * (|mean| + std) of its training errors): the action is
  // normalised to the host's error scale, as the state is, so that the
  // critic resolves the margins that matter (0.5% of capacity on an idle
  // host, 15% on a noisy one).
  double max_margin = 0.5;
  double margin_scale = 8;
  double gamma = 0.5;       // the margin does not move the next state; a short horizon suffices
  double actor_lr = 3e-4, critic_lr = 1e-3;
  int batch = 32;
  int replay = 20'000;        // replay memory (transitions)
  int update_every = 2;       // steps between gradient updates (at least)
  int max_updates = 4000;     // per agent and epoch: bounds the training time (spaces the updates out)
  int target_period = 2880;   // steps between hard target-network updates (10 days of 5 min)
  double ou_theta = 0.15, ou_sigma = 0.2;  // Ornstein-Uhlenbeck exploration, in units of M
  int epochs = 1;             // passes over the training part
  std::uint64_t seed = 1;
  int threads = 1;            // agents trained at once (results do not depend on it)

  nlohmann::json to_json() const;
  static DdpgSettings from_json(const nlohmann::json& j);
};

// A small ReLU MLP in plain floats: in -> h -> h -> 1, then max * sigmoid.
struct ActorWeights {
  int in = 0, hidden = 0;
  std::vector<float> w1, b1, w2, b2, w3;  // row-major [out][in]
  float b3 = 0;
  float max_margin = 0.5f;  // M

  // margin for `state` (in values); scratch-free, allocation-free.
  float margin(const float* state) const;
};

struct ReleaserAgent {
  bool trained = false;          // false: no container ever fits the host; margin 0
  float err_mean = 0, err_std = 1;  // state normalisation (training part)
  ActorWeights actor;
  double train_seconds = 0;
};

struct ReleaserModel {
  DdpgSettings settings;
  std::vector<std::string> host_ids;
  std::vector<std::array<ReleaserAgent, kResources>> agents;  // [host][resource]

  nlohmann::json to_json() const;
  // Throws InputError naming `where` on a malformed model.
  static ReleaserModel from_json(const nlohmann::json& j, const std::string& where);
};

// The state of step t: errors of [t - window, t), normalised; zeros before step 0.
void releaser_state(const ReclaimProblem& problem, const ReleaserAgent& agent, int window, std::size_t host, int r,
                    std::size_t t, float* state);

// Margins of one host and resource over [begin, end) by the trained actor.
void releaser_margins(const ReleaserModel& model, const ReclaimProblem& problem, std::size_t host, int r,
                      std::size_t begin, std::size_t end, std::span<float> margin);

}  // namespace fleetopt::reclaim
