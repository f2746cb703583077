#include "fleetopt/ml/xgboost_booster.h"

#include <limits>
#include <stdexcept>

#include <xgboost/c_api.h>

namespace fleetopt::ml {
namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("xgboost ") + what + ": " + XGBGetLastError());
}

// Owns a DMatrixHandle for the duration of one call.
class Matrix {
 public:
  Matrix(const float* values, std::size_t rows, std::size_t cols) {
    // NaN marks missing values; our features never are, so nothing is dropped.
    check(XGDMatrixCreateFromMat(values, rows, cols, std::numeric_limits<float>::quiet_NaN(), &h_),
          "XGDMatrixCreateFromMat");
  }
  ~Matrix() { XGDMatrixFree(h_); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

}  // namespace

Booster::Booster() = default;

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

Booster::Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

Booster Booster::train(const DenseData& data, const BoosterParams& params) {
  const std::size_t rows = data.rows();
  if (rows == 0 || data.values.size() != rows * data.cols) {
    throw std::invalid_argument("xgboost training data is empty or not rows x cols");
  }
  if (data.labels.size() != rows || (!data.weights.empty() && data.weights.size() != rows)) {
    throw std::invalid_argument("xgboost training data needs one label (and weight) per row");
  }
  if (params.rounds < 1) throw std::invalid_argument("xgboost training needs at least one round");
  Matrix m(data.values.data(), rows, data.cols);
  check(XGDMatrixSetFloatInfo(m.get(), "label", data.labels.data(), rows), "set labels");
  if (!data.weights.empty()) {
    check(XGDMatrixSetFloatInfo(m.get(), "weight", data.weights.data(), rows), "set weights");
  }
  Booster b;
  DMatrixHandle dmats[] = {m.get()};
  check(XGBoosterCreate(dmats, 1, &b.handle_), "XGBoosterCreate");
  for (const auto& [key, value] : params.params) {
    check(XGBoosterSetParam(b.handle_, key.c_str(), value.c_str()), key.c_str());
  }
  for (int iter = 0; iter < params.rounds; ++iter) {
    check(XGBoosterUpdateOneIter(b.handle_, iter, m.get()), "XGBoosterUpdateOneIter");
  }
  return b;
}

Booster Booster::load_json(const std::string& json) {
  Booster b;
  check(XGBoosterCreate(nullptr, 0, &b.handle_), "XGBoosterCreate");
  check(XGBoosterLoadModelFromBuffer(b.handle_, json.data(), json.size()), "load model");
  return b;
}

std::vector<float> Booster::predict(const float* values, std::size_t rows, std::size_t cols,
                                    bool margin) const {
  if (handle_ == nullptr) throw std::logic_error("predict on an empty xgboost booster");
  Matrix m(values, rows, cols);
  bst_ulong len = 0;
  const float* out = nullptr;
  check(XGBoosterPredict(handle_, m.get(), margin ? 1 : 0, 0, 0, &len, &out), "XGBoosterPredict");
  return std::vector<float>(out, out + len);
}

std::string Booster::save_json() const {
  if (handle_ == nullptr) throw std::logic_error("save of an empty xgboost booster");
  bst_ulong len = 0;
  const char* out = nullptr;
  check(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &len, &out), "save model");
  return std::string(out, len);
}

}  // namespace fleetopt::ml
