// Latencies of a simulation interval, without storing them: a log-linear
// histogram (128 bins per octave, under 0.8% relative bin width) whose
// memory stays flat however many requests complete.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fleetopt::scaling {

// Log-linear bins: a latency's bin is its double's exponent and top 7 mantissa
// bits (128 bins per octave), from 2^-30 s (~1 ns) to 2^20 s; below and above
// are clamped into the end bins. Quantiles interpolate linearly inside a bin.
class LatencyHistogram {
 public:
  static constexpr int kMantissaBits = 7;
  static constexpr int kShift = 52 - kMantissaBits;
  LatencyHistogram() : counts_(kBins, 0) {}
  void add(double seconds) {
    std::int64_t key = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(seconds) >> kShift) - base_key();
    key = std::clamp<std::int64_t>(key, 0, kBins - 1);  // negative zero / tiny values land in bin 0
    ++counts_[static_cast<std::size_t>(key)];
  }
  void clear() { std::fill(counts_.begin(), counts_.end(), 0); }
  // The q-quantile (q in (0, 1]) of n values added since clear().
  double quantile(double q, std::int64_t n) const {
    if (n <= 0) return 0;
    const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n))));
    std::int64_t below = 0;
    for (std::size_t k = 0; k < counts_.size(); ++k) {
      const std::int64_t c = counts_[k];
      if (below + c >= rank) {
        const double lo = bin_low(k), hi = bin_low(k + 1);
        return lo + (hi - lo) * (static_cast<double>(rank - below) - 0.5) / static_cast<double>(c);
      }
      below += c;
    }
    return bin_low(counts_.size());
  }

 private:
  static constexpr std::int64_t kBins = std::int64_t{50} << kMantissaBits;  // 2^-30 .. 2^20 s
  static std::int64_t base_key() { return static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(0x1.0p-30) >> kShift); }
  static double bin_low(std::size_t k) {
    return std::bit_cast<double>(static_cast<std::uint64_t>(base_key() + static_cast<std::int64_t>(k)) << kShift);
  }
  std::vector<std::uint32_t> counts_;
};

}  // namespace fleetopt::scaling
