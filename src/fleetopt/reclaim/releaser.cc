#include "fleetopt/reclaim/releaser.h"

#include <algorithm>
#include <chrono>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <torch/torch.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/reclaim/accounting.h"

namespace fleetopt::reclaim {
namespace {

struct MlpImpl : torch::nn::Module {
  MlpImpl(int in, int hidden)
      : fc1(register_module("fc1", torch::nn::Linear(in, hidden))),
        fc2(register_module("fc2", torch::nn::Linear(hidden, hidden))),
        fc3(register_module("fc3", torch::nn::Linear(hidden, 1))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    return fc3->forward(torch::relu(fc2->forward(torch::relu(fc1->forward(x)))));
  }
  torch::nn::Linear fc1, fc2, fc3;
};
TORCH_MODULE(Mlp);

void copy_params(const Mlp& from, Mlp& to) {
  torch::NoGradGuard guard;
  auto src = from->parameters();
  auto dst = to->parameters();
  for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
}

std::vector<float> flat(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

void mirror(const Mlp& actor, ActorWeights& w) {
  w.w1 = flat(actor->fc1->weight);
  w.b1 = flat(actor->fc1->bias);
  w.w2 = flat(actor->fc2->weight);
  w.b2 = flat(actor->fc2->bias);
  w.w3 = flat(actor->fc3->weight);
  w.b3 = actor->fc3->bias.item<float>();
}

struct Replay {
  int window = 0;
  std::size_t capacity = 0, next = 0, size = 0;
  std::vector<float> s, a, r, s2;
  Replay(int w, std::size_t cap)
      : window(w), capacity(cap), s(cap * static_cast<std::size_t>(w)), a(cap), r(cap),
        s2(cap * static_cast<std::size_t>(w)) {}
  void push(const float* state, float action, float reward, const float* next_state) {
    const auto w = static_cast<std::size_t>(window);
    std::copy(state, state + w, &s[next * w]);
    std::copy(next_state, next_state + w, &s2[next * w]);
    a[next] = action;
    r[next] = reward;
    next = (next + 1) % capacity;
    size = std::min(size + 1, capacity);
  }
};

struct Pending {
  std::vector<float> state, next_state;
  float action = 0, sold = 0;
  bool violated = false;
};

ReleaserAgent train_agent(const ReclaimProblem& problem, std::size_t h, int r, const DdpgSettings& st) {
  const auto t0 = std::chrono::steady_clock::now();
  ReleaserAgent agent;
  const HostSeries& host = problem.hosts.hosts[h];
  const auto ri = static_cast<std::size_t>(r);
  const int o = 1 - r;
  const auto oi = static_cast<std::size_t>(o);
  const std::size_t end = problem.train_end[h];
  const std::int64_t most = containers_for(host.capacity[kResCpu], host.capacity[kResMem]);
  if (most == 0 || end < 2) return agent;  // no container ever fits: nothing to learn, margin 0

  double sum = 0, sum2 = 0;
  for (std::size_t t = 1; t < end; ++t) {
    const double e = problem.error(h, r, t);
    sum += e;
    sum2 += e * e;
  }
  const double n = static_cast<double>(end - 1);
  agent.err_mean = static_cast<float>(sum / n);
  agent.err_std = static_cast<float>(std::max(1e-3, std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)))));

