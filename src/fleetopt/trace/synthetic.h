// A seeded synthetic workload for tests and for demos when the real traces are
// absent: VMs from the default flavour mix arrive and leave over the window,
// with diurnal CPU and slowly drifting memory usage.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fleetopt/core/workload.h"

namespace fleetopt {

struct SyntheticOptions {
  std::size_t vms = 100;
  double hours = 24;
  std::uint64_t seed = 1;
  double step_seconds = 300;
  // Distinct usage shapes, shared by the VMs (memory stays
  // shapes x steps whatever the VM count).
  std::size_t shapes = 256;
};

// Per VM (deterministic in seed): flavour drawn from default_flavor_mix();
// 20% run the whole window, the rest arrive uniformly in the first 75% of it
// and live an exponential time with mean a quarter of the window (at least
// one step, cut at the window end). Shapes span the window from time 0; a VM
// picks one uniformly and reads it from its arrival step, so every VM sees
// the same time of day: cpu = clamp(base + amp sin(2 pi t / 1 day + phi) +
// AR(1) noise, 0.01, 1) with base ~ U[0.1, 0.5], amp ~ U[0.05, 0.3],
// phi ~ U[-0.5, 0.5], noise e' = 0.7 e + 0.05 N(0, 1); mem = clamp(U[0.3, 0.8]
// + AR(1) drift (0.95, 0.02), 0.05, 1). default_host 32 cores / 128 GB.
Workload make_synthetic(const SyntheticOptions& opts);

}  // namespace fleetopt
