// A small workload for the service's tests (header-only): 120 VMs over 60
// steps of 5 minutes, with usage shapes so that usage-based policies see
// usage different from the requests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/rng.h"
#include "fleetopt/core/workload.h"

namespace fleetopt::service {

inline Workload test_workload(std::uint64_t seed) {
  Workload w;
  w.name = "small";
  w.step_seconds = 300;
  w.start = 0;
  w.end = 300.0 * 60;
  Rng rng(seed);
  for (int s = 0; s < 4; ++s) {
    std::vector<float> cpu, mem;
    for (int k = 0; k < 12; ++k) {
      cpu.push_back(static_cast<float>(0.1 + 0.8 * rng.uniform()));
      mem.push_back(static_cast<float>(0.3 + 0.5 * rng.uniform()));
    }
    w.add_shape(kCpuMem, {cpu, mem});
  }
  for (int i = 0; i < 120; ++i) {
    Instance inst;
    inst.arrival = 300.0 * static_cast<double>(rng.below(50));
    inst.departure = inst.arrival + 300.0 * static_cast<double>(1 + rng.below(20));
    inst.request = make_resources(static_cast<double>(1 + rng.below(4)), static_cast<double>(2 + rng.below(8)));
    inst.shape = static_cast<std::int32_t>(rng.below(4));
    inst.phase = static_cast<std::uint32_t>(rng.below(12));
    w.instances.push_back(inst);
    w.ids.push_back(fmt::format("vm{}", i));
    w.tags.emplace_back();
  }
  w.sort_by_arrival();
  w.validate();
  return w;
}

}  // namespace fleetopt::service
