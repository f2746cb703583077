// Six VMs of 2 cpu that each use all of it, running together; hosts of 4 cpu
// with cpu overcommit 2, so admission allows 4 VMs on a host but more than 2
// overload it.
#include "fleetopt/sim/fleet_sizing.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

Workload six_vms() {
  Workload w;
  w.step_seconds = 60;
  w.end = 600;
  w.default_host = make_resources(4, 64);
  std::int32_t full = w.add_shape(dim_bit(kCpu), {{1.0f}});
  for (int i = 0; i < 6; ++i) {
    w.instances.push_back({.arrival = 0, .departure = 600, .request = make_resources(2, 1), .shape = full});
    w.ids.push_back("vm" + std::to_string(i));
  }
  return w;
}

SimConfig base() {
  SimConfig c;
  c.overcommit = make_resources(2, 1);
  return c;
}

PlacerMaker maker(const std::string& spec) {
  return [spec] { return make_placer(spec); };
}

TEST(FleetSizing, LowerBoundFromPeakRequests) {
  Workload w = six_vms();
  EXPECT_EQ(request_lower_bound(w, w.default_host, make_resources(2, 1)), 2);  // 12 / 8
  EXPECT_EQ(request_lower_bound(w, w.default_host, make_resources(1, 1)), 3);  // 12 / 4
  w.instances[5].arrival = 300;  // departures before arrivals: 5 at once at most
  w.instances[4].departure = 300;
  EXPECT_EQ(request_lower_bound(w, w.default_host, make_resources(1, 1)), 3);  // 10 / 4
}

TEST(FleetSizing, SpreadingNeedsThreeHostsWithoutOverload) {
  SizingOptions o;
  o.overload_limit = 0;
  SizingResult r = size_fleet(six_vms(), maker("worst-fit"), base(), o);
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.servers_needed, 3);  // 2 hosts: 3 VMs each, overloaded
  EXPECT_EQ(r.at_size.overload_rate, 0);
  EXPECT_EQ(r.lower_bound, 2);
}

TEST(FleetSizing, PackingNeverMeetsAZeroLimitButMeetsALooseOne) {
  SizingOptions o;
  o.overload_limit = 0;
  o.max_hosts = 16;
  // First-fit always packs 4 VMs (8 cpu reserved) onto host 0.
  EXPECT_FALSE(size_fleet(six_vms(), maker("first-fit"), base(), o).found);
  o.overload_limit = 0.7;  // 4 of 6 VMs overloaded = 0.667
  SizingResult r = size_fleet(six_vms(), maker("first-fit"), base(), o);
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.servers_needed, 2);
  EXPECT_NEAR(r.at_size.overload_rate, 4.0 / 6.0, 1e-12);
}

TEST(FleetSizing, RejectsBadLimit) {
  SizingOptions o;
  o.overload_limit = 1.5;
  EXPECT_THROW(size_fleet(six_vms(), maker("first-fit"), base(), o), InputError);
}

}  // namespace
}  // namespace fleetopt
