// --policy LIST: split_policy_list, then each spec parsed (PlacerSpec::parse),
// built by name (make_placer) and run over a tiny synthetic workload on four
// hosts. `fireplace:ARG` reads a small valid model this target writes once
// (any other ARG would make the fuzzer open arbitrary paths). The same specs
// name autoscalers (`fleetopt scale --autoscaler`, the same grammar): each is
// also built by make_autoscaler when the scaling module is in the build.
#include <nlohmann/json.hpp>

#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/model.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/sim/simulator.h"
#include "fleetopt/trace/synthetic.h"
#ifdef FLEETOPT_FUZZ_AUTOSCALERS
#include "fleetopt/scaling/autoscaler.h"
#endif
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {
namespace {

// One split on feature 0: a valid model file for this build's features.
const std::string& model_path() {
  static const std::string path = [] {
    const nlohmann::json tree = {{"tree_param", {{"num_nodes", "3"}}},
                                 {"left_children", {1, -1, -1}},
                                 {"right_children", {2, -1, -1}},
                                 {"split_indices", {0, 0, 0}},
                                 {"split_conditions", {0.5, -1.0, 1.0}},
                                 {"default_left", {1, 0, 0}}};
    const nlohmann::json xgboost = {
        {"learner",
         {{"learner_model_param", {{"base_score", "5E-1"}, {"num_feature", std::to_string(fireplace::kNumFeatures)}}},
          {"objective", {{"name", "binary:logistic"}}},
          {"gradient_booster", {{"name", "gbtree"}, {"model", {{"trees", {tree}}}}}}}}};
    fireplace::ModelInfo info;
    info.type = "tree";
    const std::string p = process_dir() + "/model.json";
    fireplace::FirePlaceModel::save(p, info, xgboost);
    return p;
  }();
  return path;
}

const Workload& tiny_workload() {
  static const Workload w = [] {
    SyntheticOptions o;
    o.vms = 12;
    o.hours = 3;
    o.shapes = 4;
    return make_synthetic(o);
  }();
  return w;
}

}  // namespace

void policy_spec(std::string_view input) {
  for (std::string text : split_policy_list(std::string(input))) {
#ifdef FLEETOPT_FUZZ_AUTOSCALERS
    expect_input_errors_only([&] { (void)scaling::make_autoscaler(text)->name(); });
#endif
    expect_input_errors_only([&] {
      const PlacerSpec spec = PlacerSpec::parse(text);
      if (spec.name == "fireplace" && !spec.arg.empty()) {
        const std::size_t at = text.find('@');
        text = "fireplace:" + model_path() + (at == std::string::npos ? "" : text.substr(at));
      }
      std::unique_ptr<Placer> placer = make_placer(text);
      (void)placer->name();
      SimConfig config;
      config.hosts = 4;
      config.record_latency = false;
      (void)simulate(tiny_workload(), *placer, config);
    });
  }
}

}  // namespace fleetopt::fuzz
