// Fleet sizing for several policies at once, shared by `size` and `demo`.
#pragma once

#include <string>
#include <vector>

#include "fleetopt/sim/fleet_sizing.h"

namespace fleetopt::cli {

struct SizingRow {
  std::string policy;
  SeededSizing sizing;  // one seed, or the median over several
};

// Sizes every policy with `seeds` simulation seeds from base.seed on.
std::vector<SizingRow> size_policies(const Workload& workload, const std::vector<std::string>& policies,
                                     const SimConfig& base, const SizingOptions& options, int seeds = 1);
// The JSON form records what the numbers depend on: workload, host size,
// overcommit ratios, seeds, the overload limit and the search's scan, and the
// threads it ran on (which change the run time, never the numbers).
void print_sizing(const std::vector<SizingRow>& rows, const SizingOptions& options, int threads, bool json,
                  const std::string& workload_spec, const Workload& w, const SimConfig& config);

}  // namespace fleetopt::cli
