#include "fleetopt/scaling/q_learning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::scaling {

QTable::QTable(int num_actions, double alpha, double discount)
    : num_actions_(num_actions), alpha_(alpha), discount_(discount) {
  if (num_actions < 1 || !(alpha > 0 && alpha <= 1) || !(discount >= 0 && discount <= 1)) {
    throw std::invalid_argument("QTable: needs num_actions >= 1, alpha in (0, 1], discount in [0, 1]");
  }
}

const QTable::Row* QTable::find(const std::string& state) const {
  auto it = rows_.find(state);
  return it == rows_.end() ? nullptr : &it->second;
}

void QTable::check_action(int action) const {
  if (action < 0 || action >= num_actions_) {
    throw std::out_of_range(fmt::format("QTable: action {} outside [0, {})", action, num_actions_));
  }
}

double QTable::value(const std::string& state, int action) const {
  check_action(action);
  const Row* row = find(state);
  return row ? row->q[static_cast<std::size_t>(action)] : 0.0;
}

int QTable::visits(const std::string& state, int action) const {
  check_action(action);
  const Row* row = find(state);
  return row ? row->n[static_cast<std::size_t>(action)] : 0;
}

void QTable::update(const std::string& state, int action, double reward, const std::string& next_state,
                    const std::vector<int>& next_actions) {
  check_action(action);
  double best_next = 0;
  if (!next_actions.empty()) {
    best_next = -std::numeric_limits<double>::infinity();
    for (int a : next_actions) best_next = std::max(best_next, value(next_state, a));
  }
  Row& row = rows_[state];
  if (row.q.empty()) {
    row.q.assign(static_cast<std::size_t>(num_actions_), 0.0);
    row.n.assign(static_cast<std::size_t>(num_actions_), 0);
  }
  double& q = row.q[static_cast<std::size_t>(action)];
  int& n = row.n[static_cast<std::size_t>(action)];
  const double target = reward + discount_ * best_next;
  // The first update takes the target whole: blending it with the arbitrary
  // initial 0 would make an action's value depend on how often it was tried
  // (with positive rewards the most-tried action would look best).
  q = n == 0 ? target : q + alpha_ * (target - q);
  ++n;
}

int QTable::explored(const std::string& state, const std::vector<int>& actions) const {
  const Row* row = find(state);
  if (!row) return 0;
  int count = 0;
  for (int a : actions) {
    check_action(a);
    count += row->n[static_cast<std::size_t>(a)] > 0 ? 1 : 0;
  }
  return count;
}

int QTable::greedy(const std::string& state, const std::vector<int>& actions, bool only_explored) const {
  const Row* row = find(state);
  int best = -1;
  double best_q = 0;
  for (int a : actions) {
    check_action(a);
    const auto i = static_cast<std::size_t>(a);
    if (only_explored && (!row || row->n[i] == 0)) continue;
    const double q = row ? row->q[i] : 0.0;
    if (best < 0 || q > best_q) {
      best = a;
      best_q = q;
    }
  }
  return best;
}

void QTable::best(const std::string& state, const std::vector<int>& actions, std::vector<int>& out) const {
  const Row* row = find(state);
  out.clear();
  double best_q = 0;
  for (int a : actions) {
    check_action(a);
    const double q = row ? row->q[static_cast<std::size_t>(a)] : 0.0;
    if (out.empty() || q > best_q) {
      out.assign(1, a);
      best_q = q;
    } else if (q == best_q) {
      out.push_back(a);
    }
  }
}

nlohmann::json QTable::to_json() const {
  // Sorted keys: the same table always writes the same file.
  std::vector<const std::string*> keys;
  for (const auto& [key, row] : rows_) keys.push_back(&key);
  std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  nlohmann::json states = nlohmann::json::object();
  for (const std::string* key : keys) {
    const Row& row = rows_.at(*key);
    states[*key] = {{"q", row.q}, {"n", row.n}};
  }
  return {{"num_actions", num_actions_}, {"states", std::move(states)}};
}

void QTable::load_json(const nlohmann::json& j) {
  const std::string where = "q_table";
  if (!j.is_object() || !j.contains("num_actions") || !j.contains("states") || !j["states"].is_object() ||
      !j["num_actions"].is_number_integer()) {
    throw InputError::field(where, "expected {\"num_actions\": N, \"states\": {...}}");
  }
  if (j["num_actions"].get<int>() != num_actions_) {
    throw InputError::field(where + ".num_actions", fmt::format("the table has {} actions; this policy has {}",
                                                                j["num_actions"].get<int>(), num_actions_));
  }
  std::unordered_map<std::string, Row> rows;
  for (const auto& [key, value] : j["states"].items()) {
    const std::string field = fmt::format("{}.states[{}]", where, key);
    if (!value.is_object() || !value.contains("q") || !value.contains("n") || !value["q"].is_array() ||
        !value["n"].is_array() || value["q"].size() != static_cast<std::size_t>(num_actions_) ||
        value["n"].size() != static_cast<std::size_t>(num_actions_)) {
      throw InputError::field(field, fmt::format("expected {{\"q\": [{0} numbers], \"n\": [{0} counts]}}",
                                                 num_actions_));
    }
    Row row;
    for (const auto& q : value["q"]) {
      if (!q.is_number() || !std::isfinite(q.get<double>())) throw InputError::field(field + ".q", "not a finite number");
      row.q.push_back(q.get<double>());
    }
    for (const auto& n : value["n"]) {
      if (!n.is_number_integer() || n.get<long long>() < 0 || n.get<long long>() > 2'000'000'000) {
        throw InputError::field(field + ".n", "not a visit count");
      }
      row.n.push_back(n.get<int>());
    }
    rows.emplace(key, std::move(row));
  }
  rows_ = std::move(rows);
}

}  // namespace fleetopt::scaling