  const std::uint64_t seed = st.seed * 1'000'003ull + h * 2 + ri;
  Rng rng(seed);
  const int w = st.window;
  Mlp actor{nullptr}, actor_target{nullptr}, critic{nullptr}, critic_target{nullptr};
  {
    // Initial weights come from torch's global generator: seed and draw under
    // a lock so agents trained in parallel stay deterministic. Training itself
    // draws only from `rng`.
    static std::mutex init_mutex;
    std::lock_guard<std::mutex> lock(init_mutex);
    torch::manual_seed(seed);
    actor = Mlp(w, st.actor_hidden);
    actor_target = Mlp(w, st.actor_hidden);
    critic = Mlp(w + 1, st.critic_hidden);
    critic_target = Mlp(w + 1, st.critic_hidden);
  }
  copy_params(actor, actor_target);
  copy_params(critic, critic_target);
  torch::optim::Adam actor_opt(actor->parameters(), torch::optim::AdamOptions(st.actor_lr));
  torch::optim::Adam critic_opt(critic->parameters(), torch::optim::AdamOptions(st.critic_lr));
  agent.actor.in = w;
  agent.actor.hidden = st.actor_hidden;
  const double raw_std = std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)));
  const double M = std::clamp(st.margin_scale * (std::abs(sum / n) + raw_std), 0.01, st.max_margin);
  agent.actor.max_margin = static_cast<float>(M);
  mirror(actor, agent.actor);
  agent.trained = true;

  Replay replay(w, static_cast<std::size_t>(st.replay));
  const auto B = static_cast<std::int64_t>(st.batch);
  const auto W = static_cast<std::int64_t>(w);
  std::vector<float> bs(static_cast<std::size_t>(B * W)), bs2(bs.size()), ba(static_cast<std::size_t>(B)),
      br(static_cast<std::size_t>(B));
  auto update = [&] {
    for (std::int64_t b = 0; b < B; ++b) {
      const std::size_t k = rng.below(replay.size);
      std::copy_n(&replay.s[k * static_cast<std::size_t>(w)], w, &bs[static_cast<std::size_t>(b * W)]);
      std::copy_n(&replay.s2[k * static_cast<std::size_t>(w)], w, &bs2[static_cast<std::size_t>(b * W)]);
      ba[static_cast<std::size_t>(b)] = replay.a[k];
      br[static_cast<std::size_t>(b)] = replay.r[k];
    }
    auto S = torch::from_blob(bs.data(), {B, W}, torch::kFloat32);
    auto S2 = torch::from_blob(bs2.data(), {B, W}, torch::kFloat32);
    auto A = torch::from_blob(ba.data(), {B, 1}, torch::kFloat32);
    auto R = torch::from_blob(br.data(), {B, 1}, torch::kFloat32);
    torch::Tensor y;
    {
      torch::NoGradGuard guard;
      auto a2 = torch::sigmoid(actor_target->forward(S2));
      y = R + st.gamma * critic_target->forward(torch::cat({S2, a2}, 1));
    }
    auto q = critic->forward(torch::cat({S, A}, 1));
    auto critic_loss = torch::mse_loss(q, y);
    critic_opt.zero_grad();
    critic_loss.backward();
    critic_opt.step();
    auto actor_loss = -critic->forward(torch::cat({S, torch::sigmoid(actor->forward(S))}, 1)).mean();
    actor_opt.zero_grad();
    actor_loss.backward();
    actor_opt.step();
    mirror(actor, agent.actor);
  };

  const double cap_r = host.capacity[ri], cap_o = host.capacity[oi];
  const auto& fc_r = problem.forecasts.values[h][ri];
  const auto& fc_o = problem.forecasts.values[h][oi];
  std::vector<Pending> day;
  std::int64_t steps = 0;
  const std::int64_t every = std::max<std::int64_t>(
      st.update_every, (static_cast<std::int64_t>(end) + st.max_updates - 1) / std::max(1, st.max_updates));
  std::vector<float> state(static_cast<std::size_t>(w));
  for (int epoch = 0; epoch < st.epochs; ++epoch) {
    double ou = 0;
    for (std::size_t t = 1; t < end; ++t) {
      releaser_state(problem, agent, w, h, r, t, state.data());
      ou += st.ou_theta * (0 - ou) + st.ou_sigma * rng.normal();
      const double margin = std::clamp(static_cast<double>(agent.actor.margin(state.data())) + ou * M, 0.0, M);
      const double rec_r = reclaimable(cap_r, fc_r[t], margin), rec_o = reclaimable(cap_o, fc_o[t], 0.0);
      const std::int64_t sold = r == kResCpu ? containers_for(rec_r, rec_o) : containers_for(rec_o, rec_r);
      Pending p;
      p.state = state;
      p.action = static_cast<float>(margin / M);
      p.sold = static_cast<float>(static_cast<double>(sold) / static_cast<double>(most));
      p.violated = sold > 0 && host.use[ri][t] + static_cast<double>(sold) * kContainerSize[r] > cap_r * (1 + 1e-9);
      day.push_back(std::move(p));
      if ((t + 1) % kStepsPerDay == 0 || t + 1 == end) {
        double day_sold = 0;
        int violations = 0;
        for (const Pending& q : day) {
          day_sold += q.sold;
          violations += q.violated ? 1 : 0;
        }
        const double minutes = violations * problem.hosts.step_seconds / 60.0;
        const double share = violations > 0 ? daily_discount(minutes) * day_sold / violations : 0.0;
        for (std::size_t k = 0; k < day.size(); ++k) {
          // The next state is this step's state shifted by one, plus this step's error.
          const std::vector<float>& s = day[k].state;
          std::vector<float> s2(s.begin() + 1, s.end());
          const std::size_t tk = t + 1 - day.size() + k;
          s2.push_back((problem.error(h, r, tk) - agent.err_mean) / agent.err_std);
          replay.push(s.data(), day[k].action, static_cast<float>(day[k].sold - (day[k].violated ? share : 0.0)),
                      s2.data());
        }
        day.clear();
      }
      ++steps;
      if (steps % every == 0 && replay.size >= static_cast<std::size_t>(4 * st.batch)) update();
      if (steps % st.target_period == 0) {
        copy_params(actor, actor_target);
        copy_params(critic, critic_target);
      }
    }
  }
  agent.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return agent;
}

class Releaser : public MarginStrategy {
 public:
  Releaser(DdpgSettings settings, std::string model_path) : settings_(settings), path_(std::move(model_path)) {}

