// The plain `fleetopt` binary does not load libtorch (~1 s and ~165 MB at
// start-up). It still knows the forecast policy by name: making it throws
// NeedsTorch, and main() re-runs the whole command in fleetopt-torch, the
// build that registers the real policy (fleetopt/fireplace/forecast_register.cc).
#include "fleetopt/core/error.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt {
namespace {

std::unique_ptr<Placer> make_forecast_elsewhere(const PlacerSpec&) { throw NeedsTorch("policy forecast"); }

}  // namespace

FLEETOPT_REGISTER_PLACER("forecast",
                         "forecast baseline: of K sampled hosts (@k, default 2) the lowest LSTM-forecast peak "
                         "(forecast:MODEL.pt; runs in fleetopt-torch)",
                         make_forecast_elsewhere);

}  // namespace fleetopt
