#include "fleetopt/fireplace/ranker.h"

#include <array>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/output_file.h"

namespace fleetopt::fireplace {
namespace {

constexpr const char* kFormat = "fleetopt-fireplace-ranker";
constexpr int kVersion = 1;

DimMask parse_resources(const nlohmann::json& value, const std::string& where) {
  if (value == nlohmann::json({"cpu"})) return dim_bit(kCpu);
  if (value == nlohmann::json({"cpu", "mem"})) return kCpuMem;
  throw InputError::field(where, "expected [\"cpu\"] or [\"cpu\", \"mem\"]");
}

}  // namespace

nlohmann::json RankerModel::to_json(const RankerInfo& info, const nlohmann::json& xgboost_model) {
  return {{"format", kFormat},
          {"version", kVersion},
          {"objective", "rank:pairwise"},
          {"candidate_set", info.candidates.describe()},
          {"resources", resource_names(info.resources)},
          {"features", feature_names()},
          {"windows", kWindows},
          {"validation_accuracy", info.validation_accuracy},
          {"training", info.training},
          {"xgboost", xgboost_model}};
}

void RankerModel::save(const std::string& path, const RankerInfo& info, const nlohmann::json& xgboost_model) {
  write_file_atomically(path, to_json(info, xgboost_model).dump());
}

RankerModel RankerModel::from_json(const nlohmann::json& doc, const std::string& where) {
  auto field = [&](const char* key) -> const nlohmann::json& {
    if (!doc.is_object() || !doc.contains(key)) throw InputError::field(where + "." + key, "missing");
    return doc.at(key);
  };
  if (field("format") != kFormat) {
    throw InputError::field(where + ".format", fmt::format("expected \"{}\" (a `fleetopt train-ranker` model; "
                                                           "pointwise models are for `fireplace:`)", kFormat));
  }
  if (field("version") != kVersion) {
    throw InputError::field(where + ".version", fmt::format("unsupported (this build reads {})", kVersion));
  }
  if (field("features") != nlohmann::json(feature_names())) {
    throw InputError::field(where + ".features", "the ranker was trained on a different feature set than this "
                                                 "build computes; retrain it with `fleetopt train-ranker`");
  }
  if (field("windows") != nlohmann::json(kWindows)) {
    throw InputError::field(where + ".windows", "the ranker was trained with different history windows");
  }
  const auto& set = field("candidate_set");
  if (!set.is_string()) throw InputError::field(where + ".candidate_set", "expected a string");
  RankerModel m;
  m.info_.candidates = CandidateSet::parse(set.get<std::string>(), where + ".candidate_set");
  m.info_.resources = parse_resources(field("resources"), where + ".resources");
  m.source_ = where;
  const auto& acc = field("validation_accuracy");
  if (!acc.is_number()) throw InputError::field(where + ".validation_accuracy", "expected a number");
  m.info_.validation_accuracy = acc.get<double>();
  if (doc.contains("training")) m.info_.training = doc.at("training");

  // XGBoost's ranking objectives score with the identity link, like squared
  // error; TreeEnsemble knows the link by the objective's name, so the copy
  // it reads is renamed (the file keeps XGBoost's own model untouched).
  nlohmann::json trees = field("xgboost");
  const std::string obj_path = where + ".xgboost.learner.objective.name";
  nlohmann::json* obj = trees.is_object() && trees.contains("learner") && trees["learner"].contains("objective")
                        ? &trees["learner"]["objective"]
                        : nullptr;
  if (obj == nullptr || !obj->contains("name") || !(*obj)["name"].is_string() ||
      (*obj)["name"].get<std::string>().rfind("rank:", 0) != 0) {
    throw InputError::field(obj_path, "expected an XGBoost ranking objective (rank:pairwise)");
  }
  (*obj)["name"] = "reg:squarederror";
  m.trees_ = ml::TreeEnsemble::from_xgboost_json(trees, where + ".xgboost");
  if (m.trees_.num_features() != kNumFeatures) {
    throw InputError::field(where + ".xgboost", fmt::format("the ensemble reads {} features, expected {}",
                                                            m.trees_.num_features(), kNumFeatures));
  }
  return m;
}

RankerModel RankerModel::load(const std::string& path) { return from_json(read_json_file(path), path); }

std::shared_ptr<const RankerModel> RankerModel::load_shared(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::filesystem::file_time_type>, std::shared_ptr<const RankerModel>>
      cache;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot open ranker model: {}", path, ec.message()));
  std::lock_guard lock(mutex);
  auto& slot = cache[{path, mtime}];
  if (!slot) slot = std::make_shared<const RankerModel>(load(path));
  return slot;
}

std::size_t RankerModel::best(const float* rows, std::size_t k) const {
  // The rows are scored a chunk at a time: margins() walks rows together.
  constexpr std::size_t kChunk = 64;
  std::array<float, kChunk> scores;
  std::size_t best = 0;
  float best_score = 0;
  for (std::size_t first = 0; first < k; first += kChunk) {
    const std::size_t n = std::min(kChunk, k - first);
    trees_.margins(rows + first * kNumFeatures, n, kNumFeatures, scores.data());
    for (std::size_t c = 0; c < n; ++c) {
      const float s = scores[c];
      if (first + c == 0 || s > best_score) {
        best = first + c;
        best_score = s;
      }
    }
  }
  return best;
}

void RankerModel::check_workload(const Workload& workload) const {
  const DimMask missing = info_.resources & static_cast<DimMask>(~usage_resources(workload));
  if (missing == 0) return;
  throw InputError(fmt::format("{}: the ranker was trained with {} usage features, but workload '{}' stores no {} "
                               "usage; use a ranker trained on workloads without it",
                               source_, fmt::join(resource_names(missing), "+"), workload.name,
                               fmt::join(resource_names(missing), "+")));
}

RankerPlacer::RankerPlacer(std::string name, std::shared_ptr<const RankerModel> model, CandidateSet candidates)
    : name_(std::move(name)), model_(std::move(model)), set_(candidates), features_(model_->info().resources) {}

std::int32_t RankerPlacer::choose(const PlacementContext& ctx, Rng& rng) {
  if (checked_ != &ctx.workload) {
    model_->check_workload(ctx.workload);
    checked_ = &ctx.workload;
  }
  set_.fill(ctx.cluster, ctx.request, rng, candidates_);
  if (candidates_.empty()) return kNoHost;
  if (candidates_.size() == 1) return candidates_.front();
  features_.build(ctx, candidates_, rows_);
  return candidates_[model_->best(rows_.data(), candidates_.size())];
}

std::int32_t CandidateSetTeacher::choose(const PlacementContext& ctx, Rng& rng) {
  set_.fill(ctx.cluster, ctx.request, rng, candidates_);
  if (candidates_.empty()) return kNoHost;
  std::int32_t host = candidates_.front();
  if (candidates_.size() > 1) {
    host = candidates_[teacher_.pick(ctx.cluster, ctx.workload, ctx.vm, ctx.step, candidates_, scores_)];
  }
  teacher_.placed(ctx.workload, ctx.vm, host, ctx.step);
  return host;
}

}  // namespace fleetopt::fireplace
