#include "fleetopt/trace/synthetic.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/trace/defaults.h"

namespace fleetopt {

Workload make_synthetic(const SyntheticOptions& opts) {
  if (opts.vms == 0) throw InputError::field("vms", "must be at least 1");
  if (!(opts.hours > 0) || !std::isfinite(opts.hours)) throw InputError::field("hours", "must be positive");
  if (!(opts.step_seconds > 0) || !std::isfinite(opts.step_seconds)) {
    throw InputError::field("step", "must be positive");
  }
  if (opts.shapes == 0) throw InputError::field("shapes", "must be at least 1");
  const double window = opts.hours * 3600;
  const double steps_real = std::ceil(window / opts.step_seconds - 1e-9);
  if (steps_real > 1e7) throw InputError::field("hours", "window has more than 10^7 steps");
  const auto steps = static_cast<std::size_t>(std::max(1.0, steps_real));
  const std::size_t num_shapes = std::min(opts.shapes, opts.vms);
  if (static_cast<double>(num_shapes) * static_cast<double>(steps) > 2e8) {
    throw InputError::field("shapes", "shapes x steps above 2e8 samples; lower shapes or hours");
  }

  Rng base(opts.seed);
  Rng shape_rng = base.fork(1), vm_rng = base.fork(2);
  Workload w;
  w.name = fmt::format("synthetic:vms={},hours={},seed={}", opts.vms, opts.hours, opts.seed);
  w.step_seconds = opts.step_seconds;
  w.start = 0;
  w.end = window;
  w.dims = kCpuMem;
  w.default_host = default_vm_host();

  std::vector<std::vector<float>> series(2, std::vector<float>(steps));
  // Workload::add_shape reserves exactly, so reserve the total up front.
  w.samples.reserve(num_shapes * steps * 2);
  constexpr double kTwoPi = 6.283185307179586;
  for (std::size_t s = 0; s < num_shapes; ++s) {
    const double cpu_base = shape_rng.uniform(0.1, 0.5);
    const double amp = shape_rng.uniform(0.05, 0.3);
    const double phi = shape_rng.uniform(-0.5, 0.5);
    const double mem_base = shape_rng.uniform(0.3, 0.8);
    double noise = 0, drift = 0;
    for (std::size_t k = 0; k < steps; ++k) {
      const double t = static_cast<double>(k) * opts.step_seconds;
      noise = 0.7 * noise + 0.05 * shape_rng.normal();
      drift = 0.95 * drift + 0.02 * shape_rng.normal();
      series[0][k] = static_cast<float>(
          std::clamp(cpu_base + amp * std::sin(kTwoPi * t / 86400.0 + phi) + noise, 0.01, 1.0));
      series[1][k] = static_cast<float>(std::clamp(mem_base + drift, 0.05, 1.0));
    }
    w.add_shape(kCpuMem, series);
  }

  const auto& mix = default_flavor_mix();
  w.instances.reserve(opts.vms);
  for (std::size_t i = 0; i < opts.vms; ++i) {
    const Flavor& f = mix[pick_flavor(mix, vm_rng)];
    const bool whole_window = vm_rng.bernoulli(0.2);
    const double arrival_draw = vm_rng.uniform();
    const double life_draw = vm_rng.uniform();
    const auto shape = static_cast<std::int32_t>(vm_rng.below(num_shapes));
    Instance inst;
    inst.request = make_resources(f.cpu, f.mem);
    inst.shape = shape;
    if (whole_window) {
      inst.arrival = 0;
      inst.departure = window;
    } else {
      inst.arrival = arrival_draw * 0.75 * window;
      double life = -std::log(1.0 - life_draw) * window / 4;
      life = std::max(life, opts.step_seconds);
      inst.departure = std::min(window, inst.arrival + life);
    }
    inst.phase = static_cast<std::uint32_t>(
        std::min<double>(std::floor(inst.arrival / opts.step_seconds), static_cast<double>(steps - 1)));
    w.instances.push_back(inst);
    w.ids.push_back(fmt::format("s{}", i));
    w.tags.push_back("flavor=" + f.name);
  }
  w.sort_by_arrival();
  return w;
}

}  // namespace fleetopt
