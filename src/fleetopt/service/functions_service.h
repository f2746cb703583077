// POST /v1/functions/decide and /v1/functions/feedback: the serverless
// bandit (faas/) run online. One algorithm object (fast by default: KL-UCB
// bounds + LP on a schedule) learns costs and resource use from the
// feedback clients send; each decide call is one slot with one arrival.
// Like the learners in `fleetopt bandit`, it sees only the nodes'
// capacities, the sizes and its feedback; the instance file's means are not
// read (the oracle, which would read them, is refused).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/faas/algorithm.h"
#include "fleetopt/faas/instance.h"

namespace fleetopt::service {

struct FunctionsConfig {
  std::string algorithm = "fast";
  std::int64_t horizon = 100000;  // T of the forced exploration's fade
  bool reject = false;            // a reject node with cost reject_cost
  double reject_cost = 1.0;
  std::uint64_t seed = 1;
};

class FunctionsService {
 public:
  // Throws InputError on an unknown algorithm or the oracle.
  FunctionsService(faas::Instance instance, const FunctionsConfig& config);

  struct Decision {
    std::int64_t slot = 0;
    int node = -1;  // -1: rejected
  };
  // Throws InputError::field("class", ...) for a class out of range.
  Decision decide(int cls);
  // node -1: the arrival was rejected. demand: use on every node, N x K
  // (flattened node-major). Throws InputError naming the field.
  void feedback(int cls, int node, double cost, const std::vector<double>& demand);

  int nodes() const { return instance_.nodes; }
  int classes() const { return instance_.classes; }
  int resources() const { return instance_.resources; }
  const std::string& algorithm() const { return config_.algorithm; }

 private:
  faas::Instance instance_;
  FunctionsConfig config_;
  std::unique_ptr<faas::PlacementAlgorithm> algo_;
  Rng rng_;
  std::mutex mu_;
  std::int64_t slot_ = 0;
};

}  // namespace fleetopt::service
