// Tabular Q-learning, the core of the vscale autoscalers (vscale.cc): a
// sparse table of action values per state, states named by strings (only
// the visited ones are stored), actions by dense indices 0..num_actions-1.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetopt::scaling {

class QTable {
 public:
  QTable(int num_actions, double alpha, double discount);

  int num_actions() const { return num_actions_; }
  // Q(s, a); 0 for a pair never updated.
  double value(const std::string& state, int action) const;
  // How many times Q(s, a) was updated.
  int visits(const std::string& state, int action) const;
  // One Q-learning step (Watkins):
  //   Q(s,a) <- Q(s,a) + alpha * (r + discount * max_{a' in next_actions} Q(s',a') - Q(s,a)).
  // next_actions empty: s' is terminal (no bootstrap term).
  void update(const std::string& state, int action, double reward, const std::string& next_state,
              const std::vector<int>& next_actions);
  // Of `actions`, how many were tried in `state` at least once.
  int explored(const std::string& state, const std::vector<int>& actions) const;
  // The action of `actions` with the highest Q(s, .), ties to the earliest in
  // `actions`; only_explored: among tried ones only, -1 when none was tried.
  int greedy(const std::string& state, const std::vector<int>& actions, bool only_explored) const;
  // Every action of `actions` with the highest Q(s, .), in the order given
  // (all of them in a state never updated), into `out`.
  void best(const std::string& state, const std::vector<int>& actions, std::vector<int>& out) const;
  std::size_t num_states() const { return rows_.size(); }

  // {"num_actions": N, "states": {STATE: {"q": [N], "n": [N]}}}
  nlohmann::json to_json() const;
  // Replaces the table; throws InputError naming the field on a bad shape or
  // a different number of actions.
  void load_json(const nlohmann::json& j);

 private:
  struct Row {
    std::vector<double> q;
    std::vector<int> n;
  };
  const Row* find(const std::string& state) const;
  void check_action(int action) const;

  int num_actions_;
  double alpha_, discount_;
  std::unordered_map<std::string, Row> rows_;
};

}  // namespace fleetopt::scaling
