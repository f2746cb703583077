// Tabular Q-learning on a toy MDP whose optimal values are known (computed
// here by value iteration): a chain 0-1-2-3 -> goal, moves left/right, reward
// 1 on reaching the goal; or cash out at once for 0.5. With discount 0.9 the
// walk to the goal is worth 0.9^3 = 0.729 > 0.5 even from state 0, so the
// optimal policy is "right" everywhere although "cash" pays more at once.
#include "fleetopt/scaling/q_learning.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"

namespace fleetopt::scaling {
namespace {

constexpr int kLeft = 0, kRight = 1, kCash = 2, kGoal = 4;
constexpr double kDiscount = 0.9;

struct Outcome {
  int next;  // kGoal when the episode ends
  double reward;
  bool terminal;
};

Outcome step(int s, int a) {
  if (a == kCash) return {kGoal, 0.5, true};
  if (a == kRight) return s + 1 == kGoal ? Outcome{kGoal, 1.0, true} : Outcome{s + 1, 0.0, false};
  return {std::max(s - 1, 0), 0.0, false};
}

std::array<std::array<double, 3>, 4> optimal_q() {
  std::array<std::array<double, 3>, 4> q{};
  for (int iter = 0; iter < 1000; ++iter) {
    for (int s = 0; s < 4; ++s) {
      for (int a = 0; a < 3; ++a) {
        Outcome o = step(s, a);
        double v = 0;
        if (!o.terminal) v = *std::max_element(q[o.next].begin(), q[o.next].end());
        q[s][a] = o.reward + kDiscount * v;
      }
    }
  }
  return q;
}

TEST(QTable, OptimalValuesByValueIteration) {
  auto q = optimal_q();
  EXPECT_NEAR(q[3][kRight], 1.0, 1e-12);
  EXPECT_NEAR(q[0][kRight], 0.729, 1e-12);
  EXPECT_NEAR(q[0][kLeft], 0.9 * 0.729, 1e-12);
  EXPECT_NEAR(q[2][kCash], 0.5, 1e-12);
}

TEST(QTable, ConvergesToOptimalPolicyOnToyMdp) {
  QTable table(3, 0.5, kDiscount);
  Rng rng(7);
  const std::vector<int> all = {kLeft, kRight, kCash};
  for (int episode = 0; episode < 5000; ++episode) {
    int s = static_cast<int>(rng.below(4));
    for (int t = 0; t < 30; ++t) {
      const int a = static_cast<int>(rng.below(3));  // off-policy: uniform exploration
      const Outcome o = step(s, a);
      table.update(std::to_string(s), a, o.reward, std::to_string(o.next),
                   o.terminal ? std::vector<int>{} : all);
      if (o.terminal) break;
      s = o.next;
    }
  }
  const auto q = optimal_q();
  for (int s = 0; s < 4; ++s) {
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(table.value(std::to_string(s), a), q[s][a], 1e-6) << s << "," << a;
    EXPECT_EQ(table.greedy(std::to_string(s), all, false), kRight) << s;
  }
}

TEST(QTable, UpdateRule) {
  QTable table(2, 0.5, 0.9);
  table.update("a", 1, 1.0, "end", {});  // first update of (a, 1): the target itself, 1
  EXPECT_DOUBLE_EQ(table.value("a", 1), 1.0);
  table.update("a", 1, 0.0, "end", {});  // then Watkins: 1 + 0.5 * (0 - 1)
  EXPECT_DOUBLE_EQ(table.value("a", 1), 0.5);
  table.update("b", 0, 0.0, "a", {0, 1});  // first: 0 + 0.9 * max(0, 0.5)
  EXPECT_DOUBLE_EQ(table.value("b", 0), 0.45);
  table.update("b", 0, 0.0, "a", {0});  // only action 0 possible in a: max is 0 -> 0.45 + 0.5 * (0 - 0.45)
  EXPECT_DOUBLE_EQ(table.value("b", 0), 0.225);
  EXPECT_EQ(table.visits("b", 0), 2);
  EXPECT_EQ(table.visits("b", 1), 0);
  EXPECT_EQ(table.visits("never", 1), 0);
  EXPECT_EQ(table.num_states(), 2U);
}

// With rewards of one sign, blending the first target with the initial 0
// would rank actions by how often they were tried; the first update takes
// the target whole, so a worse action tried more often still ranks lower.
TEST(QTable, FirstUpdateDoesNotFavourTheMostTried) {
  QTable table(2, 0.1, 0.0);
  for (int i = 0; i < 50; ++i) table.update("s", 0, 0.6, "t", {});
  table.update("s", 1, 0.9, "t", {});
  EXPECT_EQ(table.greedy("s", {0, 1}, true), 1);
}

TEST(QTable, BestListsEveryTiedAction) {
  QTable table(3, 1.0, 0.0);
  std::vector<int> out;
  table.best("s", {2, 0, 1}, out);
  EXPECT_EQ(out, (std::vector<int>{2, 0, 1}));  // never updated: all tie, in the order given
  table.update("s", 1, 0.5, "s", {});
  table.update("s", 2, 0.5, "s", {});
  table.best("s", {0, 1, 2}, out);
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
}

TEST(QTable, ExploredAndGreedy) {
  QTable table(4, 1.0, 0.0);
  EXPECT_EQ(table.explored("s", {0, 1, 2, 3}), 0);
  EXPECT_EQ(table.greedy("s", {0, 1, 2, 3}, true), -1);
  EXPECT_EQ(table.greedy("s", {2, 3}, false), 2);  // all 0: the first listed
  table.update("s", 1, -1.0, "t", {});
  table.update("s", 3, -0.5, "t", {});
  EXPECT_EQ(table.explored("s", {0, 1, 2, 3}), 2);
  EXPECT_EQ(table.explored("s", {0, 1}), 1);
  EXPECT_EQ(table.greedy("s", {0, 1, 2, 3}, true), 3);   // best tried
  EXPECT_EQ(table.greedy("s", {0, 1, 2, 3}, false), 0);  // untried 0 beats -0.5
}

TEST(QTable, JsonRoundTrip) {
  QTable table(3, 0.3, 0.8);
  table.update("x|1", 2, 0.7, "y|2", {0, 1, 2});
  table.update("y|2", 0, -1.5, "x|1", {0, 2});
  const nlohmann::json j = table.to_json();
  QTable copy(3, 0.3, 0.8);
  copy.load_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(copy.to_json(), j);
  EXPECT_DOUBLE_EQ(copy.value("y|2", 0), table.value("y|2", 0));
  EXPECT_EQ(copy.visits("x|1", 2), 1);
}

TEST(QTable, LoadRejectsBadShapes) {
  QTable table(3, 0.3, 0.8);
  EXPECT_THROW(table.load_json(nlohmann::json::parse(R"({"num_actions": 2, "states": {}})")), InputError);
  EXPECT_THROW(table.load_json(nlohmann::json::parse(R"({"states": {}})")), InputError);
  EXPECT_THROW(table.load_json(nlohmann::json::parse(R"({"num_actions": 3, "states": {"s": {"q": [1, 2], "n": [0, 0, 0]}}})")),
               InputError);
  EXPECT_THROW(table.load_json(nlohmann::json::parse(R"({"num_actions": 3, "states": {"s": {"q": [1, 2, 3], "n": [0, -1, 0]}}})")),
               InputError);
  EXPECT_THROW(QTable(0, 0.3, 0.8), std::invalid_argument);
}

}  // namespace
}  // namespace fleetopt::scaling
