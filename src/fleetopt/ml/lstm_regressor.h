// A small LSTM sequence regressor (libtorch, CPU): reads a window of
// multichannel values and predicts a few outputs. Torch stays behind this
// header (pimpl), so its users compile without torch's headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fleetopt::ml {

struct LstmShape {
  int channels = 1;  // values per time step
  int hidden = 32;
  int layers = 1;
  int outputs = 1;
};

struct LstmTraining {
  int epochs = 10;
  int batch = 256;
  double learning_rate = 3e-3;
  std::uint64_t seed = 1;
};

class LstmRegressor {
 public:
  // Fresh weights drawn from torch's generator seeded with `seed`.
  LstmRegressor(const LstmShape& shape, std::uint64_t seed);
  ~LstmRegressor();
  LstmRegressor(LstmRegressor&&) noexcept;
  LstmRegressor& operator=(LstmRegressor&&) noexcept;

  const LstmShape& shape() const { return shape_; }
  // Numbers the user stores beside the weights (e.g. window lengths).
  const std::vector<double>& metadata() const { return metadata_; }
  void set_metadata(std::vector<double> values) { metadata_ = std::move(values); }

  // x: rows x window x channels (row-major), y: rows x outputs. Minimises the
  // mean squared error with Adam; returns the final epoch's mean loss.
  // Deterministic in training.seed (single-threaded torch).
  double fit(const std::vector<float>& x, const std::vector<float>& y, std::size_t rows, int window,
             const LstmTraining& training);

  // out: rows x outputs.
  void predict(const float* x, std::size_t rows, int window, float* out) const;

  // Torch's archive format with the shape stored beside the weights.
  void save(const std::string& path) const;
  // Throws InputError naming the file if it is missing or not such a model.
  static LstmRegressor load(const std::string& path);

 private:
  struct Impl;
  LstmShape shape_;
  std::vector<double> metadata_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleetopt::ml
