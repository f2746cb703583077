// The constrained bandit of Huang et al. (NetSoft 2025) and its greedy
// relatives: count what was seen, turn the counts into LP coefficients, solve
// the placement LP, and draw each arrival's node from its class's row.
//
//   base    KL-UCB bounds and an LP solve at every slot with an arrival. The
//           objective takes lower bounds on costs and arrival rates
//           (optimism); the constraints take upper bounds on each class's
//           expected use of each node per slot, arrival rate times demand
//           (pessimism, so nodes stay within capacity with high probability).
//           With DemandFeedback::kAllNodes that use is estimated directly from
//           all t slots (as the paper's code does); with kChosenNode as an
//           upper bound on the rate times an upper bound on the demand.
//   fast    the same bounds, but bounds and LP only at update times
//           t = N*M + round(rho^k) and every `period` slots, after a uniform
//           warm-up of N*M slots, with forced exploration: every x_ij is
//           kept at or above explore * (1 - t/T) / N. The paper raises small
//           entries after the solve and renormalises; here the floor is a
//           bound inside the LP, so the explored placements count against the
//           capacities too (raising after the solve overloaded nodes by 15%
//           on a tight instance). If the floor does not fit, it is dropped
//           for that solve.
//   greedy  plain empirical means (0.5 before the first sample) instead of
//           bounds; LP at every slot after the warm-up.
//   epsilon greedy, with a share epsilon of arrivals placed uniformly.
//
// While the LP on the current coefficients is infeasible (possible only
// without the reject node) arrivals are placed uniformly at random, which is
// also what tightens the bounds until it becomes feasible.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetopt/faas/algorithm.h"

namespace fleetopt::faas {

struct LpLearnerConfig {
  bool confidence_bounds = true;  // KL-UCB bounds, else plain means
  DemandFeedback demand_feedback = DemandFeedback::kAllNodes;
  bool solve_every_slot = true;  // else the fast schedule
  double rho = 1.05;
  std::int64_t period = 1000;
  std::int64_t warmup = 0;
  double explore = 0;  // share of each class's placements kept for exploration
  double epsilon = 0;
  std::int64_t horizon = 0;
  RejectOption reject;
};

class LpLearner : public PlacementAlgorithm {
 public:
  // capacity: [N*K], the only property of the instance a learner is told.
  LpLearner(int nodes, int classes, int resources, std::vector<double> capacity,
            const LpLearnerConfig& config);

  int decide(std::int64_t t, int arrival, Rng& rng) override;
  void learn(int i, int column, double cost, const double* demand) override;
  const PolicyTable& policy() const override { return policy_; }
  std::uint64_t policy_version() const override { return version_; }
  // Policy updates (an LP solve each; a dropped exploration floor costs a
  // second simplex run, counted in PlacementLp::solves() only).
  std::int64_t lp_solves() const override { return updates_; }
  std::int64_t lp_infeasible() const override { return infeasible_; }

  // The LP coefficients of the latest solve (for tests).
  const std::vector<double>& rate_coefficients() const { return rate_coef_; }
  const std::vector<double>& load_coefficients() const { return load_coef_; }
  const std::vector<double>& cost_coefficients() const { return cost_coef_; }
  const std::vector<double>& demand_coefficients() const { return demand_coef_; }

 private:
  bool update_due(std::int64_t t);
  void resolve(std::int64_t t);
  void compute_coefficients(std::int64_t t);

  int nodes_, classes_, resources_;
  std::vector<double> capacity_;
  LpLearnerConfig config_;

  // Statistics: slots seen, arrivals per class, cost samples and sums per
  // pair, resource use summed per (pair, resource) over the slots in which
  // it was observed (all arrivals of the class, or only its placements there).
  std::int64_t slots_ = 0;
  std::vector<double> arrivals_;    // [M]
  std::vector<double> samples_;     // [M*N]
  std::vector<double> cost_sum_;    // [M*N]
  std::vector<double> demand_sum_;  // [M*N*K]

  std::vector<double> rate_coef_, load_coef_, cost_coef_, demand_coef_;
  PlacementLp lp_;
  PolicyTable policy_;
  std::uint64_t version_ = 0;
  bool warm_up_policy_set_ = false;
  bool solved_once_ = false;
  std::int64_t infeasible_ = 0;
  std::int64_t updates_ = 0;
  int next_power_ = 0;               // k of the next geometric update time
  std::int64_t next_geometric_ = 0;  // N*M + round(rho^k)
};

}  // namespace fleetopt::faas
