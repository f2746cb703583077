// Small builders shared by the rearrange tests.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange::testing {

// Hosts with one-dimensional (cpu) capacities and VMs with cpu demands equal
// to their memory (so the default cost is the size).
inline Cluster cpu_cluster(std::initializer_list<double> host_caps, std::initializer_list<double> vm_sizes) {
  Cluster c;
  c.dims = dim_bit(kCpu);
  int i = 1;
  for (double cap : host_caps) {
    Host h;
    h.id = fmt::format("h{}", i++);
    h.capacity = make_resources(cap, 0);
    c.hosts.push_back(h);
  }
  char name = 'a';
  for (double size : vm_sizes) {
    Vm v;
    v.id = std::string(1, name++);
    v.demand = make_resources(size, 0);
    v.memory_gb = size;
    c.vms.push_back(v);
  }
  c.index();
  return c;
}

// Host index per VM from 1-based host numbers (0: not running).
inline Placement on(std::initializer_list<int> hosts) {
  Placement p;
  for (int h : hosts) p.push_back(h == 0 ? kNoHost : h - 1);
  return p;
}

}  // namespace fleetopt::rearrange::testing
