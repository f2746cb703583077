#include "fleetopt/rearrange/cost.h"

#include <algorithm>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::rearrange {
namespace {

class MemoryCost final : public MigrationCost {
 public:
  std::string name() const override { return "memory"; }
  double cost(const Cluster& c, std::int32_t vm, std::int32_t, std::int32_t) const override {
    return c.vm(vm).memory_gb;
  }
};

class CountCost final : public MigrationCost {
 public:
  std::string name() const override { return "count"; }
  double cost(const Cluster&, std::int32_t, std::int32_t, std::int32_t) const override { return 1; }
};

class PrecopyCost final : public MigrationCost {
 public:
  std::string name() const override { return "precopy"; }
  double cost(const Cluster& c, std::int32_t vm, std::int32_t from, std::int32_t to) const override {
    double bw = std::min(c.host(from).bandwidth_gbps, c.host(to).bandwidth_gbps);
    const Vm& v = c.vm(vm);
    return precopy_seconds(v.memory_gb, v.dirty_rate_mbps, bw);
  }
};

}  // namespace

double precopy_seconds(double memory_gb, double dirty_rate_mbps, double bandwidth_gbps,
                       double stop_mb, int max_rounds) {
  double rate_mb_s = std::max(1e-9, bandwidth_gbps * 1000.0 / 8.0);  // Gbit/s -> MB/s
  double to_copy = memory_gb * 1000.0;                                // MB
  double total = 0;
  for (int round = 0; round < max_rounds && to_copy > stop_mb; ++round) {
    double t = to_copy / rate_mb_s;
    total += t;
    double dirtied = std::min(memory_gb * 1000.0, dirty_rate_mbps * t);
    if (dirtied >= to_copy) {  // not converging: stop and copy
      to_copy = dirtied;
      break;
    }
    to_copy = dirtied;
  }
  return total + to_copy / rate_mb_s;  // stop-and-copy downtime
}

std::unique_ptr<MigrationCost> make_migration_cost(const std::string& name) {
  if (name.empty() || name == "memory") return std::make_unique<MemoryCost>();
  if (name == "count") return std::make_unique<CountCost>();
  if (name == "precopy") return std::make_unique<PrecopyCost>();
  throw InputError::field("cost", fmt::format("unknown cost model '{}' (known: memory, precopy, count)", name));
}

}  // namespace fleetopt::rearrange
