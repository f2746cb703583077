#include "fleetopt/trace/defaults.h"

#include <cmath>

namespace fleetopt {

const std::vector<Flavor>& default_flavor_mix() {
  static const std::vector<Flavor> mix = {
      {"a", 1, 0.75, 6588},  {"b", 1, 1.75, 223557}, {"g", 2, 3.5, 82793},
      {"k", 4, 7, 41841},    {"m", 8, 14, 39994},    {"o", 8, 56, 15018},
  };
  return mix;
}

std::size_t pick_flavor(const std::vector<Flavor>& mix, Rng& rng) {
  double total = 0;
  for (const Flavor& f : mix) total += f.weight;
  double x = rng.uniform() * total;
  for (std::size_t i = 0; i < mix.size(); ++i) {
    if (x < mix[i].weight) return i;
    x -= mix[i].weight;
  }
  return mix.size() - 1;
}

Resources default_vm_host() { return make_resources(32, 128); }

Resources grow_host_to_fit(Resources base, DimMask dims, const std::vector<Resources>& requests) {
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(dims, d)) continue;
    double largest = 0;
    for (const Resources& r : requests) largest = std::max(largest, r[d]);
    if (largest <= base[d]) continue;
    double size = base[d] > 0 ? base[d] : 1;
    while (size < largest) size *= 2;
    base[d] = size;
  }
  return base;
}

}  // namespace fleetopt
