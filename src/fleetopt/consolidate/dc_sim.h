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

#include "fleetopt/consolidate/dc_model.h"

namespace fleetopt::consolidate {

// CloudSim 4.0's behaviours that its PlanetLab numbers depend on, each one
// switchable on its own (fleetopt's own model has them all off). Numbers
// refer to issue 13's ranked list; docs/consolidate.md gives the details.
struct CloudSimQuirks {
  // 1. Target selection compares a host's power after the move with its power
  //    at the start of the round (PowerVmAllocationPolicyMigrationAbstract.
  //    findHostForVm calls host.getPower(), whose utilisation is only updated
  //    by HostDynamicWorkload.updateVmsProcessing), so a host that already
  //    took a VM in this round is charged for it again and VMs spread out.
  bool stale_power_baseline = false;
  // 2. A VM whose CPU request is exactly 0 (this sample and the next one both
  //    0, as UtilizationModelPlanetLabInMemory interpolates between them) is
  //    removed for good (HostDynamicWorkload.getCompletedVms, removed by
  //    PowerDatacenter.updateCloudetProcessingWithoutSchedulingFutureEventsForce).
  bool zero_request_vms_leave = false;
  // 3. A host that just received VMs from an overloaded host can be drained
  //    as under-utilised in the same round, moving the same VM twice
  //    (getMigrationMapFromUnderUtilizedHosts builds its exclusion list from
  //    a fresh, empty migration map).
  bool drain_just_filled_hosts = false;
  // 5. The first scheduling tick is at 300.1 s (PowerDatacenter.
  //    updateCloudletProcessing returns early while cloudlets are being
  //    submitted) and the last at 86,100.1 s: no decisions in the first step,
  //    no energy, SLATAH or PDM before the second step or in the last one.
  bool cloudsim_clock = false;
  // 6. A host whose VMs all request 0 MIPS draws 0 W and is not active
  //    (PowerHost.getEnergyLinearInterpolation returns 0 from utilisation 0;
  //    HostDynamicWorkload's state history marks it inactive).
  bool zero_utilisation_off = false;
  // 7. The initial allocation is findHostForVm with every host's power still
  //    at 0% (no update has run yet), against the full MIPS already allocated:
  //    each VM goes to an empty host while there is one (one VM per host on
  //    all 800 hosts). The policy's overload test applies but sees only the
  //    new VM's MIPS (VMs already created request nothing before their
  //    cloudlets arrive); a VM that fits nowhere is never created
  //    (DatacenterBroker.processVmCreate logs the failure, its cloudlet
  //    never runs).
  bool spread_initial_placement = false;
  // SLATAH: a host receiving a VM is charged the VM's whole request while it
  //    gets only 10% of it (HostDynamicWorkload.updateVmsProcessing adds the
  //    migrating-in VM's request but not its allocation), so it counts as in
  //    violation for the migration's duration.
  bool slatah_incoming_violation = false;
  // Moves the policy decides are run as they are, all at once at the start
  // of the step (PowerDatacenter sends every VM_MIGRATE at once, without
  // re-checking the target), rather than checked and staged.
  bool trust_moves = false;

  static CloudSimQuirks all();
  bool any() const;
};

// Sets the flag called `name` (as spelled above); false if there is none.
bool set_quirk(CloudSimQuirks& quirks, const std::string& name);
std::string quirk_names();  // comma-separated

enum class Fidelity { kFleetopt, kCloudSim };
CloudSimQuirks quirks_for(Fidelity fidelity);

// CloudSim requests RAM only when a VM is created (PlanetLab cloudlets use a
// null RAM model), so migrations ignore memory; kStrict checks it always.
enum class RamModel { kCloudSim, kStrict };

// The state a policy decides on, at the start of `step`.
class DcState {
 public:
  DcState(const DcSetup& setup, RamModel ram, const CloudSimQuirks& quirks = {});

  const DcSetup& setup() const { return *setup_; }
  RamModel ram_model() const { return ram_; }
  const CloudSimQuirks& quirks() const { return quirks_; }
  // Whether v has left for good (CloudSimQuirks::zero_request_vms_leave);
  // such a VM has no host and demands nothing.
  bool gone(std::int32_t v) const { return gone_[ix(v)] != 0; }
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
  void remove_vm(std::int32_t v);  // for good
  void begin_step(std::int32_t step);

 private:
  static std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }
  void detach(std::int32_t v);
  const DcSetup* setup_;
  RamModel ram_;
  CloudSimQuirks quirks_;
  std::int32_t step_ = 0;
  std::vector<std::int32_t> host_of_, slot_, last_migration_;
  std::vector<char> gone_;
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
  // CloudSimQuirks::spread_initial_placement: whether a host counts as
  // overloaded at VM creation when its requests add up to utilisation u.
  virtual bool overloaded_at_creation(double u) const { return u > 1; }
};

// thr-mmt[@threshold=0.8], lr-mmt[@safety=1.2], ... (any detector thr, lr, lrr,
// iqr, mad with any selection mmt, mu, mc, rs), fleetopt-pctl (ours).
std::unique_ptr<ConsolidationPolicy> make_consolidation_policy(const std::string& spec);
std::vector<std::pair<std::string, std::string>> consolidation_policies();

struct DcConfig {
  DcConfig() = default;
  explicit DcConfig(RamModel r, const CloudSimQuirks& q = {}) : ram(r), quirks(q) {}
  RamModel ram = RamModel::kCloudSim;
  CloudSimQuirks quirks;  // all off: fleetopt's model
};

struct DcMetrics {
  std::string policy;
  std::int32_t vms = 0;
  double energy_kwh = 0;
  std::int64_t migrations = 0;
  std::int64_t rejected_moves = 0;  // migrations the policy asked for that did not fit
  std::int32_t vms_not_created = 0;  // VMs CloudSim's creation left out (spread_initial_placement)
  std::int32_t vms_left = 0;        // VMs removed for good (CloudSimQuirks::zero_request_vms_leave)
  double slatah = 0;
  double pdm = 0;
  double slav = 0;
  double mean_active_hosts = 0;
  std::vector<double> active_hosts;  // per counted step: hosts drawing power, time-averaged over the step
  double wall_seconds = 0;
};

DcMetrics simulate_consolidation(const DcSetup& setup, ConsolidationPolicy& policy, const DcConfig& config = {});

// CloudSim's initial allocation: each VM, in order, at full MIPS and RAM, to
// the host whose power would grow least (power-aware best fit decreasing,
// all hosts idle at creation). fleetopt's model compares P(VM alone) - P(0),
// which packs; with CloudSimQuirks::spread_initial_placement it compares
// P(allocated + VM) - P(0) and skips hosts `policy` would find overloaded.
// A VM that fits no host is an InputError, except with the quirk: CloudSim's
// broker then never runs it (the VM is marked gone); returns how many.
std::int32_t cloudsim_initial_placement(DcState& state, const ConsolidationPolicy* policy = nullptr);

}  // namespace fleetopt::consolidate
