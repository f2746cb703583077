#include "fleetopt/faas/instance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/faas/baselines.h"
#include "fleetopt/faas/synthetic.h"

namespace fleetopt::faas {
namespace {

using nlohmann::json;
using testing::HasSubstr;

json small_instance() {
  return json::parse(R"({
    "nodes": 2, "classes": 3, "resources": 1,
    "arrival": [0.2, 0.3, 0.5],
    "cost": [[0.5, 0.6], [0.7, 0.8], [0.9, 1.0]],
    "demand": [[[0.1], [0.2]], [[0.3], [0.4]], [[0.5], [0.6]]],
    "capacity": [[0.5], [0.5]]
  })");
}

std::string error_of(const json& j) {
  try {
    instance_from_json(j, "inst.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Instance, ParsesTheDesignFormat) {
  const Instance in = instance_from_json(small_instance(), "inst.json");
  EXPECT_EQ(in.nodes, 2);
  EXPECT_EQ(in.classes, 3);
  EXPECT_DOUBLE_EQ(in.cost_of(1, 0), 0.7);
  EXPECT_DOUBLE_EQ(in.demand_of(2, 1, 0), 0.6);
  EXPECT_DOUBLE_EQ(in.capacity_of(1, 0), 0.5);
  EXPECT_NEAR(in.idle_probability(), 0.0, 1e-12);
}

TEST(Instance, ErrorsNameTheField) {
  json j = small_instance();
  j["demand"][2][1][0] = 1.5;
  EXPECT_THAT(error_of(j), HasSubstr("inst.json: demand[2][1][0]: must be in [0, 1]"));

  j = small_instance();
  j["demand"][1][0][0] = "NaN";
  EXPECT_THAT(error_of(j), HasSubstr("demand[1][0][0]: must be a number"));

  j = small_instance();
  j["arrival"][1] = -0.1;
  EXPECT_THAT(error_of(j), HasSubstr("arrival[1]"));

  j = small_instance();
  j["arrival"] = {0.5, 0.5, 0.5};
  EXPECT_THAT(error_of(j), HasSubstr("arrival: probabilities sum to 1.5"));

  j = small_instance();
  j["cost"][1] = {0.5};
  EXPECT_THAT(error_of(j), HasSubstr("cost[1]: must have 2 entries, got 1"));

  j = small_instance();
  j["demand"][0][1] = json::array();
  EXPECT_THAT(error_of(j), HasSubstr("demand[0][1]: must have 1 entries, got 0"));

  j = small_instance();
  j["capacity"][0][0] = 0;
  EXPECT_THAT(error_of(j), HasSubstr("capacity[0][0]: must be > 0"));

  j = small_instance();
  j["nodes"] = -3;
  EXPECT_THAT(error_of(j), HasSubstr("nodes: must be in [1,"));

  j = small_instance();
  j["nodes"] = 1e12;
  EXPECT_THAT(error_of(j), HasSubstr("nodes: must be an integer"));

  j = small_instance();
  j["classes"] = 1000000000;
  EXPECT_THAT(error_of(j), HasSubstr("classes: must be in [1,"));

  j = small_instance();
  j["nodes"] = 90000;
  j["classes"] = 90000;
  EXPECT_THAT(error_of(j), HasSubstr("exceeds"));

  j = small_instance();
  j.erase("capacity");
  EXPECT_THAT(error_of(j), HasSubstr("capacity: missing"));

  j = small_instance();
  j["colour"] = "blue";
  EXPECT_THAT(error_of(j), HasSubstr("colour: unknown key"));

  EXPECT_THAT(error_of(json::array()), HasSubstr("must be a JSON object"));
}

class InstanceFile : public testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) { return scratch_.write(name, text); }
  ScratchDir scratch_{"faas_instance"};
};

TEST_F(InstanceFile, TruncatedJsonNamesFileAndLine) {
  const std::string text = small_instance().dump(1);
  const std::string path = write("cut.json", text.substr(0, text.size() / 2));
  try {
    load_instance(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ":"));
    EXPECT_THAT(e.what(), HasSubstr("malformed JSON"));
  }
}

TEST_F(InstanceFile, OverflowingNumberIsRejected) {
  std::string text = small_instance().dump();
  text.replace(text.find("\"capacity\":[[0.5]"), 17, "\"capacity\":[[1e400]");
  const std::string path = write("huge.json", text);
  try {
    load_instance(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
}

TEST_F(InstanceFile, MissingFileIsNamed) {
  EXPECT_THROW(
      {
        try {
          load_instance(scratch_.path("nope.json"));
        } catch (const InputError& e) {
          EXPECT_THAT(e.what(), HasSubstr("nope.json: cannot open"));
          throw;
        }
      },
      InputError);
}

TEST_F(InstanceFile, SaveLoadRoundTrip) {
  SyntheticOptions options;
  options.seed = 4;
  const Instance original = generate_synthetic(options).instance;
  const std::string path = scratch_.path("round.json");
  save_instance(original, {{"seed", 4}}, path);
  const Instance loaded = load_instance(path);
  EXPECT_EQ(loaded.nodes, original.nodes);
  EXPECT_EQ(loaded.arrival, original.arrival);
  EXPECT_EQ(loaded.cost, original.cost);
  EXPECT_EQ(loaded.demand, original.demand);
  EXPECT_EQ(loaded.capacity, original.capacity);
}

TEST(Synthetic, FollowsThePaperAndTheSeed) {
  SyntheticOptions options;
  options.nodes = 10;
  options.classes = 3;
  options.resources = 2;
  options.seed = 7;
  const SyntheticInstance a = generate_synthetic(options);
  const SyntheticInstance b = generate_synthetic(options);
  EXPECT_EQ(a.instance.cost, b.instance.cost);
  EXPECT_EQ(a.instance.demand, b.instance.demand);
  options.seed = 8;
  EXPECT_NE(generate_synthetic(options).instance.cost, a.instance.cost);

  double total = 0;
  for (double p : a.instance.arrival) {
    total += p;
    // U(0.5, 1) weights normalised over 3 classes: each share in [1/5, 1/2].
    EXPECT_GE(p, 0.2 - 1e-12);
    EXPECT_LE(p, 0.5 + 1e-12);
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  for (double c : a.instance.cost) {
    EXPECT_GE(c, 0.5);
    EXPECT_LT(c, 1.0);
  }
  for (double beta : a.instance.capacity) EXPECT_EQ(beta, 0.1);
  EXPECT_EQ(solve_oracle(a.instance, {}).status, LpStatus::kOptimal);
}

TEST(Synthetic, ReportsWhenNothingFeasibleIsFound) {
  SyntheticOptions options;
  options.nodes = 2;
  options.classes = 3;
  options.resources = 2;
  options.capacity = 0.01;  // 2 nodes cannot absorb a full unit of arrivals
  options.max_attempts = 5;
  EXPECT_THROW(generate_synthetic(options), InputError);
  options.require_feasible = false;
  EXPECT_EQ(solve_oracle(generate_synthetic(options).instance, {}).status, LpStatus::kInfeasible);
}

}  // namespace
}  // namespace fleetopt::faas
