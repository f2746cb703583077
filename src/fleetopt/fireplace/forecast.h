// The forecast baseline: an LSTM (libtorch) forecasts each VM's peak use over
// the next steps from its recent history; the policy places a new VM on the
// sampled candidate whose summed forecast peak (plus the new VM's estimate,
// the mean training peak share times its request), normalised by capacity
// and combined over CPU and memory by the L2 norm, is lowest. The model
// file is a torch archive holding the LSTM and, as metadata, window,
// horizon and the new-VM prior.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/core/workload.h"
#include "fleetopt/fireplace/forecast_data.h"
#include "fleetopt/ml/lstm_regressor.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {

class ForecastModel {
 public:
  ForecastModel(ml::LstmRegressor lstm, int window, int horizon, std::array<float, kForecastOutputs> prior);
  // Throws InputError naming the file.
  static std::shared_ptr<ForecastModel> load_shared(const std::string& path);
  void save(const std::string& path);

  int window() const { return window_; }
  int horizon() const { return horizon_; }
  const std::array<float, kForecastOutputs>& prior() const { return prior_; }
  // x: rows x window x channels; out: rows x outputs. Thread-safe.
  void predict(const float* x, std::size_t rows, float* out) const;

 private:
  ml::LstmRegressor lstm_;
  int window_, horizon_;
  std::array<float, kForecastOutputs> prior_;
  mutable std::mutex mutex_;
};

struct ForecastTrainOptions {
  int window = 12;
  int horizon = 12;
  int hidden = 32;
  int epochs = 8;
  int samples_per_vm = 20;
  double validation_share = 0.2;  // the last arrivals
  std::uint64_t seed = 1;
};

struct ForecastTrainResult {
  std::size_t train_rows = 0, validation_rows = 0;
  double final_loss = 0;
  // The new-VM estimate stored in the model: mean training peak fractions (cpu, mem).
  std::array<float, kForecastOutputs> new_vm_prior{};
  // Validation mean absolute error of the peak fractions per forecaster:
  // lstm, last_value (naive), window_max, prior (the training mean).
  std::vector<std::pair<std::string, double>> validation_mae;
  nlohmann::json to_json() const;
};

// Trains on the workload's first arrivals, validates on the last ones, and
// writes the model to `out`.
ForecastTrainResult train_forecaster(const Workload& w, const ForecastTrainOptions& options, const std::string& out);

class ForecastPlacer final : public Placer {
 public:
  ForecastPlacer(std::string name, std::shared_ptr<ForecastModel> model, int candidates);
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  std::string name() const override { return name_; }

 private:
  std::string name_;
  std::shared_ptr<ForecastModel> model_;
  int k_;
  std::vector<std::int32_t> candidates_;
  ForecastCache cache_;
  std::vector<std::int32_t> pending_vms_;
  std::vector<float> batch_x_, batch_y_;
};

}  // namespace fleetopt::fireplace
