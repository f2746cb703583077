// Evaluation speed of margin strategies over 100 hosts x 3 months of 5-minute
// steps (issue 11 target: < 1 s per strategy, DDPG inference included), and
// the DDPG training time of one agent (one host and resource).
// Hosts: the Bitbrains three-month hosts (VMs 101-200) when the traces are
// there; otherwise 100 synthetic hosts of 26,000 steps (a daily sine plus
// seeded noise), said so in the label. Forecasts: last-value (the forecaster
// is not part of a strategy's evaluation). The strategy fits on the first
// 80% and is then evaluated over every step of every host (train_end = 0),
// so each iteration decides and accounts 100 x ~26,000 x 2 margins.
//
//   build/bench/reclaim/bench_reclaim --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/reclaim/reclaim_run.h"
#include "fleetopt/reclaim/releaser.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt::reclaim {
namespace {

struct Data {
  HostSet hosts;
  Forecasts forecasts;
  bool real = false;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    if (text::exists(text::join_path(data_dir(), "bitbrains-rnd/2013-9"))) {
      out.hosts = load_hosts("bitbrains-3m", "", nullptr);
      out.real = true;
    } else {
      Rng rng(1);
      for (int h = 0; h < 100; ++h) {
        HostSeries s;
        s.id = std::to_string(h);
        s.capacity = {16, 64};
        for (int r = 0; r < kResources; ++r) {
          const double cap = s.capacity[static_cast<std::size_t>(r)];
          for (int t = 0; t < 26'000; ++t) {
            const double u = 0.4 + 0.2 * std::sin(t * 2 * 3.14159265 / 288) + 0.05 * rng.normal();
            s.use[static_cast<std::size_t>(r)].push_back(static_cast<float>(std::clamp(u, 0.0, 1.0) * cap));
          }
        }
        out.hosts.hosts.push_back(std::move(s));
      }
    }
    out.forecasts = make_forecasts(out.hosts, "last-value", 0.8, 1);
    return out;
  }();
  return d;
}

void evaluate_strategy(benchmark::State& state, const std::string& spec) {
  const Data& d = data();
  const ReclaimProblem train = make_problem(d.hosts, d.forecasts, 0.8, 1);
  auto strategy = make_margin_strategy(spec);
  strategy->fit(train);
  ReclaimProblem all = train;
  std::fill(all.train_end.begin(), all.train_end.end(), 0);
  std::size_t steps = 0;
  for (auto _ : state) {
    const StrategyResult r = evaluate(*strategy, all, false, false);
    steps += r.total.steps;
    benchmark::DoNotOptimize(r.total.savings_usd);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(steps));  // host-steps (2 margins each)
  state.SetLabel(d.real ? "bitbrains-3m, 100 hosts" : "synthetic, 100 hosts x 26000 steps");
}

void BM_Evaluate(benchmark::State& state, const char* spec) { evaluate_strategy(state, spec); }

// One agent's training on the training part of the first host that can sell a container.
void BM_TrainOneAgent(benchmark::State& state) {
  const Data& d = data();
  std::size_t host = 0;
  while (host < d.hosts.hosts.size() &&
         containers_for(d.hosts.hosts[host].capacity[kResCpu], d.hosts.hosts[host].capacity[kResMem]) == 0) {
    ++host;
  }
  HostSet one;
  one.hosts.push_back(d.hosts.hosts[host]);
  Forecasts fc;
  fc.values.push_back(d.forecasts.values[host]);
  const ReclaimProblem p = make_problem(one, fc, 0.8, 1);
  for (auto _ : state) {
    const ReleaserModel m = train_releaser(p, DdpgSettings{});
    benchmark::DoNotOptimize(m.agents.size());
  }
  state.SetLabel("2 agents (cpu, mem) of host " + one.hosts[0].id + ", " + std::to_string(p.train_end[0]) +
                 " training steps");
}

BENCHMARK_CAPTURE(BM_Evaluate, fixed, "fixed")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Evaluate, scavenger, "scavenger@k=2@window=12")->Unit(benchmark::kMillisecond);
// Inference cost does not depend on how well the actor learned: few updates keep set-up short.
BENCHMARK_CAPTURE(BM_Evaluate, releaser, "releaser@updates=50")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Evaluate, oracle, "oracle")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_TrainOneAgent)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace fleetopt::reclaim

BENCHMARK_MAIN();
