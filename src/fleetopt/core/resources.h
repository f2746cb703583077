// Resource vectors over a fixed set of named dimensions.
//
// Dimensions are fixed (cpu, mem, disk, net, gpu) rather than free-form so a
// vector is a plain array the hot loops can index without lookups; a workload
// or cluster says which of them it uses through a DimMask.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleetopt {

enum Dim : int { kCpu = 0, kMem = 1, kDisk = 2, kNet = 3, kGpu = 4 };
inline constexpr int kMaxDims = 5;

// Units: cpu in cores, mem in GB, disk in GB, net in Mbit/s, gpu in devices.
inline constexpr std::array<std::string_view, kMaxDims> kDimNames = {"cpu", "mem", "disk",
                                                                      "net", "gpu"};

std::optional<Dim> dim_from_name(std::string_view name);

using DimMask = std::uint8_t;
inline constexpr DimMask dim_bit(int d) { return static_cast<DimMask>(1u << d); }
inline constexpr DimMask kCpuMem = dim_bit(kCpu) | dim_bit(kMem);
inline constexpr bool has_dim(DimMask m, int d) { return (m >> d) & 1u; }

struct Resources {
  std::array<double, kMaxDims> v{};

  double& operator[](int d) { return v[static_cast<std::size_t>(d)]; }
  double operator[](int d) const { return v[static_cast<std::size_t>(d)]; }

  Resources& operator+=(const Resources& o) {
    for (int d = 0; d < kMaxDims; ++d) (*this)[d] += o[d];
    return *this;
  }
  Resources& operator-=(const Resources& o) {
    for (int d = 0; d < kMaxDims; ++d) (*this)[d] -= o[d];
    return *this;
  }
  friend Resources operator+(Resources a, const Resources& b) { return a += b; }
  friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
  friend bool operator==(const Resources&, const Resources&) = default;

  // True when every dimension in mask satisfies (*this)[d] <= limit[d] (with
  // a relative tolerance so sums of floats do not flip a fit).
  bool fits_within(const Resources& limit, DimMask mask) const;
  bool any_negative_or_nan() const;
};

Resources make_resources(double cpu, double mem, double disk = 0, double net = 0,
                         double gpu = 0);

// Parses "cpu=4,mem=16" (any subset of the dimension names). Throws
// InputError naming the offending field.
// `given`, when not null, receives the dimensions the text names (so a
// caller can tell "cpu=0" from an unnamed cpu).
Resources parse_resources(std::string_view text, std::string_view what, DimMask* given = nullptr);
std::string format_resources(const Resources& r, DimMask mask);

}  // namespace fleetopt
