// The placement linear program of the oracle and of every learner:
//
//   minimise    sum_ij rate_i cost_ij x_ij  (+ sum_i rate_i reject_cost r_i)
//   subject to  sum_i load_i demand_ijk x_ij <= capacity_jk   for every node j, resource k
//               sum_j x_ij (+ r_i) = 1                            for every class i
//               x, r >= 0
//
// solved with COIN-OR CLP. rate and load are both the arrival probabilities
// for the oracle; a learner passes a lower bound as `rate` (optimistic cost)
// and an upper bound as `load` (pessimistic resource use). The optional reject node (column r_i)
// has infinite capacity and a known cost, so with it the program is always feasible.
//
// One PlacementLp keeps one ClpSimplex with a fixed sparsity pattern: a
// re-solve overwrites the coefficients in place and starts the simplex from
// the previous optimal basis (a warm start), which is what makes solving at
// every slot affordable.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace fleetopt::faas {

class PolicyTable;

struct RejectOption {
  bool enabled = false;
  double cost = 1.0;  // the largest Bernoulli cost: rejecting is never cheaper than placing
};

enum class LpStatus { kOptimal, kInfeasible, kFailed };

const char* to_string(LpStatus status);

class PlacementLp {
 public:
  PlacementLp(int nodes, int classes, int resources, RejectOption reject);
  ~PlacementLp();
  PlacementLp(const PlacementLp&) = delete;
  PlacementLp& operator=(const PlacementLp&) = delete;

  // Arrays are laid out as in Instance: rate[M], cost[M*N], load[M],
  // demand[(M*N)*K], capacity[N*K] (all capacities > 0). Allocates nothing
  // itself (CLP allocates its work areas inside each solve).
  //
  // explore_floor > 0 forces every x_ij (real nodes) to at least that much,
  // so forced exploration is itself held to the capacity constraints. When
  // the floor makes the program infeasible it is dropped and the program
  // solved again without it; explored() says whether the floor held.
  LpStatus solve(const double* rate, const double* cost, const double* load, const double* demand,
                 const double* capacity, double explore_floor = 0);
  bool explored() const { return explored_; }

  // Valid after kOptimal.
  double value() const;
  // Writes the solution into `policy` (classes x columns, then finalized).
  void copy_policy(PolicyTable& policy) const;

  int columns() const { return nodes_ + (reject_.enabled ? 1 : 0); }
  std::int64_t solves() const { return solves_; }
  std::int64_t simplex_iterations() const { return iterations_; }

 private:
  void build();
  int nodes_, classes_, resources_;
  RejectOption reject_;
  struct Clp;
  std::unique_ptr<Clp> clp_;
  // element_of_[(i*N + j)*K + k]: index of coefficient (row j*K+k, column
  // (i, j)) in CLP's packed matrix.
  std::vector<int> element_of_;
  LpStatus run_simplex();
  bool explored_ = false;
  std::int64_t solves_ = 0;
  std::int64_t iterations_ = 0;
};

}  // namespace fleetopt::faas
