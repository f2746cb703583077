// A randomised placement policy: for each function class, a probability
// distribution over the columns (the N nodes, then the reject node when the
// problem has one). Draws use a cumulative table built once per change, so a
// decision costs one uniform number and a binary search.
#pragma once

#include <cstddef>
#include <vector>

namespace fleetopt::faas {

struct Instance;

class PolicyTable {
 public:
  PolicyTable() = default;
  PolicyTable(int classes, int columns);

  int classes() const { return classes_; }
  int columns() const { return columns_; }
  double at(int i, int j) const { return probability_[offset(i) + static_cast<std::size_t>(j)]; }
  double* row(int i) { return probability_.data() + offset(i); }
  const double* row(int i) const { return probability_.data() + offset(i); }

  // Every class spread evenly over the first `real_nodes` columns.
  void set_uniform(int real_nodes);
  // Clamps entries into [0, 1], renormalises each row (a row with no mass
  // becomes uniform over the real nodes) and rebuilds the draw table. Call
  // after writing rows directly.
  void finalize(int real_nodes);
  // Mixes in the uniform distribution over the real nodes with weight
  // `weight` (epsilon-greedy), then finalizes.
  void mix_uniform(double weight, int real_nodes);

  // Column for class i given u uniform in [0, 1).
  int draw(int i, double u) const;

  // Expected cost per slot and expected use of resource k on node j per slot
  // when every arrival is placed by this table, under the instance's true
  // means; the reject column costs reject_cost and uses nothing.
  double expected_cost(const Instance& instance, double reject_cost) const;
  double expected_use(const Instance& instance, int node, int resource) const;

 private:
  std::size_t offset(int i) const {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(columns_);
  }
  int classes_ = 0;
  int columns_ = 0;
  std::vector<double> probability_;  // [classes * columns]
  std::vector<double> cumulative_;   // [classes * columns], last entry of a row is 1
};

}  // namespace fleetopt::faas
