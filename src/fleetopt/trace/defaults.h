// The documented defaults the readers fall back on when a trace does not say:
// VM sizes for usage-only traces and the host a simulation should use.
#pragma once

#include <string>
#include <vector>

#include "fleetopt/core/resources.h"
#include "fleetopt/core/rng.h"

namespace fleetopt {

struct Flavor {
  std::string name;  // the Azure 2017 letter
  double cpu = 0;    // cores
  double mem = 0;    // GB
  double weight = 0; // relative frequency
};

// The six most frequent Azure 2017 flavours, weighted by their counts in the
// test split (410,276 VMs; the other ten flavours, 0.12% of VMs, are left
// out): a 1x0.75, b 1x1.75, g 2x3.5, k 4x7, m 8x14, o 8x56 (cores x GB).
const std::vector<Flavor>& default_flavor_mix();
// Draws one flavour index by weight (one rng draw).
std::size_t pick_flavor(const std::vector<Flavor>& mix, Rng& rng);

// 32 cores / 128 GB: the default host of the VM traces.
Resources default_vm_host();
// Grows each dimension of `base` in `dims` to the next power of two that
// holds the largest request, so every instance fits an empty default host.
Resources grow_host_to_fit(Resources base, DimMask dims, const std::vector<Resources>& requests);

}  // namespace fleetopt
