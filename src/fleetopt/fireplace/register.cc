// Registers the FirePlace policies by name. This file alone makes up the
// fleetopt_fireplace library, which executables link whole.
#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/fireplace/naive_forecast.h"
#include "fleetopt/fireplace/placers.h"
#include "fleetopt/fireplace/ranker.h"

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
  spec.check_options({"k", "prefilter"});
  if (!spec.arg.empty()) throw InputError::field("policy hindsight", "takes no ':' argument");
  // @k=all and @prefilter=M: the teacher over the ranker's candidate sets.
  const CandidateSet set = CandidateSet::from_spec(spec, {CandidateSet::Kind::kSample, 2});
  if (set.kind != CandidateSet::Kind::kSample) return std::make_unique<CandidateSetTeacher>(spec.text, set);
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

std::unique_ptr<Placer> make_naive_forecast(const PlacerSpec& spec) {
  spec.check_options({"k", "forecaster", "window", "unobserved_cpu", "unobserved_mem"});
  const std::string where = fmt::format("policy {}", spec.name);
  if (!spec.arg.empty()) throw InputError::field(where, "takes no ':' argument");
  const std::string forecaster = spec.option("forecaster", "max");
  if (forecaster != "last" && forecaster != "max") {
    throw InputError::field(where + " option forecaster", fmt::format("'{}' is not last or max", forecaster));
  }
  const int window = spec.int_option("window", 12);
  if (window < 1 || window > 10000) throw InputError::field(where + " option window", "must be in [1, 10000]");
  PeakFractions unobserved = {1.f, 1.f};
  for (std::size_t d = 0; d < unobserved.size(); ++d) {
    const std::string key = d == 0 ? "unobserved_cpu" : "unobserved_mem";
    double value = 1;
    if (!parse_double(spec.option(key, "1"), value) || !(value >= 0 && value <= 100)) {
      throw InputError::field(fmt::format("{} option {}", where, key), "must be a number in [0, 100]");
    }
    unobserved[d] = static_cast<float>(value);
  }
  return std::make_unique<NaiveForecastPlacer>(
      spec.text, forecaster == "last" ? NaiveForecaster::kLastValue : NaiveForecaster::kWindowMax, window,
      candidates_option(spec, 2), unobserved);
}

}  // namespace

FLEETOPT_REGISTER_PLACER("hindsight",
                         "FirePlace's teacher (reads the future): of K sampled hosts (@k, default 2; @k=all: "
                         "every feasible host; @prefilter=M: the pre-filter's best M) the lowest future "
                         "combined peak",
                         make_hindsight);
FLEETOPT_REGISTER_PLACER("fireplace",
                         "FirePlace: a tree model (fireplace:MODEL.json) picks among K sampled hosts (@k, "
                         "default: the model's)",
                         make_fireplace);
FLEETOPT_REGISTER_PLACER("naive-forecast",
                         "forecast baseline without a model: of K sampled hosts (@k, default 2) the lowest "
                         "summed peak forecast by each VM's last value (@forecaster=last) or the peak of its "
                         "last @window steps (@forecaster=max, default; window 12); VMs not yet observed at "
                         "@unobserved_cpu/@unobserved_mem of their request (default 1)",
                         make_naive_forecast);

}  // namespace fleetopt::fireplace
