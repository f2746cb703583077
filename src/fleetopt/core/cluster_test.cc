#include "fleetopt/core/cluster.h"

#include <gtest/gtest.h>

namespace fleetopt {
namespace {

ClusterState two_hosts(double cpu_overcommit = 1.0) {
  return ClusterState({make_resources(4, 16), make_resources(8, 32)},
                      make_resources(cpu_overcommit, 1), kCpuMem, 10);
}

TEST(ClusterState, PlaceAndRemoveKeepReservedTotals) {
  ClusterState c = two_hosts();
  c.place(0, 0, make_resources(1, 2));
  c.place(1, 0, make_resources(2, 4));
  c.place(2, 1, make_resources(3, 8));
  EXPECT_DOUBLE_EQ(c.reserved(0)[kCpu], 3);
  EXPECT_DOUBLE_EQ(c.reserved(0)[kMem], 6);
  EXPECT_EQ(c.vm_count(0), 2);
  EXPECT_EQ(c.active_hosts(), 2);
  c.remove(0);
  EXPECT_DOUBLE_EQ(c.reserved(0)[kCpu], 2);
  EXPECT_EQ(c.vm_count(0), 1);
  EXPECT_EQ(c.vms_on(0).front(), 1);
  EXPECT_EQ(c.host_of(0), kNoHost);
  c.remove(1);
  EXPECT_EQ(c.active_hosts(), 1);
  EXPECT_DOUBLE_EQ(c.reserved(0)[kMem], 0);
}

TEST(ClusterState, SwapRemoveKeepsSlotsConsistent) {
  ClusterState c = two_hosts();
  for (int vm = 0; vm < 4; ++vm) c.place(vm, 1, make_resources(1, 1));
  c.remove(1);  // the last VM (3) moves into slot 1
  c.remove(3);
  c.remove(0);
  ASSERT_EQ(c.vm_count(1), 1);
  EXPECT_EQ(c.vms_on(1).front(), 2);
}

TEST(ClusterState, FitsHonoursOvercommitPerDimension) {
  ClusterState c = two_hosts(2.0);  // cpu may be reserved twice over, memory not
  c.place(0, 0, make_resources(6, 8));
  EXPECT_TRUE(c.fits(0, make_resources(2, 8)));
  EXPECT_FALSE(c.fits(0, make_resources(2.5, 1)));   // 8.5 > 4 * 2
  EXPECT_FALSE(c.fits(0, make_resources(1, 8.5)));   // 16.5 > 16
}

TEST(ClusterState, MisuseThrows) {
  ClusterState c = two_hosts();
  c.place(0, 0, make_resources(1, 1));
  EXPECT_THROW(c.place(0, 1, make_resources(1, 1)), std::logic_error);
  EXPECT_THROW(c.remove(5), std::logic_error);
  EXPECT_THROW(c.place(1, 7, make_resources(1, 1)), std::logic_error);
}

TEST(ClusterState, PendingCountsRequestsUntilObserved) {
  ClusterState c = two_hosts();
  c.mutable_used(0) = make_resources(0.5, 3);
  c.place(0, 0, make_resources(1, 2));
  EXPECT_DOUBLE_EQ(c.observed(0)[kCpu], 1.5);
  c.clear_pending();
  EXPECT_DOUBLE_EQ(c.observed(0)[kCpu], 0.5);
}

}  // namespace
}  // namespace fleetopt
