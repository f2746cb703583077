// A function-placement instance (Huang et al., "Online Learning for Function
// Placement in Serverless Computing", NetSoft 2025): N nodes with a capacity
// per resource, M function classes. Each time slot at most one function
// arrives, of class i with probability arrival[i]; placing it on node j costs
// a Bernoulli(cost(i, j)) amount and consumes a Bernoulli(demand(i, j, k))
// amount of resource k. A node must keep its average use of resource k per
// slot within capacity(j, k).
//
// JSON form (DESIGN.md): {"nodes":N,"classes":M,"resources":K,
//   "arrival":[M], "cost":[M][N], "demand":[M][N][K], "capacity":[N][K]}
// plus an optional free-form "meta" object (how the instance was made).
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace fleetopt::faas {

// Sizes are bounded so a hostile file cannot ask for absurd allocations.
inline constexpr int kMaxNodes = 100000;
inline constexpr int kMaxClasses = 100000;
inline constexpr int kMaxResources = 64;
inline constexpr std::size_t kMaxInstanceEntries = 50'000'000;  // M * N * K

struct Instance {
  int nodes = 0;
  int classes = 0;
  int resources = 0;
  std::vector<double> arrival;   // [M]
  std::vector<double> cost;      // [M * N], row-major by class
  std::vector<double> demand;    // [(M * N) * K]
  std::vector<double> capacity;  // [N * K]

  double cost_of(int i, int j) const { return cost[index(i, j)]; }
  double demand_of(int i, int j, int k) const {
    return demand[index(i, j) * static_cast<std::size_t>(resources) + static_cast<std::size_t>(k)];
  }
  double capacity_of(int j, int k) const {
    return capacity[static_cast<std::size_t>(j) * static_cast<std::size_t>(resources) +
                    static_cast<std::size_t>(k)];
  }
  std::size_t index(int i, int j) const {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(nodes) +
           static_cast<std::size_t>(j);
  }
  // Probability that a slot sees no arrival.
  double idle_probability() const;
};

// Throws InputError naming the first offending field (e.g. "demand[2][1][0]").
void validate(const Instance& instance);

// `source` names the input in error messages (a file path, "request", ...).
Instance instance_from_json(const nlohmann::json& json, const std::string& source);
nlohmann::json instance_to_json(const Instance& instance, const nlohmann::json& meta);

// Reads and validates an instance file; errors name the file (and the line
// for malformed JSON).
Instance load_instance(const std::string& path);
void save_instance(const Instance& instance, const nlohmann::json& meta, const std::string& path);

}  // namespace fleetopt::faas
