#include "fleetopt/faas/instance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/output_file.h"

namespace fleetopt::faas {
namespace {

using nlohmann::json;

constexpr double kArrivalSumSlack = 1e-9;

InputError field_error(const std::string& source, const std::string& field,
                       const std::string& message) {
  return InputError::field(source.empty() ? field : fmt::format("{}: {}", source, field), message);
}

int read_size(const json& object, const char* key, int max, const std::string& source) {
  const json& value = object.at(key);
  if (!value.is_number_integer()) throw field_error(source, key, "must be an integer");
  const auto n = value.get<long long>();
  if (n < 1 || n > max) {
    throw field_error(source, key, fmt::format("must be in [1, {}], got {}", max, n));
  }
  return static_cast<int>(n);
}

const json& expect_array(const json& value, std::size_t size, const std::string& source,
                         const std::string& field) {
  if (!value.is_array()) throw field_error(source, field, "must be an array");
  if (value.size() != size) {
    throw field_error(source, field,
                      fmt::format("must have {} entries, got {}", size, value.size()));
  }
  return value;
}

double read_number(const json& value, const std::string& source, const std::string& field) {
  if (!value.is_number()) throw field_error(source, field, "must be a number");
  const double x = value.get<double>();
  if (!std::isfinite(x)) throw field_error(source, field, "must be finite");
  return x;
}

double read_probability(const json& value, const std::string& source, const std::string& field) {
  const double p = read_number(value, source, field);
  if (p < 0 || p > 1) throw field_error(source, field, fmt::format("must be in [0, 1], got {}", p));
  return p;
}

void check_probability(double p, const std::string& field) {
  if (!(p >= 0 && p <= 1))
    throw InputError::field(field, fmt::format("must be in [0, 1], got {}", p));
}

}  // namespace

double Instance::idle_probability() const {
  double total = 0;
  for (double p : arrival) total += p;
  return std::max(0.0, 1.0 - total);
}

void validate(const Instance& in) {
  if (in.nodes < 1 || in.nodes > kMaxNodes) throw InputError::field("nodes", "out of range");
  if (in.classes < 1 || in.classes > kMaxClasses)
    throw InputError::field("classes", "out of range");
  if (in.resources < 1 || in.resources > kMaxResources) {
    throw InputError::field("resources", "out of range");
  }
  const auto n = static_cast<std::size_t>(in.nodes);
  const auto m = static_cast<std::size_t>(in.classes);
  const auto k = static_cast<std::size_t>(in.resources);
  if (m * n * k > kMaxInstanceEntries) {
    throw InputError::field("classes", "nodes * classes * resources is too large");
  }
  if (in.arrival.size() != m) throw InputError::field("arrival", "wrong size");
  if (in.cost.size() != m * n) throw InputError::field("cost", "wrong size");
  if (in.demand.size() != m * n * k) throw InputError::field("demand", "wrong size");
  if (in.capacity.size() != n * k) throw InputError::field("capacity", "wrong size");
  double arrival_sum = 0;
  for (int i = 0; i < in.classes; ++i) {
    check_probability(in.arrival[static_cast<std::size_t>(i)], fmt::format("arrival[{}]", i));
    arrival_sum += in.arrival[static_cast<std::size_t>(i)];
    for (int j = 0; j < in.nodes; ++j) {
      check_probability(in.cost_of(i, j), fmt::format("cost[{}][{}]", i, j));
      for (int r = 0; r < in.resources; ++r) {
        check_probability(in.demand_of(i, j, r), fmt::format("demand[{}][{}][{}]", i, j, r));
      }
    }
  }
  if (arrival_sum > 1 + kArrivalSumSlack) {
    throw InputError::field("arrival", fmt::format("probabilities sum to {} > 1", arrival_sum));
  }
  if (arrival_sum <= 0) throw InputError::field("arrival", "no class ever arrives");
  for (int j = 0; j < in.nodes; ++j) {
    for (int r = 0; r < in.resources; ++r) {
      const double c = in.capacity_of(j, r);
      if (!(std::isfinite(c) && c > 0)) {
        throw InputError::field(fmt::format("capacity[{}][{}]", j, r),
                                fmt::format("must be finite and > 0, got {}", c));
      }
    }
  }
}

Instance instance_from_json(const json& root, const std::string& source) {
  if (!root.is_object()) throw field_error(source, "instance", "must be a JSON object");
  static const std::vector<std::string> kKeys = {"nodes", "classes", "resources", "arrival",
                                                 "cost",  "demand",  "capacity",  "meta"};
  for (const auto& [key, value] : root.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      throw field_error(source, key,
                        "unknown key (expected nodes, classes, resources, arrival, cost, demand, "
                        "capacity, meta)");
    }
  }
  for (const char* key :
       {"nodes", "classes", "resources", "arrival", "cost", "demand", "capacity"}) {
    if (!root.contains(key)) throw field_error(source, key, "missing");
  }
  if (root.contains("meta") && !root.at("meta").is_object()) {
    throw field_error(source, "meta", "must be an object");
  }

