// Small synthetic workloads for FirePlace's tests (built in code; seeded).
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/core/workload.h"

namespace fleetopt::fireplace::testing {

// One arrival per 5-minute step, CPU only, each VM using a constant share of
// its request until the end: the teacher's choice is then decided by the
// candidates' current CPU use alone, which the last history sample shows.
inline Workload constant_usage_workload(std::size_t vms, std::uint64_t seed) {
  Rng rng(seed);
  Workload w;
  w.name = "constant-usage";
  w.step_seconds = 300;
  w.dims = dim_bit(kCpu);
  w.default_host = make_resources(16, 64);
  for (std::size_t i = 0; i < vms; ++i) {
    const double cpu = 1.0 + static_cast<double>(rng.below(4));
    const auto share = static_cast<float>(rng.uniform(0.05, 1.0));
    Instance inst;
    inst.arrival = static_cast<double>(i) * w.step_seconds;
    inst.departure = static_cast<double>(vms + 10) * w.step_seconds;
    inst.request = make_resources(cpu, 1);
    inst.shape = w.add_shape(dim_bit(kCpu), {{share}});
    w.instances.push_back(inst);
    w.ids.push_back("vm" + std::to_string(i));
    w.tags.emplace_back();
    w.end = std::max(w.end, inst.departure);
  }
  return w;
}

// Bursty VMs (CPU and memory): each follows a seeded periodic pattern with
// its own period and phase plus noise, several arrivals per step.
inline Workload bursty_workload(std::size_t vms, std::uint64_t seed) {
  Rng rng(seed);
  Workload w;
  w.name = "bursty";
  w.step_seconds = 300;
  w.dims = kCpuMem;
  w.default_host = make_resources(16, 64);
  for (std::size_t i = 0; i < vms; ++i) {
    const int period = 6 + static_cast<int>(rng.below(30));
    const double base = rng.uniform(0.05, 0.4);
    const double amp = rng.uniform(0.0, 0.6);
    std::vector<float> cpu(static_cast<std::size_t>(period * 4)), mem(cpu.size());
    const double mem_level = rng.uniform(0.3, 0.9);
    for (std::size_t t = 0; t < cpu.size(); ++t) {
      const bool burst = static_cast<int>(t % static_cast<std::size_t>(period)) < period / 3;
      cpu[t] = static_cast<float>(std::min(1.0, base + (burst ? amp : 0.0) + 0.05 * rng.uniform()));
      mem[t] = static_cast<float>(std::min(1.0, mem_level + 0.05 * rng.uniform()));
    }
    Instance inst;
    inst.arrival = static_cast<double>(i / 3) * w.step_seconds;
    inst.departure = inst.arrival + static_cast<double>(10 + rng.below(50)) * w.step_seconds;
    inst.request = make_resources(1.0 + static_cast<double>(rng.below(4)), 2.0 + 2.0 * static_cast<double>(rng.below(4)));
    inst.shape = w.add_shape(kCpuMem, {cpu, mem});
    inst.phase = static_cast<std::uint32_t>(rng.below(cpu.size()));
    w.instances.push_back(inst);
    w.ids.push_back("vm" + std::to_string(i));
    w.tags.emplace_back();
    w.end = std::max(w.end, inst.departure);
  }
  return w;
}

}  // namespace fleetopt::fireplace::testing
