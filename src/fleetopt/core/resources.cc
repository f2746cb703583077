#include "fleetopt/core/resources.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt {

std::optional<Dim> dim_from_name(std::string_view name) {
  for (int d = 0; d < kMaxDims; ++d) {
    if (kDimNames[static_cast<std::size_t>(d)] == name) return static_cast<Dim>(d);
  }
  return std::nullopt;
}

bool Resources::fits_within(const Resources& limit, DimMask mask) const {
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(mask, d)) continue;
    // Relative slack of 1e-9 so 0.1+0.2 fits in 0.3.
    if ((*this)[d] > limit[d] + 1e-9 * std::max(1.0, std::fabs(limit[d]))) return false;
  }
  return true;
}

bool Resources::any_negative_or_nan() const {
  for (double x : v) {
    if (!(x >= 0) || std::isinf(x)) return true;
  }
  return false;
}

Resources make_resources(double cpu, double mem, double disk, double net, double gpu) {
  Resources r;
  r[kCpu] = cpu;
  r[kMem] = mem;
  r[kDisk] = disk;
  r[kNet] = net;
  r[kGpu] = gpu;
  return r;
}

Resources parse_resources(std::string_view text, std::string_view what, DimMask* given) {
  Resources r;
  if (given != nullptr) *given = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) {
      if (comma == text.size()) break;
      continue;
    }
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) eq = item.find(':');
    if (eq == std::string_view::npos) {
      throw InputError::field(std::string(what),
                              fmt::format("expected NAME=VALUE, got '{}'", item));
    }
    auto dim = dim_from_name(item.substr(0, eq));
    if (!dim) {
      throw InputError::field(std::string(what),
                              fmt::format("unknown resource '{}' (known: cpu, mem, disk, net, gpu)",
                                          item.substr(0, eq)));
    }
    double value = 0;
    if (!parse_double(item.substr(eq + 1), value) || value < 0) {
      throw InputError::field(fmt::format("{}.{}", what, item.substr(0, eq)),
                              fmt::format("expected a finite non-negative number, got '{}'",
                                          item.substr(eq + 1)));
    }
    r[*dim] = value;
    if (given != nullptr) *given |= dim_bit(*dim);
  }
  return r;
}

std::string format_resources(const Resources& r, DimMask mask) {
  std::string out;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(mask, d)) continue;
    if (!out.empty()) out += ',';
    out += fmt::format("{}={:g}", kDimNames[static_cast<std::size_t>(d)], r[d]);
  }
  return out;
}

}  // namespace fleetopt
