#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <fmt/format.h>

#include <atomic>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/service/state_store.h"

namespace fleetopt::service {
namespace {

ReserveRequest request(const std::string& id, const std::string& host, double cpu, double mem) {
  return {id, host, make_resources(cpu, mem), make_resources(1, 1, 1, 1, 1), kCpuMem};
}

TEST(SqliteStore, ReservesReleasesAndPersists) {
  ScratchDir dir("sqlite_store");
  const std::string url = "sqlite:" + (dir.dir() / "state.db").string();
  {
    auto store = open_store(url);
    EXPECT_EQ(store->backend(), "sqlite");
    EXPECT_EQ(store->upsert_host("h1", make_resources(4, 16)).outcome, HostChange::kCreated);
    EXPECT_EQ(store->upsert_host("h2", make_resources(8, 32)).outcome, HostChange::kCreated);
    EXPECT_EQ(store->reserve(request("a", "h1", 3, 4)).outcome, ReserveResult::kReserved);
    const ReserveResult full = store->reserve(request("b", "h1", 2, 4));
    EXPECT_EQ(full.outcome, ReserveResult::kNoRoom);
    EXPECT_NE(full.reason.find("cpu"), std::string::npos) << full.reason;
    // Idempotent: the same id returns the committed placement, on whatever host was asked.
    const ReserveResult again = store->reserve(request("a", "h2", 1, 1));
    EXPECT_EQ(again.outcome, ReserveResult::kExisting);
    EXPECT_EQ(again.record.host, "h1");
    EXPECT_EQ(store->reserve(request("c", "nope", 1, 1)).outcome, ReserveResult::kUnknownHost);
    EXPECT_EQ(store->set_host_state("h2", HostState::kCordoned).outcome, HostChange::kUpdated);
    EXPECT_EQ(store->reserve(request("c", "h2", 1, 1)).outcome, ReserveResult::kNotSchedulable);
    EXPECT_EQ(store->set_host_state("zz", HostState::kCordoned).outcome, HostChange::kUnknown);
    // Shrinking under the reservations, removing a busy host: refused.
    EXPECT_EQ(store->upsert_host("h1", make_resources(2, 16)).outcome, HostChange::kBusy);
    EXPECT_EQ(store->remove_host("h1").outcome, HostChange::kBusy);
    EXPECT_EQ(store->remove_host("h2").outcome, HostChange::kUpdated);
    EXPECT_EQ(store->remove_host("h2").outcome, HostChange::kUnknown);
  }
  auto store = open_store(url);
  const auto hosts = store->hosts();
  ASSERT_EQ(hosts.size(), 1U);
  EXPECT_DOUBLE_EQ(hosts[0].reserved[kCpu], 3);
  ASSERT_EQ(store->placements().size(), 1U);
  const auto released = store->release("a");
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->host, "h1");
  EXPECT_FALSE(store->release("a").has_value());
  EXPECT_DOUBLE_EQ(store->hosts()[0].reserved[kCpu], 0);
  EXPECT_EQ(store->reserve(request("b", "h1", 4, 16)).outcome, ReserveResult::kReserved);  // room again
}

TEST(SqliteStore, ConcurrentReservationsNeverOvercommit) {
  ScratchDir dir("sqlite_concurrent");
  auto store = open_store("sqlite:" + (dir.dir() / "state.db").string());
  for (int h = 0; h < 3; ++h) store->upsert_host(fmt::format("h{}", h), make_resources(10, 10));
  std::vector<std::thread> threads;
  std::atomic<int> reserved{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto r = store->reserve(request(fmt::format("t{}-{}", t, i), fmt::format("h{}", i % 3), 1, 1));
        if (r.outcome == ReserveResult::kReserved) ++reserved;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(reserved.load(), 30);  // 3 hosts x 10 cores, 1 core each
  for (const HostRecord& h : store->hosts()) EXPECT_LE(h.reserved[kCpu], h.capacity[kCpu]);
  EXPECT_EQ(store->placements().size(), 30U);
}

TEST(SqliteStore, BadUrlsAreInputErrors) {
  EXPECT_THROW(open_store("mysql://x"), InputError);
  EXPECT_THROW(open_store("sqlite:"), InputError);
  EXPECT_THROW(open_store("sqlite:/nonexistent-dir/x/state.db"), std::runtime_error);
}

}  // namespace
}  // namespace fleetopt::service
