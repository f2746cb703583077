#include "fleetopt/reclaim/releaser_model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::reclaim {

nlohmann::json DdpgSettings::to_json() const {
  return {{"window", window},         {"actor_hidden", actor_hidden}, {"critic_hidden", critic_hidden},
          {"max_margin", max_margin}, {"margin_scale", margin_scale}, {"gamma", gamma},               {"actor_lr", actor_lr},
          {"critic_lr", critic_lr},   {"batch", batch},               {"replay", replay},
          {"update_every", update_every}, {"max_updates", max_updates}, {"target_period", target_period}, {"ou_theta", ou_theta},
          {"ou_sigma", ou_sigma},     {"epochs", epochs},             {"seed", seed}};
}

DdpgSettings DdpgSettings::from_json(const nlohmann::json& j) {
  DdpgSettings s;
  s.window = j.at("window").get<int>();
  s.actor_hidden = j.at("actor_hidden").get<int>();
  s.critic_hidden = j.at("critic_hidden").get<int>();
  s.max_margin = j.at("max_margin").get<double>();
  s.margin_scale = j.at("margin_scale").get<double>();
  s.gamma = j.at("gamma").get<double>();
  s.actor_lr = j.at("actor_lr").get<double>();
  s.critic_lr = j.at("critic_lr").get<double>();
  s.batch = j.at("batch").get<int>();
  s.replay = j.at("replay").get<int>();
  s.update_every = j.at("update_every").get<int>();
  s.max_updates = j.at("max_updates").get<int>();
  s.target_period = j.at("target_period").get<int>();
  s.ou_theta = j.at("ou_theta").get<double>();
  s.ou_sigma = j.at("ou_sigma").get<double>();
  s.epochs = j.at("epochs").get<int>();
  s.seed = j.at("seed").get<std::uint64_t>();
  return s;
}

namespace {

// The MLP with its sizes known at compile time (the paper's 12 -> 16 -> 16
// shape), so the compiler unrolls and vectorises the loops: evaluation runs
// the actor once per host, resource and step.
template <int In, int H>
float mlp_fixed(const ActorWeights& a, const float* state) {
  float h1[H], h2[H];
  const float* w1 = a.w1.data();
  const float* w2 = a.w2.data();
  for (int o = 0; o < H; ++o) {
    float acc = a.b1[static_cast<std::size_t>(o)];
    for (int i = 0; i < In; ++i) acc += w1[o * In + i] * state[i];
    h1[o] = acc > 0 ? acc : 0;
  }
  for (int o = 0; o < H; ++o) {
    float acc = a.b2[static_cast<std::size_t>(o)];
    for (int i = 0; i < H; ++i) acc += w2[o * H + i] * h1[i];
    h2[o] = acc > 0 ? acc : 0;
  }
  float z = a.b3;
  for (int i = 0; i < H; ++i) z += a.w3[static_cast<std::size_t>(i)] * h2[i];
  return z;
}

float mlp_any(const ActorWeights& a, const float* state) {
  float h1[64], h2[64];
  const int h = a.hidden, in = a.in;
  for (int o = 0; o < h; ++o) {
    float acc = a.b1[static_cast<std::size_t>(o)];
    const float* w = &a.w1[static_cast<std::size_t>(o * in)];
    for (int i = 0; i < in; ++i) acc += w[i] * state[i];
    h1[o] = acc > 0 ? acc : 0;
  }
  for (int o = 0; o < h; ++o) {
    float acc = a.b2[static_cast<std::size_t>(o)];
    const float* w = &a.w2[static_cast<std::size_t>(o * h)];
    for (int i = 0; i < h; ++i) acc += w[i] * h1[i];
    h2[o] = acc > 0 ? acc : 0;
  }
  float z = a.b3;
  for (int i = 0; i < h; ++i) z += a.w3[static_cast<std::size_t>(i)] * h2[i];
  return z;
}

}  // namespace

float ActorWeights::margin(const float* state) const {
  const float z = in == 12 && hidden == 16 ? mlp_fixed<12, 16>(*this, state) : mlp_any(*this, state);
  return max_margin / (1.0f + std::exp(-z));
}

void releaser_state(const ReclaimProblem& problem, const ReleaserAgent& agent, int window, std::size_t host, int r,
                    std::size_t t, float* state) {
  for (int k = 0; k < window; ++k) {
    const auto back = static_cast<std::size_t>(window - k);  // state[window-1] = error(t-1)
    state[k] = t >= back ? (problem.error(host, r, t - back) - agent.err_mean) / agent.err_std : 0.0f;
  }
}

