#include "fleetopt/consolidate/dc_integrate.h"

#include <gtest/gtest.h>

#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

DcSetup two_hosts() {
  SeriesTrace t;
  t.name = "synthetic";
  t.add_series("vm0", 0, Resources{}, {0.5f, 0.5f}, 2);
  return cloudsim_planetlab_setup(t, 2);
}

// Random steps: demands, VM counts and events at random times, some hosts
// overloaded, some steps outside the window.
void fill(StepRecord& r, Rng& rng, std::int32_t hosts, bool counted) {
  r.counted = counted;
  r.start_demand.assign(static_cast<std::size_t>(hosts), 0);
  r.start_capped.assign(static_cast<std::size_t>(hosts), 0);
  r.start_count.assign(static_cast<std::size_t>(hosts), 0);
  for (std::int32_t h = 0; h < hosts; ++h) {
    const auto count = static_cast<std::int32_t>(rng.below(4));
    r.start_count[static_cast<std::size_t>(h)] = count;
    r.start_demand[static_cast<std::size_t>(h)] = count * rng.uniform(0, 3000);
    r.start_capped[static_cast<std::size_t>(h)] = std::min(r.start_demand[static_cast<std::size_t>(h)], 2500.0 * count);
  }
  r.events.clear();
  for (int e = 0; e < 6; ++e) {
    const auto h = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(hosts)));
    const double d = rng.uniform(0, 500);
    r.events.emplace_back(h, rng.uniform(0, 300), d, 1, 0.5 * d);
  }
}

StepTotals run(const DcSetup& s, bool threaded, std::uint64_t seed) {
  StepIntegrator integrator(s, CloudSimQuirks{}, threaded);
  Rng rng(seed);
  for (int step = 0; step < 50; ++step) {
    fill(integrator.next(), rng, s.num_hosts(), step % 7 != 0);
    integrator.submit();
  }
  return integrator.finish();
}

// On a second thread the totals are the same bits as inline: steps in
// order, each into the same sums.
TEST(StepIntegrator, ThreadedTotalsEqualInlineOnes) {
  const DcSetup s = two_hosts();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const StepTotals inline_totals = run(s, false, seed), threaded = run(s, true, seed);
    EXPECT_GT(inline_totals.energy_j, 0);
    EXPECT_GT(inline_totals.violation_time, 0);  // some hosts demand more than they have
    EXPECT_EQ(inline_totals.energy_j, threaded.energy_j);
    EXPECT_EQ(inline_totals.active_time, threaded.active_time);
    EXPECT_EQ(inline_totals.violation_time, threaded.violation_time);
    EXPECT_EQ(inline_totals.active_hosts, threaded.active_hosts);
    EXPECT_EQ(inline_totals.active_hosts.size(), 50u - 8u);  // steps 0, 7, ..., 49 are not counted
  }
}

// A step with no events on a host: its start state for the whole step.
TEST(StepIntegrator, HostWithoutEventsRunsTheWholeStep) {
  const DcSetup s = two_hosts();
  StepIntegrator integrator(s, CloudSimQuirks{}, true);
  StepRecord& r = integrator.next();
  r.counted = true;
  r.start_demand = {1000, 0};
  r.start_capped = {1000, 0};
  r.start_count = {1, 0};
  r.events.clear();
  integrator.submit();
  const StepTotals t = integrator.finish();
  const double u = 1000 / s.host(0).mips();
  EXPECT_DOUBLE_EQ(t.energy_j, s.host(0).power->at(u) * s.step_seconds);
  EXPECT_DOUBLE_EQ(t.active_time, s.step_seconds);
  EXPECT_EQ(t.violation_time, 0);
  ASSERT_EQ(t.active_hosts.size(), 1u);
  EXPECT_DOUBLE_EQ(t.active_hosts[0], 1.0);
}

// Abandoned mid-day (a policy threw): the destructor stops the worker and
// returns (a hang here fails the test by ctest's timeout).
TEST(StepIntegrator, DestroyedWithStepsPending) {
  const DcSetup s = two_hosts();
  Rng rng(3);
  {
    StepIntegrator integrator(s, CloudSimQuirks{}, true);
    fill(integrator.next(), rng, s.num_hosts(), true);
    integrator.submit();
    StepRecord& unsent = integrator.next();  // waits for nothing: the other record is free
    fill(unsent, rng, s.num_hosts(), true);   // filled, never submitted
    EXPECT_EQ(unsent.start_count.size(), 2u);
  }
}

}  // namespace
}  // namespace fleetopt::consolidate
