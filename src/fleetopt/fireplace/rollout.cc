#include "fleetopt/fireplace/rollout.h"

#include <limits>

#include "fleetopt/fireplace/teacher.h"
#include "fleetopt/placement/candidates.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/placement/scoring.h"

namespace fleetopt::fireplace {
namespace {

class RecordingPlacer final : public Placer {
 public:
  RecordingPlacer(const RolloutOptions& options, Dataset& out)
      : options_(options), out_(out), features_(options.resources) {}

  int history_steps() const override { return kHistorySteps; }
  HistoryWindows history_windows() const override { return feature_history_windows(); }
  std::string name() const override { return options_.actor ? "fireplace-dagger" : "hindsight-recorder"; }

  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override {
    sample_feasible_hosts(ctx.cluster, ctx.request, options_.candidates, rng, candidates_);
    if (candidates_.empty()) return kNoHost;
    if (candidates_.size() == 1) {
      teacher_.placed(ctx.workload, ctx.vm, candidates_.front(), ctx.step);
      return candidates_.front();
    }
    features_.build(ctx, candidates_, rows_);
    std::size_t pick = teacher_.pick(ctx.cluster, ctx.workload, ctx.vm, ctx.step, candidates_, scores_);

    Decision d;
    d.first_row = static_cast<std::uint32_t>(out_.labels.size());
    d.count = static_cast<std::uint16_t>(candidates_.size());
    d.teacher_pick = static_cast<std::uint16_t>(pick);
    d.p2_pick = static_cast<std::uint16_t>(least_loaded(ctx));
    d.vm = ctx.vm;
    d.validation = static_cast<std::size_t>(ctx.vm) >= options_.validation_from_vm;
    for (std::size_t c = 0; c < candidates_.size(); ++c) {
      d.informative = d.informative || !same_score(scores_[c], scores_[pick]);
      out_.labels.push_back(same_score(scores_[c], scores_[pick]) ? 1.f : 0.f);
      out_.teacher_scores.push_back(scores_[c]);
    }
    out_.rows.insert(out_.rows.end(), rows_.begin(), rows_.end());
    out_.decisions.push_back(d);

    if (options_.actor != nullptr) pick = options_.actor->best(rows_.data(), candidates_.size());
    teacher_.placed(ctx.workload, ctx.vm, candidates_[pick], ctx.step);
    return candidates_[pick];
  }

 private:
  // The power-of-K rule on the same candidates: most room left by usage.
  std::size_t least_loaded(const PlacementContext& ctx) const {
    std::size_t best = 0;
    double best_score = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < candidates_.size(); ++c) {
      Resources load = normalised_load(ctx.cluster, candidates_[c], LoadBasis::kUsage);
      Resources req = normalised_request(ctx.cluster, candidates_[c], ctx.request);
      double s = heuristic_score(Heuristic::kWorstFit, load, req, ctx.cluster.dims());
      if (s > best_score) {
        best = c;
        best_score = s;
      }
    }
    return best;
  }

  const RolloutOptions& options_;
  Dataset& out_;
  FeatureBuilder features_;
  IncrementalTeacher teacher_;
  std::vector<std::int32_t> candidates_;
  std::vector<float> rows_;
  std::vector<double> scores_;
};

}  // namespace

void Dataset::append(const Dataset& other) {
  const auto offset = static_cast<std::uint32_t>(labels.size());
  rows.insert(rows.end(), other.rows.begin(), other.rows.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
  teacher_scores.insert(teacher_scores.end(), other.teacher_scores.begin(), other.teacher_scores.end());
  for (Decision d : other.decisions) {
    d.first_row += offset;
    decisions.push_back(d);
  }
}

SimMetrics collect_rollout(const Workload& workload, const SimConfig& config, const RolloutOptions& options,
                           Dataset& out) {
  RecordingPlacer placer(options, out);
  SimConfig c = config;
  c.record_latency = false;
  return simulate(workload, placer, c);
}

}  // namespace fleetopt::fireplace
