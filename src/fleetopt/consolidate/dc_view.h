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

  const DcState& state() const { return *state_; }
  const DcSetup& setup() const { return state_->setup(); }
  std::int32_t host_of(std::int32_t v) const { return host_of_[ix(v)]; }
  const std::vector<std::int32_t>& vms_on(std::int32_t h) const { return vms_on_[ix(h)]; }
  double demand(std::int32_t h) const { return demand_[ix(h)]; }
  double util(std::int32_t h) const { return demand_[ix(h)] / setup().host(h).mips(); }
  double ram(std::int32_t h) const { return ram_[ix(h)]; }
  // Host utilisation i steps ago (0 = now) if its current VMs had been there.
  double history(std::int32_t h, std::int32_t i) const { return hist_[ix(h) * ix(len_) + ix(i)]; }
  std::int32_t history_length() const { return len_; }
  // Steps of history that exist (<= history_length()).
  std::int32_t history_available() const { return std::min(len_, state_->step() + 1); }

  void remove(std::int32_t v);
  void add(std::int32_t v, std::int32_t h);
  // CloudSim's isSuitableForVm: the VM's core fits a host core, the host has
  // the VM's demand free, and (strict RAM model) its memory.
  bool suitable(std::int32_t v, std::int32_t h) const;
  double power_now(std::int32_t h) const;  // CloudSim's host.getPower(): idle power when empty
  double power_with(std::int32_t h, std::int32_t v) const;

 private:
  static std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }
  void shift(std::int32_t v, std::int32_t h, double sign);
  const DcState* state_;
  std::int32_t len_;
  std::vector<std::int32_t> host_of_, slot_;
  std::vector<std::vector<std::int32_t>> vms_on_;
  std::vector<double> demand_, ram_, hist_;
};

// Ordinary least squares through y[0..n-1] at x = 1..n; returns the value at x.
double ols_predict(const double* y, std::int32_t n, double x);

}  // namespace fleetopt::consolidate
