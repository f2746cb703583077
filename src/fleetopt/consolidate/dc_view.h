// A virtual copy of the allocation that consolidation policies edit while
// they decide (CloudSim's vmCreate / vmDestroy during optimizeAllocation),
// with each host's recent utilisation history kept summed over its VMs.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/consolidate/dc_sim.h"

namespace fleetopt::consolidate {

class DcView {
 public:
  // history: how many past steps (including now) to keep per host.
  DcView(const DcState& state, std::int32_t history);
  // The view of `state` (of the same setup) afresh, with a new id(), in the
  // storage of this one: a policy that keeps its view between steps saves
  // the allocations (one VM list per host) of a new one.
  void rebuild(const DcState& state);

  const DcState& state() const { return *state_; }
  const DcSetup& setup() const { return state_->setup(); }
  std::int32_t host_of(std::int32_t v) const { return host_of_[ix(v)]; }
  const std::vector<std::int32_t>& vms_on(std::int32_t h) const { return vms_on_[ix(h)]; }
  double demand(std::int32_t h) const { return demand_[ix(h)]; }
  double util(std::int32_t h) const { return demand_[ix(h)] / host_[ix(h)].mips; }
  double ram(std::int32_t h) const { return ram_[ix(h)]; }
  // Host utilisation i steps ago (0 = now) if its current VMs had been there.
  double history(std::int32_t h, std::int32_t i) const { return hist_[ix(h) * ix(len_) + ix(i)]; }
  const double* history_row(std::int32_t h) const { return &hist_[ix(h) * ix(len_)]; }  // history(h, 0..)
  std::int32_t history_length() const { return len_; }
  // Steps of history that exist (<= history_length()).
  std::int32_t history_available() const { return std::min(len_, state_->step() + 1); }

  void remove(std::int32_t v);
  void add(std::int32_t v, std::int32_t h);
  // (id, revision(h)) names host h's content: unique per view, bumped by
  // every add and remove on h, so a policy can cache per-host statistics.
  std::uint64_t id() const { return id_; }
  std::uint32_t revision(std::int32_t h) const { return revision_[ix(h)]; }
  // Every add and remove appends its host here, so a policy can tell which
  // hosts changed since it last looked (changes from position `since` on).
  std::size_t change_count() const { return changed_.size(); }
  std::int32_t changed_host(std::size_t i) const { return changed_[i]; }
  // CloudSim's isSuitableForVm: the VM's core fits a host core, the host has
  // the VM's demand free, and (strict RAM model) its memory.
  // Inline: policies call these for every candidate host of every move.
  bool suitable(std::int32_t v, std::int32_t h) const {
    const HostConst& t = host_[ix(h)];
    const double d = state_->demand(v);
    if (d > t.core_mips || demand_[ix(h)] + d > t.mips * (1 + 1e-9)) return false;
    return !strict_ram_ || ram_[ix(h)] + setup().vm(v).ram_mb <= t.ram_mb;
  }
  // CloudSim's host.getPower(): idle power when empty. Kept per host, updated
  // when the host's VMs change.
  double power_now(std::int32_t h) const { return power_now_[ix(h)]; }
  double power_with(std::int32_t h, std::int32_t v) const {
    const HostConst& t = host_[ix(h)];
    return t.power->at((demand_[ix(h)] + state_->demand(v)) / t.mips);
  }

 private:
  static std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }
  // A host's type, copied out of the setup so the hot loop reads one array.
  struct HostConst {
    double mips = 0, core_mips = 0, ram_mb = 0;
    const PowerModel* power = nullptr;
  };
  void shift(std::int32_t v, std::int32_t h, double sign);
  void update_power(std::int32_t h) { power_now_[ix(h)] = host_[ix(h)].power->at(util(h)); }
  const DcState* state_ = nullptr;
  std::uint64_t id_ = 0;
  bool strict_ram_ = false;
  std::vector<HostConst> host_;
  std::int32_t len_;
  std::vector<std::int32_t> host_of_, slot_;
  std::vector<std::vector<std::int32_t>> vms_on_;
  std::vector<double> demand_, ram_, hist_, power_now_;
  std::vector<std::uint32_t> revision_;
  std::vector<std::int32_t> changed_;  // see change_count
};

// Ordinary least squares through y[0..n-1] at x = 1..n; returns the value at x.
double ols_predict(const double* y, std::int32_t n, double x);

}  // namespace fleetopt::consolidate
