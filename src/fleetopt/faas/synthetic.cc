#include "fleetopt/faas/synthetic.h"

#include <fmt/format.h>

#include <cmath>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/faas/baselines.h"

namespace fleetopt::faas {
namespace {

Instance draw_instance(const SyntheticOptions& o, Rng& rng) {
  Instance in;
  in.nodes = o.nodes;
  in.classes = o.classes;
  in.resources = o.resources;
  const auto n = static_cast<std::size_t>(o.nodes);
  const auto m = static_cast<std::size_t>(o.classes);
  const auto k = static_cast<std::size_t>(o.resources);
  in.arrival.resize(m);
  double total = 0;
  for (double& p : in.arrival) total += (p = rng.uniform(0.5, 1.0));
  for (double& p : in.arrival) p /= total;
  in.cost.resize(m * n);
  for (double& c : in.cost) c = rng.uniform(0.5, 1.0);
  in.demand.resize(m * n * k);
  for (double& a : in.demand) a = rng.uniform();
  in.capacity.assign(n * k, o.capacity);
  return in;
}

}  // namespace

SyntheticInstance generate_synthetic(const SyntheticOptions& o) {
  if (o.nodes < 1 || o.nodes > kMaxNodes) throw InputError::field("nodes", "out of range");
  if (o.classes < 1 || o.classes > kMaxClasses) throw InputError::field("classes", "out of range");
  if (o.resources < 1 || o.resources > kMaxResources) {
    throw InputError::field("resources", "out of range");
  }
  if (static_cast<std::size_t>(o.nodes) * static_cast<std::size_t>(o.classes) *
          static_cast<std::size_t>(o.resources) >
      kMaxInstanceEntries) {
    throw InputError::field("nodes", "nodes * classes * resources is too large");
  }
  if (!(std::isfinite(o.capacity) && o.capacity > 0)) {
    throw InputError::field("capacity", "must be finite and > 0");
  }
  if (o.max_attempts < 1) throw InputError::field("max_attempts", "must be >= 1");
  Rng rng(o.seed);
  SyntheticInstance result;
  for (result.attempts = 1;; ++result.attempts) {
    result.instance = draw_instance(o, rng);
    if (!o.require_feasible) break;
    if (solve_oracle(result.instance, RejectOption{}).status == LpStatus::kOptimal) break;
    if (result.attempts >= o.max_attempts) {
      throw InputError(fmt::format(
          "no feasible instance in {} draws (N={}, M={}, K={}, capacity {}); raise the capacity "
          "or allow infeasible instances",
          o.max_attempts, o.nodes, o.classes, o.resources, o.capacity));
    }
  }
  validate(result.instance);
  return result;
}

}  // namespace fleetopt::faas
