#include "fleetopt/faas/policy_table.h"

#include <algorithm>

#include "fleetopt/faas/instance.h"

namespace fleetopt::faas {

PolicyTable::PolicyTable(int classes, int columns)
    : classes_(classes),
      columns_(columns),
      probability_(static_cast<std::size_t>(classes) * static_cast<std::size_t>(columns), 0.0),
      cumulative_(probability_.size(), 0.0) {}

void PolicyTable::set_uniform(int real_nodes) {
  for (int i = 0; i < classes_; ++i) {
    double* p = row(i);
    for (int j = 0; j < columns_; ++j) p[j] = j < real_nodes ? 1.0 / real_nodes : 0.0;
  }
  finalize(real_nodes);
}

void PolicyTable::finalize(int real_nodes) {
  for (int i = 0; i < classes_; ++i) {
    double* p = row(i);
    double total = 0;
    for (int j = 0; j < columns_; ++j) {
      p[j] = p[j] >= 0 ? std::min(p[j], 1.0) : 0.0;  // NaN and negatives from the solver become 0
      total += p[j];
    }
    if (!(total > 0)) {
      for (int j = 0; j < columns_; ++j) p[j] = j < real_nodes ? 1.0 / real_nodes : 0.0;
      total = 1;
    }
    double* c = cumulative_.data() + offset(i);
    double running = 0;
    for (int j = 0; j < columns_; ++j) {
      p[j] /= total;
      running += p[j];
      c[j] = running;
    }
    // Draws must always land: the last column with mass closes the row at 1.
    for (int j = columns_ - 1; j >= 0; --j) {
      c[j] = 1.0;
      if (p[j] > 0) break;
    }
  }
}

void PolicyTable::mix_uniform(double weight, int real_nodes) {
  weight = std::clamp(weight, 0.0, 1.0);
  for (int i = 0; i < classes_; ++i) {
    double* p = row(i);
    for (int j = 0; j < columns_; ++j) {
      p[j] = (1 - weight) * p[j] + (j < real_nodes ? weight / real_nodes : 0.0);
    }
  }
  finalize(real_nodes);
}

int PolicyTable::draw(int i, double u) const {
  const double* c = cumulative_.data() + offset(i);
  // First column whose cumulative probability exceeds u; columns with zero
  // mass share their predecessor's cumulative value and are never chosen.
  const double* hit = std::upper_bound(c, c + columns_, u);
  if (hit == c + columns_) --hit;
  return static_cast<int>(hit - c);
}

double PolicyTable::expected_cost(const Instance& instance, double reject_cost) const {
  double total = 0;
  for (int i = 0; i < classes_; ++i) {
    const double* p = row(i);
    double row_cost = 0;
    for (int j = 0; j < instance.nodes; ++j) row_cost += p[j] * instance.cost_of(i, j);
    for (int j = instance.nodes; j < columns_; ++j) row_cost += p[j] * reject_cost;
    total += instance.arrival[static_cast<std::size_t>(i)] * row_cost;
  }
  return total;
}

double PolicyTable::expected_use(const Instance& instance, int node, int resource) const {
  double total = 0;
  for (int i = 0; i < classes_; ++i) {
    total += instance.arrival[static_cast<std::size_t>(i)] * at(i, node) *
             instance.demand_of(i, node, resource);
  }
  return total;
}

}  // namespace fleetopt::faas