  Instance in;
  in.nodes = read_size(root, "nodes", kMaxNodes, source);
  in.classes = read_size(root, "classes", kMaxClasses, source);
  in.resources = read_size(root, "resources", kMaxResources, source);
  const auto n = static_cast<std::size_t>(in.nodes);
  const auto m = static_cast<std::size_t>(in.classes);
  const auto k = static_cast<std::size_t>(in.resources);
  if (m * n * k > kMaxInstanceEntries) {
    throw field_error(
        source, "classes",
        fmt::format("nodes * classes * resources = {} exceeds {}", m * n * k, kMaxInstanceEntries));
  }

  const json& arrival = expect_array(root.at("arrival"), m, source, "arrival");
  in.arrival.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    in.arrival[i] = read_probability(arrival[i], source, fmt::format("arrival[{}]", i));
  }

  const json& cost = expect_array(root.at("cost"), m, source, "cost");
  in.cost.resize(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    const json& row = expect_array(cost[i], n, source, fmt::format("cost[{}]", i));
    for (std::size_t j = 0; j < n; ++j) {
      in.cost[i * n + j] = read_probability(row[j], source, fmt::format("cost[{}][{}]", i, j));
    }
  }

  const json& demand = expect_array(root.at("demand"), m, source, "demand");
  in.demand.resize(m * n * k);
  for (std::size_t i = 0; i < m; ++i) {
    const json& row = expect_array(demand[i], n, source, fmt::format("demand[{}]", i));
    for (std::size_t j = 0; j < n; ++j) {
      const json& cell = expect_array(row[j], k, source, fmt::format("demand[{}][{}]", i, j));
      for (std::size_t r = 0; r < k; ++r) {
        in.demand[(i * n + j) * k + r] =
            read_probability(cell[r], source, fmt::format("demand[{}][{}][{}]", i, j, r));
      }
    }
  }

  const json& capacity = expect_array(root.at("capacity"), n, source, "capacity");
  in.capacity.resize(n * k);
  for (std::size_t j = 0; j < n; ++j) {
    const json& row = expect_array(capacity[j], k, source, fmt::format("capacity[{}]", j));
    for (std::size_t r = 0; r < k; ++r) {
      const std::string field = fmt::format("capacity[{}][{}]", j, r);
      const double c = read_number(row[r], source, field);
      if (!(c > 0)) throw field_error(source, field, fmt::format("must be > 0, got {}", c));
      in.capacity[j * k + r] = c;
    }
  }

  double arrival_sum = 0;
  for (double p : in.arrival) arrival_sum += p;
  if (arrival_sum > 1 + kArrivalSumSlack) {
    throw field_error(
        source, "arrival",
        fmt::format("probabilities sum to {} > 1 (at most one arrival per slot)", arrival_sum));
  }
  if (arrival_sum <= 0) throw field_error(source, "arrival", "all zero: no class ever arrives");
  return in;
}

json instance_to_json(const Instance& in, const json& meta) {
  json root;
  root["nodes"] = in.nodes;
  root["classes"] = in.classes;
  root["resources"] = in.resources;
  root["arrival"] = in.arrival;
  json cost = json::array();
  json demand = json::array();
  for (int i = 0; i < in.classes; ++i) {
    json cost_row = json::array();
    json demand_row = json::array();
    for (int j = 0; j < in.nodes; ++j) {
      cost_row.push_back(in.cost_of(i, j));
      json cell = json::array();
      for (int r = 0; r < in.resources; ++r) cell.push_back(in.demand_of(i, j, r));
      demand_row.push_back(std::move(cell));
    }
    cost.push_back(std::move(cost_row));
    demand.push_back(std::move(demand_row));
  }
  root["cost"] = std::move(cost);
  root["demand"] = std::move(demand);
  json capacity = json::array();
  for (int j = 0; j < in.nodes; ++j) {
    json row = json::array();
    for (int r = 0; r < in.resources; ++r) row.push_back(in.capacity_of(j, r));
    capacity.push_back(std::move(row));
  }
  root["capacity"] = std::move(capacity);
  if (!meta.is_null()) root["meta"] = meta;
  return root;
}

Instance load_instance(const std::string& path) { return instance_from_json(read_json_file(path), path); }

void save_instance(const Instance& instance, const json& meta, const std::string& path) {
  validate(instance);
  write_file_atomically(path, instance_to_json(instance, meta).dump(1) + "\n");
}

}  // namespace fleetopt::faas
