// Decision latency of the fireplace policy at fleet scale: 10,000 hosts,
// each running 20 VMs with 72 steps of usage history, K sampled candidates,
// features + model. Prints one JSON object (p50/p99 of single decisions,
// timed one by one), then runs the Google Benchmark micro-benchmarks of the
// parts (features alone, model alone, whole decision).
//
//   bench_fireplace_latency [--model=MODEL.json] [--k=2] [--hosts=10000] [--decisions=20000]
//                           [--ranker=RANKER.json] [--candidates=prefilter=M|all|k=K]
//
// Without --model it trains a forest (100 trees of depth 8, the largest
// kind FirePlace trains by default) on a synthetic workload first. With
// --ranker (or --candidates alone: a ranker is then trained on a synthetic
// workload) it also times the ranker policy over that candidate set, and the
// pre-filter's scan of every host alone (issue 14: p99 <= 50 us at 10,000
// hosts).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/core/stats.h"
#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/model.h"
#include "fleetopt/fireplace/placers.h"
#include "fleetopt/fireplace/ranker.h"
#include "fleetopt/fireplace/ranker_training.h"
#include "fleetopt/fireplace/test_workloads.h"
#include "fleetopt/fireplace/training.h"
#include "fleetopt/placement/host_history.h"

namespace fleetopt::fireplace {
namespace {

struct Args {
  std::string model;
  int k = 2;
  int hosts = 10000;
  int decisions = 20000;
  int vms_per_host = 20;
  std::string ranker;
  std::string candidates;  // empty: no ranker scenario
};

// A fleet in steady state: every host runs vms_per_host bursty VMs that
// arrived 100 steps ago, and its history holds 72 steps of their use.
struct Fleet {
  Workload workload;
  std::unique_ptr<ClusterState> cluster;
  std::unique_ptr<HostHistory> history;
  std::int64_t step = 100;
  std::int32_t new_vm = 0;
};

std::unique_ptr<Fleet> make_fleet(const Args& a) {
  auto f = std::make_unique<Fleet>();
  const std::size_t placed = static_cast<std::size_t>(a.hosts) * static_cast<std::size_t>(a.vms_per_host);
  // 256 distinct shapes tiled over the VMs keep the sample array small.
  Workload shapes = testing::bursty_workload(256, 9);
  f->workload = shapes;
  f->workload.instances.clear();
  Rng rng(5);
  for (std::size_t i = 0; i <= placed; ++i) {
    Instance inst = shapes.instances[i % shapes.instances.size()];
    inst.arrival = 0;
    inst.departure = 400 * 300.0;
    inst.phase = static_cast<std::uint32_t>(rng.below(64));
    f->workload.instances.push_back(inst);
  }
  f->workload.ids.clear();
  f->workload.tags.clear();
  f->workload.end = 400 * 300.0;
  f->new_vm = static_cast<std::int32_t>(placed);
  f->cluster = std::make_unique<ClusterState>(std::vector<Resources>(static_cast<std::size_t>(a.hosts), make_resources(32, 128)),
                                              make_resources(1000, 1000), kCpuMem, placed + 1);
  // As the simulator makes it for these policies: it keeps the rows' window
  // statistics on each push (history_windows()).
  f->history = std::make_unique<HostHistory>(static_cast<std::size_t>(a.hosts), kHistorySteps, feature_history_windows());
  for (std::size_t i = 0; i < placed; ++i) {
    auto h = static_cast<std::int32_t>(i % static_cast<std::size_t>(a.hosts));
    f->cluster->place(static_cast<std::int32_t>(i), h, f->workload.instances[i].request);
  }
  f->cluster->clear_pending();
  for (std::int32_t h = 0; h < a.hosts; ++h) {
    float cpu = 0, mem = 0;
    for (int t = 0; t < kHistorySteps; ++t) {
      cpu = static_cast<float>(rng.uniform(0.1, 0.9));
      mem = static_cast<float>(rng.uniform(0.2, 0.8));
      f->history->push(h, cpu, mem);
    }
    // Observed use = the last history sample, so the pre-filter's scores
    // differ between hosts (with equal scores its heap would never move).
    f->cluster->mutable_used(h) = make_resources(32.0 * cpu, 128.0 * mem);
  }
  return f;
}

std::string trained_model(int k) {
  Workload w = testing::bursty_workload(400, 1);
  TrainOptions o;
  o.kinds = {"forest"};
  o.targets = {"pick"};
  o.candidates = std::max(2, k);
  o.rollouts = 1;
  o.dagger = 0;
  TrainResult r = train_fireplace({{"bursty", &w}}, o);
  std::string path = "/tmp/fleetopt_bench_fireplace_model.json";
  FirePlaceModel::save(path, r.info, r.xgboost_model);
  return path;
}

std::string trained_ranker(const CandidateSet& set) {
  Workload w = testing::bursty_workload(400, 1);
  RankerTrainOptions o;
  o.candidates = set;
  o.rollouts = 1;
  o.dagger = 0;
  o.hosts = 30;
  o.sim.overcommit = make_resources(1000, 1000);
  RankerTrainResult r = train_ranker({{"bursty", &w}}, o);
  std::string path = "/tmp/fleetopt_bench_fireplace_ranker.json";
  RankerModel::save(path, r.info, r.xgboost_model);
  return path;
}

Args g_args;
std::unique_ptr<Fleet> g_fleet;
std::shared_ptr<const FirePlaceModel> g_model;

PlacementContext context(const Fleet& f, const Resources& request) {
  return PlacementContext{*f.cluster, f.workload, f.history.get(), f.new_vm, f.step, request};
}

void BM_Decision(benchmark::State& state) {
  FirePlacePlacer placer("fireplace", g_model, g_args.k);
  Rng rng(1);
  const Resources request = make_resources(2, 4);
  auto ctx = context(*g_fleet, request);
  for (auto _ : state) benchmark::DoNotOptimize(placer.choose(ctx, rng));
}
BENCHMARK(BM_Decision);

void BM_FeaturesOnly(benchmark::State& state) {
  FeatureBuilder builder;
  std::vector<float> rows;
  std::vector<std::int32_t> candidates;
  Rng rng(2);
  const Resources request = make_resources(2, 4);
  auto ctx = context(*g_fleet, request);
  for (auto _ : state) {
    candidates.clear();
    for (int c = 0; c < g_args.k; ++c) candidates.push_back(static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(g_args.hosts))));
    builder.build(ctx, candidates, rows);
    benchmark::DoNotOptimize(rows.data());
  }
}
BENCHMARK(BM_FeaturesOnly);

