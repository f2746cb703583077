// Vector bin packing from scratch: first-fit decreasing under several size
// orderings, and item-centric dot-product and L2 fits. Used as the reference
// packing of defrag and as the "ffd" baseline (which heads for the fewest
// hosts whatever it costs in migrations).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/rearrange/packer.h"

namespace fleetopt::rearrange {

enum class SizeOrder { kMaxShare, kSumShare, kVolume, kCpu, kMem };
const char* to_string(SizeOrder o);
const char* to_string(FitRule r);

struct ScratchPacking {
  bool ok = false;  // every movable VM placed
  Placement b;
  std::int32_t hosts = 0;  // active hosts in scope
  std::string method;      // e.g. "ffd/max-share"
};

// Packs the movable VMs of p onto the hosts in scope, VMs that cannot move
// staying where they are. Hosts open in order of host_values (most of what
// is scarce first), then
// of how much they already hold. Afterwards bins are relabelled among hosts
// of identical limits to keep as many VMs as possible where they are.
ScratchPacking scratch_pack(const TargetProblem& p, SizeOrder order, FitRule rule);

// Bin-centric packing with resource prices: hosts open one at a time (most
// valuable first) and each is filled before the next opens, always with the
// VM of highest price per share of the host's tightest remaining resource
// (price of a VM = sum over resources of price_d x demand_d / total demand_d).
// The price vector is searched over a small grid: the most used resource
// priced 1, each other 0, 0.03, 0.1 or 0.3. Fills hosts far better than
// item-centric FFD when one resource is scarce on some host types (GPUs).
// ok = false when some VM fits nowhere or the problem is too large (more
// than 4,000 distinct VM demands, or classes x hosts above 2e7; above 2e6
// the grid is only 0 and 0.1).
// home_bonus > 1 multiplies the score of a VM already on the host: fewer
// migrations for possibly more hosts (used under a migration budget).
ScratchPacking bin_centric_pack(const TargetProblem& p, double home_bonus = 1.0);

// The best (fewest hosts, then least moved) of every ordering and fit rule.
ScratchPacking best_scratch_pack(const TargetProblem& p);

}  // namespace fleetopt::rearrange
