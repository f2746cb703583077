// Micro-benchmarks of the consolidation kernels that dominate a day of the
// MC pairs (docs/consolidate.md, "Speed"): every VM's R^2 on a host as full
// as its history is long (n = m = 30, where only the exact regressions can
// decide), and the correlation-matrix shortcut that decides the rest; and
// what handing work to the other core costs, which rules out splitting a
// host search across threads.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "fleetopt/consolidate/dc_correlation.h"
#include "fleetopt/core/rng.h"

using namespace fleetopt;
using namespace fleetopt::consolidate;

namespace {

// n histories of m samples, whole percentages as PlanetLab records them.
std::vector<double> histories(std::int32_t n, std::int32_t m, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> data;
  for (std::int32_t i = 0; i < n * m; ++i) data.push_back(static_cast<double>(rng.below(101)) / 100);
  return data;
}

void BM_RSquaredAll(benchmark::State& state) {
  const auto n = static_cast<std::int32_t>(state.range(0)), m = static_cast<std::int32_t>(state.range(1));
  const std::vector<double> data = histories(n, m, 5);
  std::vector<double> r2, scratch;
  for (auto _ : state) {
    benchmark::DoNotOptimize(r_squared_all(data.data(), n, m, r2, scratch));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RSquaredAll)->Args({30, 30})->Args({20, 30})->Args({8, 30})->Unit(benchmark::kMicrosecond);

// The shortcut from a given correlation matrix (as the MC selection calls
// it for each VM leaving a host).
void BM_MaxCorrelationShortcut(benchmark::State& state) {
  const auto n = static_cast<std::int32_t>(state.range(0));
  constexpr std::int32_t m = 30;
  const std::vector<double> data = histories(n, m, 6);
  std::vector<double> corr, r2, scratch;
  if (!correlation_matrix(data.data(), n, m, corr, scratch)) {
    state.SkipWithError("constant history");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(max_correlation_row(data.data(), n, m, corr.data(), r2, scratch));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_MaxCorrelationShortcut)->Arg(12)->Arg(24)->Unit(benchmark::kMicrosecond);

// One round trip between two cores: this thread publishes a number, a second
// thread (spinning, no system call) echoes it back. A host search of the
// IQR/MAD pairs takes ~1.6 us a migration, its gather of ~80 power increases
// ~0.3 us; pipelining the gather of the next search on a second core would
// pay at least one such handoff per search, plus moving the gathered values
// (~20 cache lines) back.
void BM_CrossCoreRoundTrip(benchmark::State& state) {
  struct Channel {
    alignas(64) std::atomic<std::int64_t> ping{0};
    alignas(64) std::atomic<std::int64_t> pong{0};
    alignas(64) std::atomic<bool> stop{false};
  } ch;
  std::thread echo([&ch] {
    std::int64_t seen = 0;
    while (!ch.stop.load(std::memory_order_relaxed)) {
      const std::int64_t p = ch.ping.load(std::memory_order_acquire);
      if (p != seen) {
        seen = p;
        ch.pong.store(p, std::memory_order_release);
      }
    }
  });
  std::int64_t sent = 0;
  for (auto _ : state) {
    ch.ping.store(++sent, std::memory_order_release);
    while (ch.pong.load(std::memory_order_acquire) != sent) {
    }
  }
  ch.stop.store(true, std::memory_order_relaxed);
  echo.join();
}
BENCHMARK(BM_CrossCoreRoundTrip)->UseRealTime()->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
