// The CloudSim data centre at one step as a rearrangement problem, for
// `fleetopt rearrange --workload cloudsim:DAY`. It lives here, not in
// rearrange/, because it needs the simulator's initial allocation: rearrange
// stays below consolidate (which uses rearrange's planner), never beside it.
#pragma once

#include <cstdint>

#include "fleetopt/consolidate/dc_model.h"
#include "fleetopt/rearrange/trace_cluster.h"

namespace fleetopt::consolidate {

// cpu = demanded MIPS at `step` (in thousands), mem = the VM's RAM (GB),
// A = CloudSim's initial allocation. InputError naming --at for a step
// outside the day.
rearrange::TraceCluster cluster_from_dc_setup(const DcSetup& setup, std::int32_t step);

}  // namespace fleetopt::consolidate
