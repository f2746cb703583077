// Registers the forecast baseline by name. This file alone makes up the
// fleetopt_forecast library, which executables link whole.
#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/fireplace/forecast.h"

namespace fleetopt::fireplace {
namespace {

std::unique_ptr<Placer> make_forecast(const PlacerSpec& spec) {
  spec.check_options({"k"});
  if (spec.arg.empty()) {
    throw InputError::field("policy forecast", "needs a model file: forecast:MODEL.pt[@k=K] "
                                               "(train one with `fleetopt train forecast`)");
  }
  int k = spec.int_option("k", 2);
  if (k < 1 || k > 1000) throw InputError::field("policy forecast option k", "must be in [1, 1000]");
  return std::make_unique<ForecastPlacer>(spec.text, ForecastModel::load_shared(spec.arg), k);
}

}  // namespace

FLEETOPT_REGISTER_PLACER("forecast",
                         "forecast baseline: of K sampled hosts (@k, default 2) the lowest LSTM-forecast peak "
                         "(forecast:MODEL.pt)",
                         make_forecast);

}  // namespace fleetopt::fireplace
