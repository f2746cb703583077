// A fast seeded generator for simulation hot loops: xoshiro256++ seeded by
// splitmix64, with a 256-layer ziggurat for exponential draws. Several times
// faster than Rng (mt19937_64) and allocation-free; Rng stays the generator
// whose stream the rest of the project documents.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace fleetopt {

// 256-layer ziggurat for Exp(1) (Marsaglia & Tsang 2000), with a 53-bit
// uniform for the abscissa and the low 8 bits of the same 64-bit word for the
// layer (disjoint bits, so no correlation between them).
struct ExpZiggurat {
  static constexpr double kR = 7.697117470131487;  // start of the tail
  std::array<std::uint64_t, 256> k{};
  std::array<double, 256> w{};
  std::array<double, 256> f{};
  ExpZiggurat() {
    constexpr double m = 9007199254740992.0;  // 2^53
    const double v = 3.949659822581572e-3;    // area of each layer
    double de = kR, te = kR;
    const double q = v / std::exp(-de);
    k[0] = static_cast<std::uint64_t>((de / q) * m);
    k[1] = 0;
    w[0] = q / m;
    w[255] = de / m;
    f[0] = 1.0;
    f[255] = std::exp(-de);
    for (int i = 254; i >= 1; --i) {
      de = -std::log(v / de + std::exp(-de));
      k[static_cast<std::size_t>(i) + 1] = static_cast<std::uint64_t>((de / te) * m);
      te = de;
      f[static_cast<std::size_t>(i)] = std::exp(-de);
      w[static_cast<std::size_t>(i)] = de / m;
    }
  }
};

inline const ExpZiggurat& exp_ziggurat() {
  static const ExpZiggurat table;
  return table;
}

class FastRng {
 public:
  explicit FastRng(std::uint64_t seed) : zig_(&exp_ziggurat()) {
    std::uint64_t x = seed;
    for (auto& s : s_) {  // splitmix64
      x += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {  // xoshiro256++
    const std::uint64_t result = std::rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }           // [0, 1)
  double uniform_open() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
  // The fast path (~98% of draws) is inlined; the rare rejection tests are not.
  double exp1() {
    const std::uint64_t r = next();
    const std::size_t i = r & 255;
    const std::uint64_t j = r >> 11;
    if (j < zig_->k[i]) [[likely]] return static_cast<double>(j) * zig_->w[i];
    return exp1_slow(i, j);
  }
  double normal() {  // Marsaglia polar method; the second value is kept
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const double m = std::sqrt(-2 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }

 private:
  [[gnu::noinline]] double exp1_slow(std::size_t i, std::uint64_t j) {
    for (;;) {
      if (i == 0) return ExpZiggurat::kR - std::log(uniform_open());
      const double x = static_cast<double>(j) * zig_->w[i];
      if (zig_->f[i] + uniform() * (zig_->f[i - 1] - zig_->f[i]) < std::exp(-x)) return x;
      const std::uint64_t r = next();
      i = r & 255;
      j = r >> 11;
      if (j < zig_->k[i]) return static_cast<double>(j) * zig_->w[i];
    }
  }

  std::array<std::uint64_t, 4> s_{};
  const ExpZiggurat* zig_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace fleetopt
