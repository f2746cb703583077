// The rule-based autoscalers (static, threshold, hpa, rightscale) register
// themselves by name from baselines.cc; this header exposes the two decision
// rules worth testing on their own, outside a scaling run.
#pragma once

#include <vector>

namespace fleetopt::scaling {

// The replica calculator of the Kubernetes HPA for a CPU-utilisation target
// (pkg/controller/podautoscaler/replica_calculator.go, GetResourceReplicas),
// without the behavior (stabilisation, rate limits) applied after it:
//   utilisation is averaged over the `ready` pods and truncated to an integer
//   percent, as the controller does; ratio = percent / target percent;
//   with no unready pods: |ratio - 1| <= tolerance -> current,
//                         else ceil(ratio * ready);
//   a scale-up (ratio > 1) with unready pods recomputes the ratio counting
//   them at 0% and returns current if the new ratio is within the tolerance
//   or reverses the direction, else ceil(new ratio * (ready + unready)).
// `current` is the scale's replica count (ready + unready).
int hpa_replica_count(int current, int ready, int unready, double utilisation, double target,
                      double tolerance);

// RightScale's voting rule for one server array: each server votes to grow
// when its utilisation is above `up`, to shrink when below `down`, else
// abstains; +1 (grow) or -1 (shrink) when that side's votes reach `majority`
// of the servers (RightScale's "decision threshold", 51% by default), else 0.
int rightscale_vote(const std::vector<double>& vm_utilisation, double up, double down, double majority);

}  // namespace fleetopt::scaling
