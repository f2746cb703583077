// Pluggable migration cost. The default charges a VM's memory (what a live
// migration copies); "precopy" charges the modelled live-migration time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fleetopt/rearrange/model.h"

namespace fleetopt::rearrange {

class MigrationCost {
 public:
  virtual ~MigrationCost() = default;
  virtual std::string name() const = 0;
  // Cost (>= 0) of live-migrating vm from host `from` to host `to`. The exact
  // search proves optimality only when cost(a->c) <= cost(a->b) + cost(b->c)
  // (memory and count always; precopy when all links are equally fast).
  virtual double cost(const Cluster& c, std::int32_t vm, std::int32_t from, std::int32_t to) const = 0;
};

// Pre-copy live migration (Clark et al., NSDI 2005): round 0 copies all
// memory M over bandwidth B; each next round copies what was dirtied during
// the previous one (dirty rate D), until what is left is under `stop_mb` or
// `max_rounds` pass, then the VM pauses for the last copy. Seconds.
double precopy_seconds(double memory_gb, double dirty_rate_mbps, double bandwidth_gbps,
                       double stop_mb = 64, int max_rounds = 30);

// "memory" (default; GB), "precopy" (seconds, bandwidth = the slower of the two
// hosts' links), "count" (1 per migration). Throws InputError for other names.
std::unique_ptr<MigrationCost> make_migration_cost(const std::string& name);

}  // namespace fleetopt::rearrange
