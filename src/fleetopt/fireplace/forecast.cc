#include "fleetopt/fireplace/forecast.h"

#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/candidates.h"

namespace fleetopt::fireplace {

ForecastModel::ForecastModel(ml::LstmRegressor lstm, int window, int horizon,
                             std::array<float, kForecastOutputs> prior)
    : lstm_(std::move(lstm)), window_(window), horizon_(horizon), prior_(prior) {}

void ForecastModel::save(const std::string& path) {
  lstm_.set_metadata({static_cast<double>(window_), static_cast<double>(horizon_), prior_[0], prior_[1]});
  lstm_.save(path);
}

std::shared_ptr<ForecastModel> ForecastModel::load_shared(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::filesystem::file_time_type>, std::shared_ptr<ForecastModel>> cache;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot open forecast model: {}", path, ec.message()));
  std::lock_guard lock(mutex);
  auto& slot = cache[{path, mtime}];
  if (slot) return slot;
  ml::LstmRegressor lstm = ml::LstmRegressor::load(path);
  const auto& meta = lstm.metadata();
  const auto& shape = lstm.shape();
  if (meta.size() != 4 || shape.channels != kForecastChannels || shape.outputs != kForecastOutputs) {
    throw InputError(fmt::format("{}: not a forecast-baseline model (train one with `fleetopt train forecast`)", path));
  }
  const double window = meta[0], horizon = meta[1];
  if (!(window >= 1 && window <= 288 && horizon >= 1 && horizon <= 288) || !std::isfinite(meta[2]) ||
      !std::isfinite(meta[3])) {
    throw InputError(fmt::format("{}: window, horizon or prior out of range", path));
  }
  slot = std::make_shared<ForecastModel>(std::move(lstm), static_cast<int>(window), static_cast<int>(horizon),
                                         std::array<float, kForecastOutputs>{static_cast<float>(meta[2]),
                                                                             static_cast<float>(meta[3])});
  return slot;
}

void ForecastModel::predict(const float* x, std::size_t rows, float* out) const {
  std::lock_guard lock(mutex_);
  lstm_.predict(x, rows, window_, out);
}

nlohmann::json ForecastTrainResult::to_json() const {
  nlohmann::json mae = nlohmann::json::object();
  for (const auto& [name, value] : validation_mae) mae[name] = value;
  return {{"train_rows", train_rows},
          {"validation_rows", validation_rows},
          {"samples", train_rows},
          {"final_loss", final_loss},
          {"new_vm_prior", {{"cpu", new_vm_prior[0]}, {"mem", new_vm_prior[1]}}},
          {"validation_mae", mae}};
}

ForecastTrainResult train_forecaster(const Workload& w, const ForecastTrainOptions& o, const std::string& out) {
  if (!(o.validation_share > 0 && o.validation_share < 1)) {
    // Not a command-line option of `train forecast`: name the library field.
    throw InputError::field("ForecastTrainOptions.validation_share", "must be in (0, 1)");
  }
  const auto split = static_cast<std::size_t>(std::floor(static_cast<double>(w.size()) * (1 - o.validation_share)));
  Rng rng(o.seed);
  Rng train_rng = rng.fork(1), val_rng = rng.fork(2);
  ForecastSamples train = forecast_samples(w, o.window, o.horizon, o.samples_per_vm, 0, split, train_rng);
  ForecastSamples val = forecast_samples(w, o.window, o.horizon, o.samples_per_vm, split, w.size(), val_rng);
  if (train.rows == 0 || val.rows == 0) {
    throw InputError::field("--workload", "too few VMs living two steps or more to train and validate a forecaster");
  }
  std::array<float, kForecastOutputs> prior{};
  for (std::size_t r = 0; r < train.rows; ++r) {
    for (int k = 0; k < kForecastOutputs; ++k) prior[static_cast<std::size_t>(k)] += train.y[r * kForecastOutputs + static_cast<std::size_t>(k)];
  }
  for (float& p : prior) p /= static_cast<float>(train.rows);

  ml::LstmRegressor lstm({.channels = kForecastChannels, .hidden = o.hidden, .layers = 1, .outputs = kForecastOutputs},
                         o.seed);
  ForecastTrainResult r;
  r.final_loss = lstm.fit(train.x, train.y, train.rows, o.window,
                          {.epochs = o.epochs, .batch = 64, .learning_rate = 3e-3, .seed = o.seed});
  ForecastModel model(std::move(lstm), o.window, o.horizon, prior);
  std::vector<float> pred(val.rows * kForecastOutputs);
  model.predict(val.x.data(), val.rows, pred.data());
  std::vector<float> prior_pred(val.rows * kForecastOutputs);
  for (std::size_t i = 0; i < prior_pred.size(); ++i) prior_pred[i] = prior[i % kForecastOutputs];
  r.train_rows = train.rows;
  r.new_vm_prior = prior;
  r.validation_rows = val.rows;
  r.validation_mae = {{"lstm", mean_absolute_error(pred, val.y)},
                      {"last_value", mean_absolute_error(val.last_value, val.y)},
                      {"window_max", mean_absolute_error(val.window_max, val.y)},
                      {"prior", mean_absolute_error(prior_pred, val.y)}};
  model.save(out);
  return r;
}

ForecastPlacer::ForecastPlacer(std::string name, std::shared_ptr<ForecastModel> model, int candidates)
    : name_(std::move(name)), model_(std::move(model)), k_(candidates) {}

std::int32_t ForecastPlacer::choose(const PlacementContext& ctx, Rng& rng) {
  sample_feasible_hosts(ctx.cluster, ctx.request, k_, rng, candidates_);
  if (candidates_.empty()) return kNoHost;
  if (candidates_.size() == 1) return candidates_.front();
  const Workload& w = ctx.workload;
  cache_.fit(w.size());
  // Forecast every VM on the candidates not yet forecast at this step, in one batch.
  const int window = model_->window();
  const auto row_size = static_cast<std::size_t>(window * kForecastChannels);
  pending_vms_.clear();
  for (std::int32_t h : candidates_) {
    for (std::int32_t vm : ctx.cluster.vms_on(h)) {
      const auto j = static_cast<std::size_t>(vm);
      if (!cache_.claim(j, ctx.step)) continue;
      const std::int64_t age = ctx.step - w.arrival_step(j);
      if (age <= 0) {
        cache_.peaks[j] = model_->prior();  // nothing observed yet
        continue;
      }
      pending_vms_.push_back(vm);
      batch_x_.resize(pending_vms_.size() * row_size);
      forecast_window(w, j, age, window, batch_x_.data() + (pending_vms_.size() - 1) * row_size);
    }
  }
  if (!pending_vms_.empty()) {
    batch_y_.resize(pending_vms_.size() * kForecastOutputs);
    model_->predict(batch_x_.data(), pending_vms_.size(), batch_y_.data());
    for (std::size_t r = 0; r < pending_vms_.size(); ++r) {
      auto& c = cache_.peaks[static_cast<std::size_t>(pending_vms_[r])];
      for (int k = 0; k < kForecastOutputs; ++k) {
        c[static_cast<std::size_t>(k)] = std::max(0.f, batch_y_[r * kForecastOutputs + static_cast<std::size_t>(k)]);
      }
    }
  }
  return lowest_forecast_host(ctx, candidates_, cache_.peaks, model_->prior());
}

}  // namespace fleetopt::fireplace
