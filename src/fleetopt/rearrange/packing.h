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

// The best (fewest hosts, then least moved) of every ordering and fit rule.
ScratchPacking best_scratch_pack(const TargetProblem& p);

}  // namespace fleetopt::rearrange
