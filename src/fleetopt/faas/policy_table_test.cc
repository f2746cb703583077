#include "fleetopt/faas/policy_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "fleetopt/core/rng.h"
#include "fleetopt/faas/instance.h"

namespace fleetopt::faas {
namespace {

TEST(PolicyTable, DrawsFollowTheRowsAndSkipEmptyColumns) {
  PolicyTable x(2, 5);
  const double row0[] = {0.0, 0.5, 0.0, 0.2, 0.3};
  const double row1[] = {0.25, 0.0, 0.75, 0.0, 0.0};
  std::copy(row0, row0 + 5, x.row(0));
  std::copy(row1, row1 + 5, x.row(1));
  x.finalize(4);
  Rng rng(3);
  const int draws = 200000;
  std::vector<int> hits0(5, 0), hits1(5, 0);
  for (int d = 0; d < draws; ++d) {
    ++hits0[static_cast<std::size_t>(x.draw(0, rng.uniform()))];
    ++hits1[static_cast<std::size_t>(x.draw(1, rng.uniform()))];
  }
  for (int j = 0; j < 5; ++j) {
    // Binomial standard deviation is at most 0.0012 here; allow 5 of them.
    EXPECT_NEAR(hits0[static_cast<std::size_t>(j)] / double(draws), row0[j], 0.006) << j;
    EXPECT_NEAR(hits1[static_cast<std::size_t>(j)] / double(draws), row1[j], 0.006) << j;
  }
  EXPECT_EQ(hits0[0] + hits0[2], 0);
  EXPECT_EQ(hits1[1] + hits1[3] + hits1[4], 0);
  // The ends of [0, 1) land on columns with mass.
  EXPECT_EQ(x.draw(0, 0.0), 1);
  EXPECT_EQ(x.draw(0, std::nextafter(1.0, 0.0)), 4);
  EXPECT_EQ(x.draw(1, std::nextafter(1.0, 0.0)), 2);
}

TEST(PolicyTable, FinalizeRepairsSolverNoise) {
  PolicyTable x(2, 3);
  x.row(0)[0] = -1e-12;
  x.row(0)[1] = 0.5;
  x.row(0)[2] = 0.5000001;
  x.row(1)[0] = std::numeric_limits<double>::quiet_NaN();
  x.row(1)[1] = 0;
  x.row(1)[2] = 0;
  x.finalize(2);
  EXPECT_EQ(x.at(0, 0), 0.0);
  EXPECT_NEAR(x.at(0, 1) + x.at(0, 2), 1.0, 1e-15);
  // A row without mass becomes uniform over the real nodes, never the reject column.
  EXPECT_DOUBLE_EQ(x.at(1, 0), 0.5);
  EXPECT_DOUBLE_EQ(x.at(1, 1), 0.5);
  EXPECT_DOUBLE_EQ(x.at(1, 2), 0.0);
}

TEST(PolicyTable, MixUniformIsEpsilonGreedy) {
  PolicyTable x(1, 3);
  x.row(0)[2] = 1.0;
  x.finalize(3);
  x.mix_uniform(0.3, 3);
  EXPECT_NEAR(x.at(0, 0), 0.1, 1e-12);
  EXPECT_NEAR(x.at(0, 1), 0.1, 1e-12);
  EXPECT_NEAR(x.at(0, 2), 0.8, 1e-12);
}

TEST(PolicyTable, ExpectedCostAndUse) {
  Instance in;
  in.nodes = 2;
  in.classes = 2;
  in.resources = 1;
  in.arrival = {0.6, 0.3};  // idle 10% of slots
  in.cost = {0.5, 1.0, 0.2, 0.4};
  in.demand = {0.1, 0.2, 0.3, 0.4};
  in.capacity = {1, 1};
  PolicyTable x(2, 3);
  x.row(0)[0] = 0.5;
  x.row(0)[2] = 0.5;  // half of class 0 rejected
  x.row(1)[1] = 1.0;
  x.finalize(2);
  // 0.6 * (0.5 * 0.5 + 0.5 * 0.9) + 0.3 * 0.4 with reject cost 0.9
  EXPECT_NEAR(x.expected_cost(in, 0.9), 0.6 * (0.25 + 0.45) + 0.12, 1e-12);
  EXPECT_NEAR(x.expected_use(in, 0, 0), 0.6 * 0.5 * 0.1, 1e-12);
  EXPECT_NEAR(x.expected_use(in, 1, 0), 0.3 * 0.4, 1e-12);
}

}  // namespace
}  // namespace fleetopt::faas