void releaser_margins(const ReleaserModel& model, const ReclaimProblem& problem, std::size_t host, int r,
                      std::size_t begin, std::size_t end, std::span<float> margin) {
  const ReleaserAgent& agent = model.agents[host][static_cast<std::size_t>(r)];
  if (!agent.trained) {
    std::fill(margin.begin(), margin.end(), 0.0f);
    return;
  }
  const int w = model.settings.window;
  float state[64];
  releaser_state(problem, agent, w, host, r, begin, state);
  for (std::size_t t = begin; t < end; ++t) {
    margin[t - begin] = agent.actor.margin(state);
    // Slide the window by one step: drop the oldest, append error(t).
    std::copy(state + 1, state + w, state);
    state[w - 1] = (problem.error(host, r, t) - agent.err_mean) / agent.err_std;
  }
}

nlohmann::json ReleaserModel::to_json() const {
  nlohmann::json hosts = nlohmann::json::array();
  for (std::size_t h = 0; h < agents.size(); ++h) {
    nlohmann::json res = nlohmann::json::object();
    for (int r = 0; r < kResources; ++r) {
      const ReleaserAgent& a = agents[h][static_cast<std::size_t>(r)];
      nlohmann::json j = {{"trained", a.trained}, {"err_mean", a.err_mean}, {"err_std", a.err_std},
                          {"train_seconds", a.train_seconds}};
      if (a.trained) {
        j["actor"] = {{"in", a.actor.in}, {"hidden", a.actor.hidden}, {"max_margin", a.actor.max_margin}, {"w1", a.actor.w1}, {"b1", a.actor.b1},
                      {"w2", a.actor.w2}, {"b2", a.actor.b2},         {"w3", a.actor.w3}, {"b3", a.actor.b3}};
      }
      res[kResName[r]] = j;
    }
    hosts.push_back({{"id", host_ids[h]}, {"agents", res}});
  }
  return {{"model", "releaser"}, {"settings", settings.to_json()}, {"hosts", hosts}};
}

ReleaserModel ReleaserModel::from_json(const nlohmann::json& j, const std::string& where) {
  try {
    if (j.at("model").get<std::string>() != "releaser") throw InputError(fmt::format("{}: not a releaser model", where));
    ReleaserModel m;
    m.settings = DdpgSettings::from_json(j.at("settings"));
    if (m.settings.window < 1 || m.settings.window > 64 || m.settings.actor_hidden < 1 || m.settings.actor_hidden > 64) {
      throw InputError(fmt::format("{}: settings.window and settings.actor_hidden must lie in 1..64", where));
    }
    for (const auto& h : j.at("hosts")) {
      m.host_ids.push_back(h.at("id").get<std::string>());
      auto& agents = m.agents.emplace_back();
      for (int r = 0; r < kResources; ++r) {
        const auto& a = h.at("agents").at(kResName[r]);
        ReleaserAgent& ag = agents[static_cast<std::size_t>(r)];
        ag.trained = a.at("trained").get<bool>();
        ag.err_mean = a.at("err_mean").get<float>();
        ag.err_std = a.at("err_std").get<float>();
        if (!std::isfinite(ag.err_mean) || !(ag.err_std > 0)) {
          throw InputError(fmt::format("{}: host {}: bad normalisation", where, m.host_ids.back()));
        }
        if (!ag.trained) continue;
        const auto& act = a.at("actor");
        ActorWeights& w = ag.actor;
        w.in = act.at("in").get<int>();
        w.hidden = act.at("hidden").get<int>();
        w.w1 = act.at("w1").get<std::vector<float>>();
        w.b1 = act.at("b1").get<std::vector<float>>();
        w.w2 = act.at("w2").get<std::vector<float>>();
        w.b2 = act.at("b2").get<std::vector<float>>();
        w.w3 = act.at("w3").get<std::vector<float>>();
        w.b3 = act.at("b3").get<float>();
        w.max_margin = act.at("max_margin").get<float>();
        if (!(w.max_margin > 0 && w.max_margin <= 1)) {
          throw InputError(fmt::format("{}: host {}: max_margin must lie in (0, 1]", where, m.host_ids.back()));
        }
        const auto hi = static_cast<std::size_t>(w.hidden), in = static_cast<std::size_t>(w.in);
        if (w.in != m.settings.window || w.hidden != m.settings.actor_hidden || w.w1.size() != hi * in ||
            w.b1.size() != hi || w.w2.size() != hi * hi || w.b2.size() != hi || w.w3.size() != hi) {
          throw InputError(fmt::format("{}: host {}: actor weights of the wrong shape", where, m.host_ids.back()));
        }
      }
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: malformed releaser model: {}", where, e.what()));
  }
}

}  // namespace fleetopt::reclaim