  void fit(const ReclaimProblem& problem) override {
    if (path_.empty()) {
      DdpgSettings s = settings_;
      if (s.seed == 0) s.seed = problem.seed;  // no @seed: the run's --seed
      model_ = train_releaser(problem, s);
      return;
    }
    model_ = ReleaserModel::from_json(read_json_file(path_), path_);
    if (model_.host_ids.size() != problem.hosts.hosts.size()) {
      throw InputError(fmt::format("{}: model has {} hosts, the host set {}", path_, model_.host_ids.size(),
                                   problem.hosts.hosts.size()));
    }
    for (std::size_t h = 0; h < model_.host_ids.size(); ++h) {
      if (model_.host_ids[h] != problem.hosts.hosts[h].id) {
        throw InputError(fmt::format("{}: host {} is '{}' in the model, '{}' in the host set", path_, h,
                                     model_.host_ids[h], problem.hosts.hosts[h].id));
      }
    }
  }
  void choose(const MarginContext& ctx, const std::array<std::span<float>, kResources>& margin) override {
    if (model_.agents.empty()) throw std::logic_error("releaser: choose() before fit()");
    for (int r = 0; r < kResources; ++r) {
      releaser_margins(model_, ctx.problem, ctx.host, r, ctx.begin, ctx.end, margin[static_cast<std::size_t>(r)]);
    }
  }
  nlohmann::json save() const override { return model_.to_json(); }
  nlohmann::json summary() const override {
    double seconds = 0;
    int trained = 0;
    for (const auto& a : model_.agents) {
      for (const ReleaserAgent& ag : a) {
        seconds += ag.train_seconds;
        trained += ag.trained ? 1 : 0;
      }
    }
    return {{"agents_trained", trained}, {"train_seconds", seconds}, {"settings", model_.settings.to_json()}};
  }
  std::string name() const override { return "releaser"; }

 private:
  DdpgSettings settings_;
  std::string path_;
  ReleaserModel model_;
};

double number_option(const PlacerSpec& spec, const std::string& key, double fallback, double lo, double hi) {
  double v = 0;
  const std::string text = spec.option(key, "");
  if (text.empty()) return fallback;
  if (!parse_double(text, v) || v < lo || v > hi) {
    throw InputError::field("--strategy", fmt::format("releaser@{}: expected a number in [{}, {}], got '{}'", key, lo,
                                                      hi, text));
  }
  return v;
}

}  // namespace

ReleaserModel train_releaser(const ReclaimProblem& problem, const DdpgSettings& settings) {
  // Small networks gain nothing from threads, and other work shares the cores.
  torch::set_num_threads(1);
  ReleaserModel model;
  model.settings = settings;
  const std::size_t n = problem.hosts.hosts.size();
  for (std::size_t h = 0; h < n; ++h) model.host_ids.push_back(problem.hosts.hosts[h].id);
  model.agents.resize(n);
  // Agents are independent: `threads` workers take them in turn; the result
  // does not depend on the number of threads.
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      for (std::size_t k = next++; k < n * kResources; k = next++) {
        model.agents[k / kResources][k % kResources] =
            train_agent(problem, k / kResources, static_cast<int>(k % kResources), settings);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = n * kResources;  // the others stop after their current agent
    }
  };
  const int threads = std::clamp(settings.threads, 1, 64);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return model;
}

FLEETOPT_REGISTER_MARGIN_STRATEGY(
    "releaser",
    "ReLeaSER: DDPG margin per host and resource from the last hour of forecast errors, trained on the training "
    "part (releaser:MODEL loads a saved one; @epochs @gamma @update @updates @sigma @alr @clr @batch @seed @threads @scale)",
    [](const std::string& text) {
      const PlacerSpec spec = PlacerSpec::parse(text);
      spec.check_options({"epochs", "gamma", "update", "updates", "sigma", "seed", "alr", "clr", "batch", "threads", "scale"});
      DdpgSettings s;
      s.epochs = static_cast<int>(number_option(spec, "epochs", s.epochs, 1, 100));
      s.gamma = number_option(spec, "gamma", s.gamma, 0, 0.999);
      s.update_every = static_cast<int>(number_option(spec, "update", s.update_every, 1, 1000));
      s.max_updates = static_cast<int>(number_option(spec, "updates", s.max_updates, 1, 1e7));
      s.ou_sigma = number_option(spec, "sigma", s.ou_sigma, 0, 1);
      s.actor_lr = number_option(spec, "alr", s.actor_lr, 1e-7, 1);
      s.critic_lr = number_option(spec, "clr", s.critic_lr, 1e-7, 1);
      s.batch = static_cast<int>(number_option(spec, "batch", s.batch, 1, 4096));
      s.threads = static_cast<int>(number_option(spec, "threads", s.threads, 1, 64));
      s.margin_scale = number_option(spec, "scale", s.margin_scale, 0.01, 1000);
      s.seed = static_cast<std::uint64_t>(number_option(spec, "seed", 0, 1, 1e15));
      return std::make_unique<Releaser>(s, spec.arg);
    });

}  // namespace fleetopt::reclaim