void BM_ModelOnly(benchmark::State& state) {
  std::vector<float> rows(static_cast<std::size_t>(g_args.k) * kNumFeatures);
  Rng rng(3);
  for (float& x : rows) x = static_cast<float>(rng.uniform());
  for (auto _ : state) benchmark::DoNotOptimize(g_model->best(rows.data(), static_cast<std::size_t>(g_args.k)));
}
BENCHMARK(BM_ModelOnly);

nlohmann::json latency_scenario() {
  FirePlacePlacer placer("fireplace", g_model, g_args.k);
  Rng rng(11);
  const Resources request = make_resources(2, 4);
  auto ctx = context(*g_fleet, request);
  std::vector<double> ns;
  ns.reserve(static_cast<std::size_t>(g_args.decisions));
  for (int i = 0; i < 1000; ++i) benchmark::DoNotOptimize(placer.choose(ctx, rng));  // warm caches
  for (int i = 0; i < g_args.decisions; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    std::int32_t h = placer.choose(ctx, rng);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(h);
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  return {{"benchmark", "fireplace_decision_latency"},
          {"hosts", g_args.hosts},
          {"vms_per_host", g_args.vms_per_host},
          {"candidates", g_args.k},
          {"model", g_model->info().type},
          {"target", g_model->info().target},
          {"trees", g_model->trees().num_trees()},
          {"tree_nodes", g_model->trees().num_nodes()},
          {"decisions", g_args.decisions},
          {"p50_ns", percentile(ns, 50)},
          {"p99_ns", percentile(ns, 99)},
          {"max_ns", *std::max_element(ns.begin(), ns.end())}};
}

// A fixed computation: a chain of dependent multiply-adds, touching no
// memory, the same work on every call.
double fixed_work(long steps) {
  double x = 1;
  for (long i = 0; i < steps; ++i) x = x * 1.0000001 + 1e-9;
  return x;
}

double seconds_of(long steps) {
  auto t0 = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(fixed_work(steps));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The ranker over its candidate set, and the pre-filter's scan alone. Timed
// beside each decision, a fixed computation as long as the median decision:
// its p99 over its p50 is what the machine itself adds to the tail of any
// computation that long (interrupts, a shared host), so a decision's p99 can
// be read against it.
nlohmann::json ranker_scenario() {
  auto model = RankerModel::load_shared(g_args.ranker);
  const CandidateSet set = CandidateSet::parse(g_args.candidates, "--candidates");
  RankerPlacer placer("fireplace-rank", model, set);
  Rng rng(11);
  const Resources request = make_resources(2, 4);
  auto ctx = context(*g_fleet, request);
  std::vector<double> ns, scan_ns;
  std::vector<std::int32_t> out;
  ns.reserve(static_cast<std::size_t>(g_args.decisions));
  for (int i = 0; i < 200; ++i) benchmark::DoNotOptimize(placer.choose(ctx, rng));
  std::vector<double> first;
  for (int i = 0; i < 500; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(placer.choose(ctx, rng));
    first.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::vector<double> per_step;
  for (int i = 0; i < 51; ++i) per_step.push_back(seconds_of(100000) / 100000);
  const long steps = std::max(1L, static_cast<long>(percentile(first, 50) / percentile(per_step, 50)));
  std::vector<double> work_ns;
  for (int i = 0; i < g_args.decisions; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    std::int32_t h = placer.choose(ctx, rng);
    auto t1 = std::chrono::steady_clock::now();
    set.fill(*g_fleet->cluster, request, rng, out);
    auto t2 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(fixed_work(steps));
    auto t3 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(h);
    benchmark::DoNotOptimize(out.data());
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    scan_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count());
    work_ns.push_back(std::chrono::duration<double, std::nano>(t3 - t2).count());
  }
  return {{"benchmark", "fireplace_ranker_decision_latency"},
          {"hosts", g_args.hosts},
          {"vms_per_host", g_args.vms_per_host},
          {"candidate_set", set.describe()},
          {"trees", model->trees().num_trees()},
          {"tree_nodes", model->trees().num_nodes()},
          {"decisions", g_args.decisions},
          {"p50_ns", percentile(ns, 50)},
          {"p99_ns", percentile(ns, 99)},
          {"max_ns", *std::max_element(ns.begin(), ns.end())},
          {"candidates_only_p50_ns", percentile(scan_ns, 50)},
          {"candidates_only_p99_ns", percentile(scan_ns, 99)},
          {"fixed_work_p50_ns", percentile(work_ns, 50)},
          {"fixed_work_p99_ns", percentile(work_ns, 99)}};
}

// What keeping each host's samples in order, and the rows' window statistics
// (range(0) = 1), costs where usage arrives: one step's push for every host
// of the fleet (full 72-sample windows).
void BM_HistoryPushPerHost(benchmark::State& state) {
  HostHistory history(static_cast<std::size_t>(g_args.hosts), kHistorySteps,
                      state.range(0) != 0 ? feature_history_windows() : HistoryWindows{});
  Rng rng(24);
  for (int t = 0; t < kHistorySteps; ++t) {
    for (std::int32_t h = 0; h < g_args.hosts; ++h) history.push(h, static_cast<float>(rng.uniform()), 0.5f);
  }
  for (auto _ : state) {
    for (std::int32_t h = 0; h < g_args.hosts; ++h) history.push(h, static_cast<float>(rng.uniform()), 0.5f);
  }
  state.SetItemsProcessed(state.iterations() * g_args.hosts);
}
BENCHMARK(BM_HistoryPushPerHost)->Arg(0)->Arg(1);

// The ranker's decision in its three parts (run with --ranker or
// --candidates): the candidate set, the rows of that set, the trees on them.
struct RankerParts {
  std::shared_ptr<const RankerModel> model;
  CandidateSet set;
};
std::unique_ptr<RankerParts> g_ranker;

void BM_RankerCandidates(benchmark::State& state) {
  if (!g_ranker) return state.SkipWithError("needs --ranker or --candidates");
  Rng rng(21);
  std::vector<std::int32_t> out;
  const Resources request = make_resources(2, 4);
  for (auto _ : state) {
    g_ranker->set.fill(*g_fleet->cluster, request, rng, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_RankerCandidates);

void BM_RankerRows(benchmark::State& state) {
  if (!g_ranker) return state.SkipWithError("needs --ranker or --candidates");
  FeatureBuilder builder(g_ranker->model->info().resources);
  Rng rng(22);
  std::vector<std::int32_t> out;
  std::vector<float> rows;
  const Resources request = make_resources(2, 4);
  auto ctx = context(*g_fleet, request);
  for (auto _ : state) {
    state.PauseTiming();
    g_ranker->set.fill(*g_fleet->cluster, request, rng, out);
    state.ResumeTiming();
    builder.build(ctx, out, rows);
    benchmark::DoNotOptimize(rows.data());
  }
}
BENCHMARK(BM_RankerRows);

void BM_RankerTrees(benchmark::State& state) {
  if (!g_ranker) return state.SkipWithError("needs --ranker or --candidates");
  FeatureBuilder builder(g_ranker->model->info().resources);
  Rng rng(23);
  std::vector<std::int32_t> out;
  std::vector<float> rows;
  const Resources request = make_resources(2, 4);
  auto ctx = context(*g_fleet, request);
  g_ranker->set.fill(*g_fleet->cluster, request, rng, out);
  builder.build(ctx, out, rows);
  for (auto _ : state) benchmark::DoNotOptimize(g_ranker->model->best(rows.data(), out.size()));
}
BENCHMARK(BM_RankerTrees);

}  // namespace
}  // namespace fleetopt::fireplace

int main(int argc, char** argv) {
  using namespace fleetopt::fireplace;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) { return a.substr(std::strlen(key)); };
    if (a.rfind("--model=", 0) == 0) {
      g_args.model = value("--model=");
    } else if (a.rfind("--k=", 0) == 0) {
      g_args.k = std::stoi(value("--k="));
    } else if (a.rfind("--hosts=", 0) == 0) {
      g_args.hosts = std::stoi(value("--hosts="));
    } else if (a.rfind("--ranker=", 0) == 0) {
      g_args.ranker = value("--ranker=");
    } else if (a.rfind("--candidates=", 0) == 0) {
      g_args.candidates = value("--candidates=");
    } else if (a.rfind("--decisions=", 0) == 0) {
      g_args.decisions = std::stoi(value("--decisions="));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (g_args.model.empty()) g_args.model = trained_model(g_args.k);
  g_model = FirePlaceModel::load_shared(g_args.model);
  g_fleet = make_fleet(g_args);
  std::printf("%s\n", latency_scenario().dump(2).c_str());
  if (!g_args.ranker.empty() || !g_args.candidates.empty()) {
    if (g_args.candidates.empty()) g_args.candidates = fleetopt::fireplace::RankerModel::load(g_args.ranker).info().candidates.describe();
    if (g_args.ranker.empty()) g_args.ranker = trained_ranker(fleetopt::CandidateSet::parse(g_args.candidates, "--candidates"));
    std::printf("%s\n", ranker_scenario().dump(2).c_str());
    g_ranker = std::make_unique<RankerParts>(RankerParts{RankerModel::load_shared(g_args.ranker),
                                                         fleetopt::CandidateSet::parse(g_args.candidates, "--candidates")});
  }
  int bench_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&bench_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
