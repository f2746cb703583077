// A thin RAII wrapper over XGBoost's C API: train a booster on a dense
// float matrix, predict, and move the model to and from its JSON form.
// Every C call is checked; a failure becomes std::runtime_error carrying
// XGBGetLastError()'s message.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace fleetopt::ml {

// A dense row-major matrix of features with one label (and optional weight)
// per row.
struct DenseData {
  std::size_t cols = 0;
  std::vector<float> values;   // rows * cols
  std::vector<float> labels;   // one per row
  std::vector<float> weights;  // empty, or one per row

  std::size_t rows() const { return cols == 0 ? 0 : values.size() / cols; }
};

struct BoosterParams {
  // Passed verbatim to XGBoosterSetParam, in order.
  std::vector<std::pair<std::string, std::string>> params;
  int rounds = 1;
};

class Booster {
 public:
  Booster();  // an empty booster (load_json fills it)
  ~Booster();
  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // Throws std::invalid_argument on empty or inconsistent data.
  static Booster train(const DenseData& data, const BoosterParams& params);
  // Parses a model saved by save_json; throws std::runtime_error if XGBoost
  // rejects it.
  static Booster load_json(const std::string& json);

  // Transformed predictions (probabilities for binary:logistic), or margins.
  std::vector<float> predict(const float* values, std::size_t rows, std::size_t cols,
                             bool margin = false) const;
  std::string save_json() const;

 private:
  void* handle_ = nullptr;  // BoosterHandle
};

}  // namespace fleetopt::ml
