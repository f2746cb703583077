#include "fleetopt/core/workload.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

Workload tiny() {
  Workload w;
  w.name = "tiny";
  w.step_seconds = 60;
  w.end = 600;
  w.add_shape(dim_bit(kCpu), {{0.1f, 0.2f, 0.3f}});
  w.add_shape(kCpuMem, {{0.5f, 0.6f}, {0.9f, 1.0f}});
  Instance a{.arrival = 120, .departure = 300, .request = make_resources(2, 4), .shape = 0, .phase = 1};
  Instance b{.arrival = 0, .departure = 60, .request = make_resources(4, 8), .shape = 1, .phase = 0};
  w.instances = {a, b};
  w.ids = {"a", "b"};
  w.tags = {"", ""};
  return w;
}

TEST(Workload, UsageReadsShapeFromPhaseAndWraps) {
  Workload w = tiny();
  EXPECT_FLOAT_EQ(w.usage_fraction(0, 0, kCpu), 0.2f);
  EXPECT_FLOAT_EQ(w.usage_fraction(0, 2, kCpu), 0.1f);  // wrapped
  EXPECT_DOUBLE_EQ(w.usage(0, 1, kCpu), 2 * double{0.3f});
  EXPECT_FLOAT_EQ(w.usage_fraction(0, 0, kMem), 1.0f);  // not stored: at request
  EXPECT_FLOAT_EQ(w.usage_fraction(1, 1, kMem), 1.0f);
  EXPECT_FLOAT_EQ(w.usage_fraction(1, 0, kMem), 0.9f);
}

TEST(Workload, StepsAndSortByArrival) {
  Workload w = tiny();
  EXPECT_EQ(w.steps(), 10);
  EXPECT_EQ(w.arrival_step(0), 2);
  EXPECT_EQ(w.departure_step(0), 5);
  w.sort_by_arrival();
  EXPECT_EQ(w.ids[0], "b");
  EXPECT_EQ(w.instances[1].phase, 1u);
}

TEST(Workload, ValidateRejectsBadInstances) {
  Workload w = tiny();
  EXPECT_NO_THROW(w.validate());
  w.instances[0].departure = 100;
  EXPECT_THROW(w.validate(), InputError);
  w = tiny();
  w.instances[1].request[kMem] = -1;
  try {
    w.validate();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("instance b"), std::string::npos);
  }
  w = tiny();
  w.instances[0].shape = 7;
  EXPECT_THROW(w.validate(), InputError);
}

}  // namespace
}  // namespace fleetopt
