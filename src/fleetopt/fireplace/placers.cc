#include "fleetopt/fireplace/placers.h"

#include "fleetopt/placement/candidates.h"

namespace fleetopt::fireplace {

std::int32_t HindsightPlacer::choose(const PlacementContext& ctx, Rng& rng) {
  sample_feasible_hosts(ctx.cluster, ctx.request, k_, rng, candidates_);
  if (candidates_.empty()) return kNoHost;
  std::int32_t host = candidates_.front();
  if (candidates_.size() > 1) {
    host = candidates_[teacher_.pick(ctx.cluster, ctx.workload, ctx.vm, ctx.step, candidates_, scores_)];
  }
  teacher_.placed(ctx.workload, ctx.vm, host, ctx.step);
  return host;
}

FirePlacePlacer::FirePlacePlacer(std::string name, std::shared_ptr<const FirePlaceModel> model, int candidates)
    : name_(std::move(name)), model_(std::move(model)), k_(candidates), features_(model_->info().resources) {
  candidates_.reserve(static_cast<std::size_t>(k_));
  rows_.reserve(static_cast<std::size_t>(k_) * kNumFeatures);
}

std::int32_t FirePlacePlacer::choose(const PlacementContext& ctx, Rng& rng) {
  // The workload is first seen here; a model whose features read a resource
  // the workload does not store is refused (InputError) before deciding.
  if (checked_ != &ctx.workload) {
    model_->check_workload(ctx.workload);
    checked_ = &ctx.workload;
  }
  sample_feasible_hosts(ctx.cluster, ctx.request, k_, rng, candidates_);
  if (candidates_.empty()) return kNoHost;
  if (candidates_.size() == 1) return candidates_.front();
  features_.build(ctx, candidates_, rows_);
  return candidates_[model_->best(rows_.data(), candidates_.size())];
}

}  // namespace fleetopt::fireplace
