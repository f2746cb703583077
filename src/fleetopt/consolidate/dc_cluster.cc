#include "fleetopt/consolidate/dc_cluster.h"

#include <fmt/format.h>

#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/error.h"

namespace fleetopt::consolidate {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

}  // namespace

rearrange::TraceCluster cluster_from_dc_setup(const DcSetup& setup, std::int32_t step) {
  if (step < 0 || step >= setup.steps) {
    throw InputError::field("--at", fmt::format("step {} is outside the day (0..{})", step, setup.steps - 1));
  }
  rearrange::TraceCluster out;
  out.at = step * setup.step_seconds;
  rearrange::Cluster& c = out.cluster;
  c.dims = kCpuMem;
  for (std::int32_t h = 0; h < setup.num_hosts(); ++h) {
    const DcHostType& t = setup.host(h);
    c.hosts.push_back(rearrange::Host{fmt::format("{}-{}", t.core_mips < 2000 ? "g4" : "g5", h),
                                      make_resources(t.mips() / 1000.0, t.ram_mb / 1000.0), {},
                                      t.bw_mbps / 1000.0, {}});
  }
  DcState state(setup, RamModel::kStrict);
  state.begin_step(0);
  cloudsim_initial_placement(state);
  for (std::int32_t v = 0; v < setup.num_vms(); ++v) {
    rearrange::Vm vm;
    vm.id = setup.vm_ids[ix(v)];
    vm.demand = make_resources(setup.utilisation(v, step) * setup.vm(v).mips / 1000.0, setup.vm(v).ram_mb / 1000.0);
    vm.memory_gb = setup.vm(v).ram_mb / 1000.0;
    c.vms.push_back(vm);
    out.a.push_back(state.host_of(v));
  }
  c.index();
  out.description = fmt::format("{} (CloudSim setting) at step {}: {} VMs on {} hosts, CloudSim's initial allocation",
                                setup.name, step, setup.num_vms(), setup.num_hosts());
  return out;
}

}  // namespace fleetopt::consolidate
