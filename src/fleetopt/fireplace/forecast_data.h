// The forecast baseline's data: per VM, a window of its recently observed
// usage (fractions of its request) and, as the target, the peak over the
// next `horizon` steps of its life. Plain code (no torch) so it is tested
// and reused by the trainer and the policy alike.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {

// Per step: cpu fraction, mem fraction, and 1 for an observed sample (0 for
// padding before the VM's first step).
inline constexpr int kForecastChannels = 3;
// Peak cpu fraction and peak mem fraction over the horizon.
inline constexpr int kForecastOutputs = 2;

// Fills out[window * kForecastChannels] with instance i's usage at ages
// [age - window, age) (age = steps since arrival; only the past). Ages before
// 0 repeat the first sample with the observed flag 0. Requires age >= 1.
void forecast_window(const Workload& w, std::size_t i, std::int64_t age, int window, float* out);

// Peak fractions over ages [age, min(age + horizon, lifetime)).
void forecast_target(const Workload& w, std::size_t i, std::int64_t age, int horizon, float* out);

struct ForecastSamples {
  int window = 0;
  std::size_t rows = 0;
  std::vector<float> x;           // rows x window x channels
  std::vector<float> y;           // rows x outputs
  std::vector<float> last_value;  // rows x outputs: the naive forecast (last observed sample)
  std::vector<float> window_max;  // rows x outputs: the peak of the window
};

// `per_vm` windows at uniform ages in [1, lifetime) of each instance with
// index in [from_vm, to_vm) that lives at least 2 steps. Deterministic in rng.
ForecastSamples forecast_samples(const Workload& w, int window, int horizon, int per_vm, std::size_t from_vm,
                                 std::size_t to_vm, Rng& rng);

// Per VM: forecast peak fractions of its request (cpu, mem).
using PeakFractions = std::array<float, kForecastOutputs>;

// The forecast policies' score of a candidate host (lower is better): the
// forecast peaks of the VMs on it (fraction x request, from `vm_peaks`
// indexed by VM) plus the new VM's (`new_vm` x its request), normalised by
// the host's capacity, CPU and memory combined by the L2 norm.
double forecast_host_score(const PlacementContext& ctx, std::int32_t host,
                           const std::vector<PeakFractions>& vm_peaks, const PeakFractions& new_vm);

// The candidate with the lowest forecast_host_score (the first on ties), or
// kNoHost when there is none.
std::int32_t lowest_forecast_host(const PlacementContext& ctx, const std::vector<std::int32_t>& candidates,
                                  const std::vector<PeakFractions>& vm_peaks, const PeakFractions& new_vm);

// Per-VM forecasts, each computed at most once per step.
struct ForecastCache {
  std::vector<std::int64_t> step;    // per VM: step of its forecast (-1: none)
  std::vector<PeakFractions> peaks;  // per VM
  // Sized for `vms` VMs; forgets everything when the count changes (another workload).
  void fit(std::size_t vms) {
    if (step.size() == vms) return;
    step.assign(vms, -1);
    peaks.assign(vms, {});
  }
  // True, and marks it, when VM j has no forecast for step s yet.
  bool claim(std::size_t j, std::int64_t s) {
    if (step[j] == s) return false;
    step[j] = s;
    return true;
  }
};

// Mean absolute error over rows and outputs between two rows x outputs arrays.
double mean_absolute_error(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace fleetopt::fireplace
