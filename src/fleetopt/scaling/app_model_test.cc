#include "fleetopt/scaling/app_model.h"

#include <gtest/gtest.h>

#include <string>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"

namespace fleetopt::scaling {
namespace {

std::string error_of(const std::string& json) {
  ScratchDir dir("app_model");
  const std::string path = dir.write("app.json", json);
  try {
    read_app_json(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kGood = R"({"tiers": [{"name": "web", "cores": 2, "min": 1, "max": 4},
                                   {"name": "db", "cores": 4, "min": 1, "max": 2, "initial": 2}],
  "classes": [{"name": "get", "share": 3, "demand_ms": {"web": 5, "db": 20}, "visits": {"db": 2}},
              {"name": "put", "share": 1, "demand_ms": {"db": 40}}],
  "boot_delay_s": 60, "timeout_s": 10})";

TEST(AppModel, DefaultIsValidAndTheAppTierIsTheBottleneck) {
  AppModel app = default_app();
  app.validate();
  ASSERT_EQ(app.num_tiers(), 3);
  // Work per request per core: the app tier needs the most capacity.
  const double web = app.mean_demand(0) / app.tiers[0].cores, mid = app.mean_demand(1) / app.tiers[1].cores,
               db = app.mean_demand(2) / app.tiers[2].cores;
  EXPECT_GT(mid, web);
  EXPECT_GT(mid, db);
}

TEST(AppModel, ReadsTheJsonSchema) {
  ScratchDir dir("app_model_good");
  AppModel app = read_app_json(dir.write("app.json", kGood));
  ASSERT_EQ(app.num_tiers(), 2);
  EXPECT_EQ(app.tiers[1].initial_replicas, 2);
  EXPECT_EQ(app.tiers[0].initial_replicas, 1);  // defaults to min
  EXPECT_EQ(app.max_total_vms, 6);              // sum of the tiers' max
  EXPECT_DOUBLE_EQ(app.classes[0].demand_s[1], 0.020);
  EXPECT_DOUBLE_EQ(app.classes[0].visits[1], 2);
  EXPECT_DOUBLE_EQ(app.classes[1].demand_s[0], 0);  // "put" skips the web tier's work
  // share-weighted: 3/4 * 1 * 0.020 * 2 + 1/4 * 1 * 0.040
  EXPECT_NEAR(app.mean_demand(1), 0.75 * 0.040 + 0.25 * 0.040, 1e-12);
  EXPECT_DOUBLE_EQ(app.boot_delay_s, 60);
}

TEST(AppModel, BadFilesNameTheField) {
  std::string good = kGood;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(error_of(with("\"db\": 20", "\"db\": -20")).find("classes[0].demand_ms.db: negative demand"),
            std::string::npos);
  EXPECT_NE(error_of(with("\"min\": 1, \"max\": 4", "\"min\": 0, \"max\": 4")).find("tiers[0].min"), std::string::npos);
  EXPECT_NE(error_of(with("{\"db\": 40}", "{\"cache\": 40}")).find("unknown tier 'cache'"), std::string::npos);
  EXPECT_NE(error_of(with("\"timeout_s\": 10", "\"timeout_s\": NaN")).find("app.json:"), std::string::npos);
  EXPECT_NE(error_of(with("\"boot_delay_s\"", "\"boot_delay\"")).find("boot_delay: unknown field"), std::string::npos);
  EXPECT_NE(error_of(with("\"max\": 2, \"initial\": 2", "\"max\": 2, \"initial\": 3")).find("tiers[1].initial"),
            std::string::npos);
  EXPECT_NE(error_of("{\"tiers\": [], \"classes\": []}").find("tiers: at least one tier"), std::string::npos);
}

}  // namespace
}  // namespace fleetopt::scaling
