// Synthetic instances as in the paper's experiments: costs c ~ U(0.5, 1),
// resource use a ~ U(0, 1), arrival weights ~ U(0.5, 1) normalised to sum 1
// (a function arrives every slot), every capacity 0.1.
#pragma once

#include <cstdint>

#include "fleetopt/faas/instance.h"

namespace fleetopt::faas {

struct SyntheticOptions {
  int nodes = 10;
  int classes = 3;
  int resources = 2;
  std::uint64_t seed = 1;
  double capacity = 0.1;
  // Redraw (continuing the seeded stream) until the LP without a reject node
  // is feasible, so the oracle exists; at most max_attempts draws.
  bool require_feasible = true;
  int max_attempts = 1000;
};

struct SyntheticInstance {
  Instance instance;
  int attempts = 1;  // draws made, the last one kept
};

// Throws InputError for bad options or when no feasible draw was found.
SyntheticInstance generate_synthetic(const SyntheticOptions& options);

}  // namespace fleetopt::faas
