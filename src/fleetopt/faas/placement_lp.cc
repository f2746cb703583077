#include "fleetopt/faas/placement_lp.h"

#include <algorithm>
#include <coin/ClpFactorization.hpp>
#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <stdexcept>

#include "fleetopt/core/limits.h"
#include "fleetopt/faas/policy_table.h"

namespace fleetopt::faas {
namespace {

// CLP drops matrix elements below its small-element tolerance (1e-20) when a
// solve starts, which would shift the packed layout we write into. Keeping
// every coefficient at least this large pins the layout; it changes a node's
// modelled use by at most 1e-12 of its capacity.
constexpr double kMinCoefficient = 1e-12;

}  // namespace

const char* to_string(LpStatus status) {
  switch (status) {
    case LpStatus::kOptimal:
      return "optimal";
    case LpStatus::kInfeasible:
      return "infeasible";
    case LpStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

struct PlacementLp::Clp {
  ClpSimplex model;
  int elements = 0;
};

PlacementLp::PlacementLp(int nodes, int classes, int resources, RejectOption reject)
    : nodes_(nodes), classes_(classes), resources_(resources), reject_(reject) {
  if (nodes < 1 || classes < 1 || resources < 1) {
    throw std::invalid_argument("PlacementLp: sizes must be positive");
  }
  // Every LP goes through here, so this one check covers every front end: CLP
  // asserts on NaN, infinite or huge (>= 1e25) objective coefficients.
  if (reject_.enabled) limits::check_range(reject_.cost, 0, limits::kMaxCost, "--reject-cost");
  build();
}

PlacementLp::~PlacementLp() = default;

// Columns are class-major, (i, j) at i * columns() + j with the reject node
// last in each class, so CLP's solution vector is already the policy table.
// Rows: node capacities first (row j*K + k, scaled by 1/capacity so every
// right-hand side is 1), then one assignment row per class.
void PlacementLp::build() {
  clp_ = std::make_unique<Clp>();
  const int columns = this->columns();
  const int column_count = classes_ * columns;
  const int capacity_rows = nodes_ * resources_;
  const int row_count = capacity_rows + classes_;

  std::vector<CoinBigIndex> starts;
  std::vector<int> rows;
  std::vector<double> values;
  starts.reserve(static_cast<std::size_t>(column_count) + 1);
  for (int i = 0; i < classes_; ++i) {
    for (int j = 0; j < columns; ++j) {
      starts.push_back(static_cast<CoinBigIndex>(rows.size()));
      if (j < nodes_) {
        for (int k = 0; k < resources_; ++k) {
          rows.push_back(j * resources_ + k);
          values.push_back(1.0);
        }
      }
      rows.push_back(capacity_rows + i);
      values.push_back(1.0);
    }
  }
  starts.push_back(static_cast<CoinBigIndex>(rows.size()));

  std::vector<double> column_lower(static_cast<std::size_t>(column_count), 0.0);
  std::vector<double> column_upper(static_cast<std::size_t>(column_count), COIN_DBL_MAX);
  std::vector<double> objective(static_cast<std::size_t>(column_count), 0.0);
  std::vector<double> row_lower(static_cast<std::size_t>(row_count), -COIN_DBL_MAX);
  std::vector<double> row_upper(static_cast<std::size_t>(row_count), 1.0);
  for (int i = 0; i < classes_; ++i) row_lower[static_cast<std::size_t>(capacity_rows + i)] = 1.0;

  ClpSimplex& model = clp_->model;
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.loadProblem(column_count, row_count, starts.data(), rows.data(), values.data(),
                    column_lower.data(), column_upper.data(), objective.data(), row_lower.data(),
                    row_upper.data());
  // The coefficients are all of similar size (probabilities over capacities),
  // so scaling buys nothing and would cost a pass over the matrix per solve.
  model.scaling(0);
  // CLP's default factorization frees and reallocates its areas on every
  // solve; at one solve per slot glibc then trims and regrows the heap each
  // time (half the run time went to brk). The OSL factorization keeps its
  // areas and is also the quicker one on these small, sparse bases.
  model.factorization()->forceOtherFactorization(3);

  // Locate each capacity coefficient in CLP's own copy of the matrix.
  const CoinPackedMatrix* matrix = model.matrix();
  const CoinBigIndex* column_start = matrix->getVectorStarts();
  const int* column_length = matrix->getVectorLengths();
  const int* row_index = matrix->getIndices();
  element_of_.assign(static_cast<std::size_t>(classes_) * static_cast<std::size_t>(nodes_) *
                         static_cast<std::size_t>(resources_),
                     -1);
  for (int i = 0; i < classes_; ++i) {
    for (int j = 0; j < nodes_; ++j) {
      const int column = i * columns + j;
      for (CoinBigIndex e = column_start[column]; e < column_start[column] + column_length[column];
           ++e) {
        const int row = row_index[e];
        if (row < capacity_rows) {
          const auto slot = (static_cast<std::size_t>(i) * static_cast<std::size_t>(nodes_) +
                             static_cast<std::size_t>(j)) *
                                static_cast<std::size_t>(resources_) +
                            static_cast<std::size_t>(row % resources_);
          element_of_[slot] = static_cast<int>(e);
        }
      }
    }
  }
  if (std::find(element_of_.begin(), element_of_.end(), -1) != element_of_.end()) {
    throw std::logic_error("PlacementLp: CLP did not keep the matrix layout");
  }
  clp_->elements = static_cast<int>(matrix->getNumElements());
}

LpStatus PlacementLp::solve(const double* rate, const double* cost, const double* load,
                            const double* demand, const double* capacity, double explore_floor) {
  ClpSimplex& model = clp_->model;
  if (model.matrix()->getNumElements() != clp_->elements) build();  // layout lost: start over

  double* elements = model.matrix()->getMutableElements();
  double* objective = model.objective();
  const int columns = this->columns();
  const auto n = static_cast<std::size_t>(nodes_);
  const auto k_count = static_cast<std::size_t>(resources_);
  for (int i = 0; i < classes_; ++i) {
    for (int j = 0; j < nodes_; ++j) {
      const std::size_t pair = static_cast<std::size_t>(i) * n + static_cast<std::size_t>(j);
      objective[i * columns + j] = rate[i] * cost[pair];
      for (std::size_t k = 0; k < k_count; ++k) {
        const double use = load[i] * demand[pair * k_count + k] /
                           capacity[static_cast<std::size_t>(j) * k_count + k];
        elements[element_of_[pair * k_count + k]] = std::max(use, kMinCoefficient);
      }
    }
    if (reject_.enabled) objective[i * columns + nodes_] = rate[i] * reject_.cost;
  }

  // Exploration floor on the real-node columns (the reject column stays free).
  double* column_lower = model.columnLower();
  const double floor = std::clamp(explore_floor, 0.0, 1.0 / nodes_);
  for (int i = 0; i < classes_; ++i) {
    std::fill(column_lower + i * columns, column_lower + i * columns + nodes_, floor);
  }
  explored_ = floor > 0;
  LpStatus status = run_simplex();
  if (status == LpStatus::kInfeasible && explored_) {
    for (int i = 0; i < classes_; ++i) {
      std::fill(column_lower + i * columns, column_lower + i * columns + nodes_, 0.0);
    }
    explored_ = false;
    status = run_simplex();
  }
  return status;
}

LpStatus PlacementLp::run_simplex() {
  ClpSimplex& model = clp_->model;
  // Warm start: CLP begins from the status arrays the previous solve left.
  // The dual simplex suits this well: changed costs and coefficients usually
  // leave the old basis nearly optimal. startFinishOptions 1 keeps the work
  // areas between solves; whatsChanged 0 still makes CLP reload every
  // coefficient and bound we overwrote.
  ++solves_;
  model.setWhatsChanged(0);
  model.dual(0, 1);
  int status = model.status();
  iterations_ += model.numberIterations();
  if (status != 0 && status != 1) {
    // Numerical trouble from the old basis: retry once from scratch.
    model.allSlackBasis(true);
    model.primal();
    status = model.status();
    iterations_ += model.numberIterations();
  }
  if (status == 0) return LpStatus::kOptimal;
  if (status == 1) return LpStatus::kInfeasible;
  return LpStatus::kFailed;
}

double PlacementLp::value() const { return clp_->model.objectiveValue(); }

void PlacementLp::copy_policy(PolicyTable& policy) const {
  const double* solution = clp_->model.primalColumnSolution();
  const int columns = this->columns();
  for (int i = 0; i < classes_; ++i) {
    std::copy(solution + i * columns, solution + (i + 1) * columns, policy.row(i));
  }
  policy.finalize(nodes_);
}

}  // namespace fleetopt::faas
