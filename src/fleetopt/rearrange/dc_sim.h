// Continuous consolidation over a day, CloudSim-style: every step (5 min) a
// policy sees the current demands and the past, and returns migrations; the
// simulator runs them (a migration takes RAM / half the bandwidth, the VM
// counts on both hosts meanwhile and loses 10% of its CPU), integrates power
// (idle hosts switch off) and SLA metrics:
//   SLATAH: share of active-host time during which a host could not give its
//           VMs what they demanded (demand above capacity, or a VM wanting
//           more than one core, which CloudSim caps);
//   PDM:    share of all CPU demand lost to migration;
//   SLAV = SLATAH x PDM  (CloudSim's definitions, ratios of sums).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/rearrange/dc_model.h"

namespace fleetopt::rearrange {

// CloudSim requests RAM only when a VM is created (PlanetLab cloudlets use a
// null RAM model), so migrations ignore memory; kStrict checks it always.
enum class RamModel { kCloudSim, kStrict };

// The state a policy decides on, at the start of `step`.
class DcState {
 public:
  DcState(const DcSetup& setup, RamModel ram);

  const DcSetup& setup() const { return *setup_; }
  RamModel ram_model() const { return ram_; }
  std::int32_t step() const { return step_; }
  std::int32_t host_of(std::int32_t v) const { return host_of_[ix(v)]; }
  const std::vector<std::int32_t>& vms_on(std::int32_t h) const { return vms_on_[ix(h)]; }
  // Demanded MIPS now.
  double demand(std::int32_t v) const { return demand_[ix(v)]; }
  double host_demand(std::int32_t h) const { return host_demand_[ix(h)]; }
  double host_ram(std::int32_t h) const { return host_ram_[ix(h)]; }
  double host_util(std::int32_t h) const { return host_demand_[ix(h)] / setup_->host(h).mips(); }
  // Share of v's MIPS demanded `back` steps ago (0 = now); never the future.
  float past_util(std::int32_t v, std::int32_t back) const {
    return setup_->utilisation(v, back <= step_ ? step_ - back : 0);
  }
  // Steps since v last migrated (large if never).
  std::int32_t since_migration(std::int32_t v) const { return step_ - last_migration_[ix(v)]; }

  // Simulator side.
  void place(std::int32_t v, std::int32_t h);
  void move(std::int32_t v, std::int32_t h);
  void begin_step(std::int32_t step);

 private:
  static std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }
  void detach(std::int32_t v);
  const DcSetup* setup_;
  RamModel ram_;
  std::int32_t step_ = 0;
  std::vector<std::int32_t> host_of_, slot_, last_migration_;
  std::vector<std::vector<std::int32_t>> vms_on_;
  std::vector<double> demand_, host_demand_, host_ram_;
};

struct DcMove {
  std::int32_t vm = -1;
  std::int32_t to = -1;
  std::int32_t stage = 0;  // 0-based; stage s starts when stage s-1 has finished
};

class ConsolidationPolicy {
 public:
  virtual ~ConsolidationPolicy() = default;
  virtual std::string name() const = 0;
  // Appends this step's migrations to `moves`.
  virtual void decide(const DcState& state, std::vector<DcMove>& moves) = 0;
};

// thr-mmt[@threshold=0.8], lr-mmt[@safety=1.2], fleetopt-pctl (ours).
std::unique_ptr<ConsolidationPolicy> make_consolidation_policy(const std::string& spec);
std::vector<std::pair<std::string, std::string>> consolidation_policies();

struct DcConfig {
  RamModel ram = RamModel::kCloudSim;
};

struct DcMetrics {
  std::string policy;
  std::int32_t vms = 0;
  double energy_kwh = 0;
  std::int64_t migrations = 0;
  std::int64_t rejected_moves = 0;  // migrations the policy asked for that did not fit
  double slatah = 0;
  double pdm = 0;
  double slav = 0;
  double mean_active_hosts = 0;
  double wall_seconds = 0;
};

DcMetrics simulate_consolidation(const DcSetup& setup, ConsolidationPolicy& policy, const DcConfig& config = {});

// CloudSim's initial allocation: each VM, in order, at full MIPS and RAM, to
// the host whose power would grow least (power-aware best fit decreasing,
// all hosts idle at creation).
void cloudsim_initial_placement(DcState& state);

}  // namespace fleetopt::rearrange
