#include "fleetopt/fireplace/model.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/fireplace/features.h"

namespace fleetopt::fireplace {
namespace {

constexpr const char* kFormat = "fleetopt-fireplace";
constexpr int kVersion = 1;

// ["cpu"] or ["cpu", "mem"]: the features always read CPU.
DimMask parse_resources_field(const nlohmann::json& value, const std::string& where) {
  const auto bad = [&] { return InputError::field(where, "expected [\"cpu\"] or [\"cpu\", \"mem\"]"); };
  if (!value.is_array()) throw bad();
  DimMask mask = 0;
  for (const auto& name : value) {
    if (name == "cpu") {
      mask |= dim_bit(kCpu);
    } else if (name == "mem") {
      mask |= dim_bit(kMem);
    } else {
      throw bad();
    }
  }
  if (!has_dim(mask, kCpu)) throw bad();
  return mask;
}

}  // namespace

nlohmann::json FirePlaceModel::to_json(const ModelInfo& info, const nlohmann::json& xgboost_model) {
  return {{"format", kFormat},
          {"version", kVersion},
          {"model", info.type},
          {"target", info.target},
          {"candidates", info.candidates},
          {"resources", resource_names(info.resources)},
          {"features", feature_names()},
          {"windows", kWindows},
          {"validation_accuracy", info.validation_accuracy},
          {"training", info.training},
          {"xgboost", xgboost_model}};
}

void FirePlaceModel::save(const std::string& path, const ModelInfo& info, const nlohmann::json& xgboost_model) {
  write_file_atomically(path, to_json(info, xgboost_model).dump());
}

FirePlaceModel FirePlaceModel::from_json(const nlohmann::json& doc, const std::string& where) {
  auto field = [&](const char* key) -> const nlohmann::json& {
    if (!doc.is_object() || !doc.contains(key)) throw InputError::field(where + "." + key, "missing");
    return doc.at(key);
  };
  const auto& format = field("format");
  if (!format.is_string() || format.get<std::string>() != kFormat) {
    throw InputError::field(where + ".format", fmt::format("expected \"{}\"", kFormat));
  }
  const auto& version = field("version");
  if (!version.is_number_integer() || version.get<int>() != kVersion) {
    throw InputError::field(where + ".version", fmt::format("unsupported (this build reads {})", kVersion));
  }
  FirePlaceModel m;
  m.source_ = where;
  const auto& type = field("model");
  if (!type.is_string()) throw InputError::field(where + ".model", "expected a string");
  m.info_.type = type.get<std::string>();
  const auto& target = field("target");
  if (!target.is_string() || (target != "pick" && target != "regret")) {
    throw InputError::field(where + ".target", "expected \"pick\" or \"regret\"");
  }
  m.info_.target = target.get<std::string>();
  m.regret_ = m.info_.target == "regret";
  const auto& k = field("candidates");
  if (!k.is_number_integer() || k.get<long long>() < 1 || k.get<long long>() > 1000) {
    throw InputError::field(where + ".candidates", "expected an integer in [1, 1000]");
  }
  m.info_.candidates = k.get<int>();
  if (doc.contains("resources")) {
    m.info_.resources = parse_resources_field(doc.at("resources"), where + ".resources");
  } else {
    // Files written before models recorded their resources: those features
    // always read CPU and memory.
    m.info_.resources = kCpuMem;
  }
  if (field("features") != nlohmann::json(feature_names())) {
    throw InputError::field(where + ".features",
                            "the model was trained on a different feature set than this build computes; "
                            "retrain it with `fleetopt train fireplace`");
  }
  if (field("windows") != nlohmann::json(kWindows)) {
    throw InputError::field(where + ".windows", "the model was trained with different history windows");
  }
  const auto& acc = field("validation_accuracy");
  if (!acc.is_number()) throw InputError::field(where + ".validation_accuracy", "expected a number");
  m.info_.validation_accuracy = acc.get<double>();
  if (doc.contains("training")) m.info_.training = doc.at("training");
  m.trees_ = ml::TreeEnsemble::from_xgboost_json(field("xgboost"), where + ".xgboost");
  if (m.trees_.num_features() != kNumFeatures) {
    throw InputError::field(where + ".xgboost", fmt::format("the ensemble reads {} features, expected {}",
                                                            m.trees_.num_features(), kNumFeatures));
  }
  return m;
}

FirePlaceModel FirePlaceModel::load(const std::string& path) {
  return from_json(read_json_file(path), path);
}

std::shared_ptr<const FirePlaceModel> FirePlaceModel::load_shared(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::filesystem::file_time_type>,
                  std::shared_ptr<const FirePlaceModel>> cache;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot open FirePlace model: {}", path, ec.message()));
  std::lock_guard lock(mutex);
  auto& slot = cache[{path, mtime}];
  if (!slot) slot = std::make_shared<const FirePlaceModel>(load(path));
  return slot;
}

void FirePlaceModel::check_workload(const Workload& workload) const {
  const DimMask missing = info_.resources & static_cast<DimMask>(~usage_resources(workload));
  if (missing == 0) return;
  throw InputError(fmt::format(
      "{}: the model was trained with {} usage features (\"resources\": [\"{}\"]), but workload '{}' stores "
      "no {} usage (a CPU-only trace uses memory at its request, which its reader may invent); use a model "
      "trained on CPU-only workloads (`fleetopt train fireplace` on one)",
      source_, fmt::join(resource_names(missing), "+"), fmt::join(resource_names(info_.resources), "\", \""),
      workload.name, fmt::join(resource_names(missing), "+")));
}

std::size_t FirePlaceModel::best(const float* rows, std::size_t k) const {
  // The rows are scored a chunk at a time: margins() walks rows together.
  constexpr std::size_t kChunk = 64;
  std::array<float, kChunk> scores;
  std::size_t best = 0;
  float best_score = 0;
  for (std::size_t first = 0; first < k; first += kChunk) {
    const std::size_t n = std::min(kChunk, k - first);
    trees_.margins(rows + first * kNumFeatures, n, kNumFeatures, scores.data());
    for (std::size_t c = 0; c < n; ++c) {
      const float s = (regret_ ? -scores[c] : scores[c]);
      if (first + c == 0 || s > best_score) {
        best = first + c;
        best_score = s;
      }
    }
  }
  return best;
}

}  // namespace fleetopt::fireplace
