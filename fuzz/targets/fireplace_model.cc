// `--policy fireplace:MODEL.json`: a FirePlace model file. A model that loads
// must score candidate rows (zeros, ones, NaN, huge values) without a fault.
#include <cmath>
#include <limits>
#include <vector>

#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/model.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void fireplace_model(std::string_view input) {
  const std::string path = write_file(fresh_dir(), "model.json", input);
  expect_input_errors_only([&] {
    const fireplace::FirePlaceModel model = fireplace::FirePlaceModel::load(path);
    const float values[] = {0.0f, 1.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(), 1e30f};
    constexpr std::size_t kRows = sizeof values / sizeof values[0];
    std::vector<float> rows(kRows * fireplace::kNumFeatures);
    for (std::size_t r = 0; r < kRows; ++r) {
      for (int f = 0; f < fireplace::kNumFeatures; ++f) {
        rows[r * fireplace::kNumFeatures + static_cast<std::size_t>(f)] = values[(r + static_cast<std::size_t>(f)) % kRows];
      }
    }
    (void)model.best(rows.data(), kRows);
    (void)model.trees().predict(rows.data());
  });
}

}  // namespace fleetopt::fuzz
