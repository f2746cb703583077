// Seeded random numbers. std::mt19937_64 is fully specified by the standard;
// the distributions are written here (not std::uniform_*_distribution, whose
// output differs between standard libraries) so a seed gives the same numbers
// everywhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace fleetopt {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) {
    // Multiply-shift (Lemire) without the rejection step: bias <= n / 2^64.
    __extension__ using Wide = unsigned __int128;  // GCC/Clang; silences -Wpedantic
    return static_cast<std::uint64_t>((static_cast<Wide>(engine_()) * n) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }
  double normal() {
    // Box-Muller; one value per call keeps the stream simple to reason about.
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Derives an independent stream, e.g. one per run or per VM.
  Rng fork(std::uint64_t salt) {
    return Rng(engine_() ^ (0x9E3779B97F4A7C15ULL * (salt + 1)));
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace fleetopt
