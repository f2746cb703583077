// Registers the FirePlace ranker by name (part of the fleetopt_fireplace
// library, which executables link whole).
#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/fireplace/ranker.h"

namespace fleetopt::fireplace {
namespace {

std::unique_ptr<Placer> make_ranker(const PlacerSpec& spec) {
  spec.check_options({"k", "prefilter"});
  if (spec.arg.empty()) {
    throw InputError::field("policy fireplace-rank",
                            "needs a model file: fireplace-rank:MODEL.json[@k=K|all][@prefilter=M] "
                            "(train one with `fleetopt train-ranker`)");
  }
  auto model = RankerModel::load_shared(spec.arg);
  return std::make_unique<RankerPlacer>(spec.text, model, CandidateSet::from_spec(spec, model->info().candidates));
}

}  // namespace

FLEETOPT_REGISTER_PLACER("fireplace-rank",
                         "FirePlace ranker (fireplace-rank:MODEL.json, `fleetopt train-ranker`): XGBoost pairwise "
                         "ranking over K sampled hosts (@k), every feasible host (@k=all) or the pre-filter's best M "
                         "by observed load + request (@prefilter=M); default: the set it was trained over",
                         make_ranker);

}  // namespace fleetopt::fireplace
