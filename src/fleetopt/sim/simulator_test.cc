// A hand-computed replay: hosts of 4 cpu, cpu overcommit 2 (8 may be
// reserved), first-fit, steps of 60 s over 300 s.
//   a: t 0-300,   request 2 cpu, uses 100%      -> 2, 2, 2, 2, 2
//   b: t 60-240,  request 2 cpu, uses 100/150%  ->    2, 3, 2
//   c: t 120-180, request 4 cpu, uses 100%      ->       4
// Host 0 then uses 2, 4, 9, 4, 2 cpu: overloaded at step 2 only, with 3 VMs
// on it, out of 1+2+3+2+1 = 9 VM-steps.
#include "fleetopt/sim/simulator.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

Workload hand_workload() {
  Workload w;
  w.name = "hand";
  w.step_seconds = 60;
  w.end = 300;
  w.dims = kCpuMem;
  std::int32_t full = w.add_shape(dim_bit(kCpu), {{1.0f}});
  std::int32_t bursty = w.add_shape(dim_bit(kCpu), {{1.0f, 1.5f, 1.0f}});
  w.instances = {
      {.arrival = 0, .departure = 300, .request = make_resources(2, 1), .shape = full, .phase = 0},
      {.arrival = 60, .departure = 240, .request = make_resources(2, 1), .shape = bursty, .phase = 0},
      {.arrival = 120, .departure = 180, .request = make_resources(4, 1), .shape = full, .phase = 0},
  };
  w.ids = {"a", "b", "c"};
  w.tags = {"", "", ""};
  w.default_host = make_resources(4, 100);
  return w;
}

SimConfig config(int hosts) {
  SimConfig c;
  c.hosts = hosts;
  c.overcommit = make_resources(2, 1);
  return c;
}

TEST(Simulator, HandComputedMetrics) {
  Workload w = hand_workload();
  auto placer = make_placer("first-fit");
  SimMetrics m = simulate(w, *placer, config(2));
  EXPECT_EQ(m.vm_steps, 9);
  EXPECT_DOUBLE_EQ(m.overload_rate, 3.0 / 9.0);
  EXPECT_DOUBLE_EQ(m.host_overload_share, 1.0 / 5.0);
  EXPECT_DOUBLE_EQ(m.active_host_hours, 5 * 60 / 3600.0);
  EXPECT_NEAR(m.peak_to_average, 9.0 / (21.0 / 5.0), 1e-6);
  EXPECT_EQ(m.rejected, 0);
  EXPECT_EQ(m.decisions, 3);
  EXPECT_EQ(m.steps, 5);
}

TEST(Simulator, SpreadingAvoidsTheOverload) {
  Workload w = hand_workload();
  auto placer = make_placer("worst-fit");
  SimMetrics m = simulate(w, *placer, config(2));
  // a on h0, b on h1; c finds both hosts holding 2 cpu and takes the lower
  // index, so h0 uses 2 + 4 = 6 > 4 at step 2, with 2 VMs on it.
  EXPECT_DOUBLE_EQ(m.overload_rate, 2.0 / 9.0);
  EXPECT_EQ(m.active_host_hours, 8 * 60 / 3600.0);
}

TEST(Simulator, RejectsWhenNoHostAdmits) {
  Workload w = hand_workload();
  w.instances.push_back({.arrival = 120, .departure = 180, .request = make_resources(1, 1)});
  w.ids.push_back("d");
  w.tags.push_back("");
  w.sort_by_arrival();
  auto placer = make_placer("first-fit");
  SimMetrics m = simulate(w, *placer, config(1));
  EXPECT_EQ(m.rejected, 1);  // c fills the 8 admissible cpu at step 2
  EXPECT_EQ(m.decisions, 4);
}

TEST(Simulator, UnshapedDimensionsUseTheirRequest) {
  Workload w = hand_workload();
  w.default_host = make_resources(100, 2.5);  // memory: 1 + 1 + 1 = 3 > 2.5 at step 2
  auto placer = make_placer("first-fit");
  SimConfig c = config(1);
  c.overcommit = make_resources(1, 2);
  SimMetrics m = simulate(w, *placer, c);
  EXPECT_DOUBLE_EQ(m.overload_rate, 3.0 / 9.0);
}

TEST(Simulator, BadConfigurationIsAnInputError) {
  Workload w = hand_workload();
  auto placer = make_placer("first-fit");
  EXPECT_THROW(simulate(w, *placer, config(0)), InputError);
  SimConfig c = config(1);
  c.host_capacity = make_resources(4, 0);
  EXPECT_THROW(simulate(w, *placer, c), InputError);
}

TEST(Simulator, SameSeedSameResult) {
  Workload w;
  w.step_seconds = 60;
  w.end = 6000;
  w.default_host = make_resources(8, 32);
  Rng gen(11);
  for (int i = 0; i < 200; ++i) {
    std::vector<float> cpu(17);
    for (float& x : cpu) x = static_cast<float>(gen.uniform());
    std::int32_t s = w.add_shape(dim_bit(kCpu), {cpu});
    double a = gen.uniform(0, 5000);
    w.instances.push_back({.arrival = a, .departure = a + gen.uniform(60, 3000),
                           .request = make_resources(1 + static_cast<double>(gen.below(4)), 2), .shape = s});
  }
  w.sort_by_arrival();
  SimConfig c = config(20);
  c.seed = 99;
  auto p1 = make_placer("p2");
  auto p2 = make_placer("p2");
  SimMetrics m1 = simulate(w, *p1, c);
  SimMetrics m2 = simulate(w, *p2, c);
  EXPECT_EQ(m1.overload_rate, m2.overload_rate);
  EXPECT_EQ(m1.active_host_hours, m2.active_host_hours);
  EXPECT_EQ(m1.peak_to_average, m2.peak_to_average);
  c.seed = 100;
  auto p3 = make_placer("p2");
  SimMetrics m3 = simulate(w, *p3, c);
  EXPECT_NE(m1.peak_to_average, m3.peak_to_average) << "a different seed draws different candidates";
}

}  // namespace
}  // namespace fleetopt
