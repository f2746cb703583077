// The classic placement policies, one configurable class: a heuristic score,
// a load basis (requests or observed usage), and a candidate set (all hosts
// or K sampled ones).
#pragma once

#include <string>
#include <vector>

#include "fleetopt/placement/placer.h"
#include "fleetopt/placement/scoring.h"

namespace fleetopt {

struct HeuristicOptions {
  Heuristic heuristic = Heuristic::kFirstFit;
  LoadBasis basis = LoadBasis::kRequests;
  int candidates = 0;  // 0: all hosts; K > 0: K feasible hosts sampled at random
};

class HeuristicPlacer final : public Placer {
 public:
  HeuristicPlacer(std::string name, HeuristicOptions options)
      : name_(std::move(name)), options_(options) {}
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override;
  std::string name() const override { return name_; }

 private:
  std::string name_;
  HeuristicOptions options_;
  std::vector<std::int32_t> candidates_;  // reused: no allocation per decision
};

}  // namespace fleetopt
