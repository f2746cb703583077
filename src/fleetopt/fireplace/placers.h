// The two placement policies of FirePlace: the hindsight teacher as an
// offline policy (it reads the future; an upper reference, not deployable),
// and the learned policy that scores K sampled candidates with a trained
// model. Both sample candidates with sample_feasible_hosts and the
// simulation's rng, exactly as power-of-K does, so on one seed all three see
// the same first candidates.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fleetopt/fireplace/features.h"
#include "fleetopt/fireplace/model.h"
#include "fleetopt/fireplace/teacher.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::fireplace {

class HindsightPlacer final : public Placer {
 public:
  HindsightPlacer(std::string name, int candidates) : name_(std::move(name)), k_(candidates) {}
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  std::string name() const override { return name_; }

 private:
  std::string name_;
  int k_;
  IncrementalTeacher teacher_;
  std::vector<std::int32_t> candidates_;
  std::vector<double> scores_;
};

class FirePlacePlacer final : public Placer {
 public:
  FirePlacePlacer(std::string name, std::shared_ptr<const FirePlaceModel> model, int candidates);
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  int history_steps() const override { return kHistorySteps; }
  HistoryWindows history_windows() const override { return feature_history_windows(); }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  std::shared_ptr<const FirePlaceModel> model_;
  int k_;
  FeatureBuilder features_;
  const Workload* checked_ = nullptr;  // the workload last checked against the model's resources
  std::vector<std::int32_t> candidates_;
  std::vector<float> rows_;
};

}  // namespace fleetopt::fireplace
