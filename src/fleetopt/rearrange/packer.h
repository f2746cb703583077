// A working copy of a placement that target strategies edit move by move:
// it keeps the occupancy, the VMs of each host and the log of moves (each
// admitted by the rules when made, so the log is a valid migration sequence
// from A), and can roll back to an earlier point.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "fleetopt/rearrange/target.h"

namespace fleetopt::rearrange {

// How to choose among hosts that fit.
enum class FitRule {
  kFirst,       // first in the given order
  kBestL2,      // least normalised room left afterwards (L2 norm of the residual)
  kDotProduct,  // residual most aligned with the VM (Panigrahy et al.)
  kLeastLoaded, // lowest normalised load afterwards (spreads load)
};

class Packer {
 public:
  explicit Packer(const TargetProblem& p);

  const TargetProblem& problem() const { return p_; }
  const Cluster& cluster() const { return p_.cluster; }
  const Placement& placement() const { return cur_; }
  const Occupancy& occupancy() const { return occ_; }
  const std::vector<std::int32_t>& vms_on(std::int32_t h) const { return on_[ix(h)]; }
  std::int32_t host_of(std::int32_t vm) const { return cur_[ix(vm)]; }
  bool movable(std::int32_t vm) const { return p_.scope.movable[ix(vm)] != 0; }
  bool host_in_scope(std::int32_t h) const { return p_.scope.hosts[ix(h)] != 0; }

  // In scope and admitted by every rule.
  bool fits(std::int32_t vm, std::int32_t h) const { return host_in_scope(h) && p_.rules.admits(occ_, vm, h); }
  void move(std::int32_t vm, std::int32_t h);

  std::size_t mark() const { return log_.size(); }
  void rollback(std::size_t mark);
  const std::vector<Migration>& log() const { return log_; }

  // VMs now off their host in A, and the cost of moving them there directly.
  std::int64_t moved() const { return moved_; }
  double moved_cost() const { return moved_cost_; }
  bool within_budget() const;

  // Best host for vm among candidates (h != its host, fits, allowed(h)).
  // kNoHost if none.
  std::int32_t choose_host(std::int32_t vm, const std::vector<std::int32_t>& candidates, FitRule rule,
                           const std::function<bool(std::int32_t)>& allowed) const;

  // Makes room for vm on one of the candidate hosts by moving one smaller
  // movable VM from it to another allowed host, then moves vm there. Picks
  // the cheapest such pair. False (nothing changed) if none works.
  bool place_with_ejection(std::int32_t vm, const std::vector<std::int32_t>& candidates,
                           const std::function<bool(std::int32_t)>& allowed);

  // Empties host s by re-packing its VMs together with the movable VMs of the
  // hosts in `with` into those hosts (largest first, best fit), then moving
  // them in an order the planner's ordering phase finds (stepping VMs aside
  // where swaps need it). False (nothing changed) if the pool does not fit or
  // no order is found.
  bool empty_by_repacking(std::int32_t s, const std::vector<std::int32_t>& with);

  // Largest share of any resource of host h's limit the VM takes.
  double size_of(std::int32_t vm) const;

 private:
  static std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }
  void apply(std::int32_t vm, std::int32_t h);
  double score(std::int32_t vm, std::int32_t h, FitRule rule) const;

  const TargetProblem& p_;
  Placement cur_;
  Occupancy occ_;
  std::vector<std::vector<std::int32_t>> on_;
  std::vector<std::int32_t> slot_;
  std::vector<Resources> limit_;
  std::vector<Migration> log_;
  std::int64_t moved_ = 0;
  double moved_cost_ = 0;
};

// How much of what is scarce each host offers: sum over resources of
// (limit / mean limit over the hosts in scope) x (demand / capacity in scope),
// so a GPU host counts for a lot in a GPU-bound cluster and little otherwise.
std::vector<double> host_values(const TargetProblem& p);

}  // namespace fleetopt::rearrange
