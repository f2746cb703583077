// The forecast baseline with the LSTM replaced by a naive forecaster, to
// tell what the learned forecast adds: each VM's peak over the next steps is
// forecast as its last observed use (`last`) or the peak of its last
// `window` observed steps (`max`), both as fractions of its request; a VM
// not yet observed, and the new VM, count at `unobserved` fractions of their
// request (default 1: the request; the LSTM policy uses its training mean,
// which `fleetopt train forecast` reports as new_vm_prior). Scoring is the
// forecast policy's (forecast_host_score). Needs no model and no libtorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/fireplace/forecast_data.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {

enum class NaiveForecaster { kLastValue, kWindowMax };

class NaiveForecastPlacer final : public Placer {
 public:
  NaiveForecastPlacer(std::string name, NaiveForecaster forecaster, int window, int candidates,
                      PeakFractions unobserved = {1.f, 1.f});
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  std::string name() const override { return name_; }

  // The forecast for instance i at `age` steps after its arrival (age >= 1).
  PeakFractions forecast(const Workload& w, std::size_t i, std::int64_t age);

 private:
  std::string name_;
  NaiveForecaster forecaster_;
  int window_, k_;
  PeakFractions unobserved_;
  std::vector<std::int32_t> candidates_;
  ForecastCache cache_;
  std::vector<float> window_buffer_;
};

}  // namespace fleetopt::fireplace
