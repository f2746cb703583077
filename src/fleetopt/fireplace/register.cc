// Registers the FirePlace policies by name. This file alone makes up the
// fleetopt_fireplace library, which executables link whole.
#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/fireplace/placers.h"

namespace fleetopt::fireplace {
namespace {

int candidates_option(const PlacerSpec& spec, int fallback) {
  int k = spec.int_option("k", fallback);
  if (k < 1 || k > 1000) {
    throw InputError::field(fmt::format("policy {} option k", spec.name), "must be in [1, 1000]");
  }
  return k;
}

std::unique_ptr<Placer> make_hindsight(const PlacerSpec& spec) {
  spec.check_options({"k"});
  if (!spec.arg.empty()) throw InputError::field("policy hindsight", "takes no ':' argument");
  return std::make_unique<HindsightPlacer>(spec.text, candidates_option(spec, 2));
}

std::unique_ptr<Placer> make_fireplace(const PlacerSpec& spec) {
  spec.check_options({"k"});
  if (spec.arg.empty()) {
    throw InputError::field("policy fireplace", "needs a model file: fireplace:MODEL.json[@k=K] "
                                                "(train one with `fleetopt train fireplace`)");
  }
  auto model = FirePlaceModel::load_shared(spec.arg);
  return std::make_unique<FirePlacePlacer>(spec.text, model, candidates_option(spec, model->info().candidates));
}

}  // namespace

FLEETOPT_REGISTER_PLACER("hindsight",
                         "FirePlace's teacher (reads the future): of K sampled hosts (@k, default 2) the "
                         "lowest future combined peak",
                         make_hindsight);
FLEETOPT_REGISTER_PLACER("fireplace",
                         "FirePlace: a tree model (fireplace:MODEL.json) picks among K sampled hosts (@k, "
                         "default: the model's)",
                         make_fireplace);

}  // namespace fleetopt::fireplace
