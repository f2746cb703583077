// The placement algorithm interface: one decision per arrival, one feedback
// per placement. Algorithms are made by name (make_algorithm), so the
// simulator, the benchmarks and the command line share one code path.
//
// Learners see only what a real scheduler would: the sizes, the capacities,
// the reject option and their own feedback. Only "oracle" reads the true
// means.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/faas/placement_lp.h"
#include "fleetopt/faas/policy_table.h"

namespace fleetopt::faas {

struct Instance;

// What a learner sees of an arriving function's resource use.
enum class DemandFeedback {
  // Its use on every node is revealed at arrival (the function declares its
  // request, as in the paper's model and code): per (class, node, resource)
  // the learner estimates the use per slot, arrival rate times demand, from
  // all t slots.
  kAllNodes,
  // Only the use on the node it was placed on (semi-bandit): the learner
  // bounds arrival rate and demand separately, demand from the pair's own
  // samples. Stricter, slower to learn.
  kChosenNode,
};

struct AlgorithmOptions {
  std::int64_t horizon = 0;  // T; fast's forced exploration fades as 1 - t/T
  RejectOption reject;
  DemandFeedback demand_feedback = DemandFeedback::kAllNodes;
  // fast: update times t = N*M + round(rho^k) for k = 0, 1, ... and every
  // `period` slots (0: geometric schedule only); uniform warm-up for the
  // first `warmup` slots (-1: N*M); forced exploration keeps every x_ij at
  // or above explore * (1 - t/T) / N (explore 0.1 at N = 10 is the paper's
  // 0.01 per entry).
  double rho = 1.05;
  std::int64_t period = 1000;
  std::int64_t warmup = -1;
  double explore = 0.1;
  // epsilon-greedy: share of arrivals placed uniformly at random.
  double epsilon = 0.05;
};

class PlacementAlgorithm {
 public:
  virtual ~PlacementAlgorithm() = default;
  // Slot t = 1, 2, ...: `arrival` is the class that arrived, or -1 when the
  // slot is empty. Returns the column chosen (a node j < N, or N for the
  // reject node), or -1 for an empty slot.
  virtual int decide(std::int64_t t, int arrival, Rng& rng) = 0;
  // Feedback for each arrival of class i placed in `column` (N: rejected):
  // its realised cost (meaningless when rejected) and its realised resource
  // use on every node, demand[j*K + k]; use on nodes other than the chosen
  // one was not consumed, only revealed (see DemandFeedback).
  virtual void learn(int i, int column, double cost, const double* demand) = 0;
  // The placement distribution behind the latest decision.
  virtual const PolicyTable& policy() const = 0;
  // Changes whenever policy() changes, so metrics recompute only then.
  virtual std::uint64_t policy_version() const = 0;
  virtual std::int64_t lp_solves() const { return 0; }
  virtual std::int64_t lp_infeasible() const { return 0; }
};

// Names: base, fast, greedy, epsilon, random, oracle. Throws InputError for
// an unknown name, bad options, or (oracle) an infeasible instance.
std::unique_ptr<PlacementAlgorithm> make_algorithm(const std::string& name,
                                                   const Instance& instance,
                                                   const AlgorithmOptions& options);
const std::vector<std::string>& algorithm_names();

}  // namespace fleetopt::faas
