#include "fleetopt/consolidate/candidate_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "fleetopt/consolidate/first_least.h"
#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// `hosts` hosts (G4/G5 alternating), `vms` VMs of the four types with
// utilisation on PlanetLab's 1% grid, some at 0 and 100%.
DcSetup random_setup(std::int32_t hosts, std::int32_t vms, Rng& rng) {
  SeriesTrace t;
  t.name = "synthetic";
  for (std::int32_t v = 0; v < vms; ++v) {
    std::vector<float> s;
    for (int k = 0; k < 4; ++k) s.push_back(static_cast<float>(rng.below(101)) / 100.0f);
    t.add_series("vm" + std::to_string(v), 0, Resources{}, s, 4);
  }
  return cloudsim_planetlab_setup(t, hosts);
}

// The table's increases against DcView's own power_with - baseline, bit for
// bit, and its candidates against DcView::suitable, while the view is
// edited, hosts join and leave, in both RAM models and with a stale baseline.
void expect_increases_match_the_view(RamModel ram, bool stale) {
  Rng rng(ram == RamModel::kStrict ? 11 : 7);
  const DcSetup s = random_setup(37, 160, rng);
  DcState state(s, ram);
  state.begin_step(3);
  for (std::int32_t v = 0; v < s.num_vms(); ++v) state.place(v, static_cast<std::int32_t>(rng.below(20)));
  DcView view(state, 4);
  std::vector<double> stale_power;
  if (stale) {
    for (std::int32_t h = 0; h < s.num_hosts(); ++h) stale_power.push_back(rng.uniform(80, 140));
  }
  std::vector<std::int32_t> hosts;
  for (std::int32_t h = 0; h < s.num_hosts(); ++h) {
    if (rng.below(3) != 0) hosts.push_back(h);
  }
  CandidateTable table;
  table.reset(view, hosts, stale_power);
  std::vector<char> live(static_cast<std::size_t>(s.num_hosts()), 0);
  for (std::int32_t h : hosts) live[static_cast<std::size_t>(h)] = 1;
  std::vector<double> out;
  std::size_t checked = 0, suitable = 0;
  for (int round = 0; round < 300; ++round) {
    // Edit the view (a VM moves), and now and then a host joins or leaves.
    const auto moved = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s.num_vms())));
    if (view.host_of(moved) >= 0) view.remove(moved);
    view.add(moved, static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s.num_hosts()))));
    const auto h = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s.num_hosts())));
    if (round % 7 == 3 && !live[static_cast<std::size_t>(h)] &&
        std::find(hosts.begin(), hosts.end(), h) == hosts.end()) {
      table.insert(view, h);
      hosts.insert(std::lower_bound(hosts.begin(), hosts.end(), h), h);
      live[static_cast<std::size_t>(h)] = 1;
    } else if (round % 11 == 5) {
      table.erase(h);
      live[static_cast<std::size_t>(h)] = 0;
    }
    // A VM off every host, as the host search sees it; then, after another
    // edit, the same VM again (a search for the same demand recomputes only
    // the entries changed since).
    const auto v = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s.num_vms())));
    const std::int32_t from = view.host_of(v);
    if (from >= 0) view.remove(v);
    for (int again = 0; again < 2; ++again) {
      if (again == 1) {
        const auto other = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s.num_vms())));
        if (other != v && view.host_of(other) >= 0) {
          view.remove(other);
          view.add(other, static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s.num_hosts()))));
        }
      }
      table.increases(view, v, out, 8);
      ASSERT_EQ(table.size(), hosts.size());
      ASSERT_EQ(out.size(), (hosts.size() + 7) / 8 * 8);
      for (std::size_t p = 0; p < out.size(); ++p) {
        if (p >= hosts.size()) {
          ASSERT_EQ(out[p], kInf) << "padding at " << p;
          continue;
        }
        const std::int32_t host = table.host(p);
        ASSERT_EQ(host, hosts[p]) << "entries in host order";
        const double base = stale ? stale_power[static_cast<std::size_t>(host)] : view.power_now(host);
        const double expected =
            live[static_cast<std::size_t>(host)] && view.suitable(v, host) ? view.power_with(host, v) - base : kInf;
        ASSERT_TRUE(same_bits(out[p], expected))
            << "round " << round << (again ? " (again)" : "") << " host " << host << ": " << out[p] << " != " << expected;
        ++checked;
        suitable += expected != kInf ? 1 : 0;
      }
    }
    if (from >= 0) view.add(v, from);
  }
  // Both kinds of entry were seen many times.
  EXPECT_GT(suitable, checked / 10);
  EXPECT_LT(suitable, checked - checked / 10);
}

TEST(CandidateTable, IncreasesAreTheViewsBitForBit) { expect_increases_match_the_view(RamModel::kCloudSim, false); }

TEST(CandidateTable, IncreasesAreTheViewsBitForBitInTheStrictRamModel) {
  expect_increases_match_the_view(RamModel::kStrict, false);
}

TEST(CandidateTable, IncreasesCountFromAStaleBaselineWhereGiven) {
  expect_increases_match_the_view(RamModel::kCloudSim, true);
}

#if FLEETOPT_X86_AVX2
// The AVX2 kernel against the portable loop on hand-made columns: loads on
// and next to every point of the curves, empty and full hosts, demands
// above a core or the host, dead entries, both RAM models.
TEST(CandidateTable, Avx2KernelMatchesThePortableOne) {
  if (!detail::cpu_has_avx2()) GTEST_SKIP() << "this processor has no AVX2; the table uses the portable loop";
  Rng rng(5);
  std::vector<double> curves(32, 0.0);
  for (int i = 0; i <= 10; ++i) {
    curves[static_cast<std::size_t>(i)] = hp_ml110_g4_power().watts[static_cast<std::size_t>(i)];
    curves[16 + static_cast<std::size_t>(i)] = hp_ml110_g5_power().watts[static_cast<std::size_t>(i)];
  }
  const std::size_t n = 400;
  std::vector<double> demand(n), cap(n), core(n), mips(n), ram(n), ram_cap(n), base(n);
  std::vector<std::int32_t> curve(n);
  for (std::size_t p = 0; p < n; ++p) {
    const bool g5 = p % 2 == 1;
    core[p] = g5 ? 2660 : 1860;
    mips[p] = 2 * core[p];
    cap[p] = p % 13 == 0 ? -kInf : mips[p] * (1 + 1e-9);
    // On a point of the curve, next to one, or anywhere.
    const double u = p % 3 == 0   ? static_cast<double>(rng.below(11)) / 10
                     : p % 3 == 1 ? static_cast<double>(rng.below(11)) / 10 + rng.uniform(-1e-12, 1e-12)
                                  : rng.uniform(0, 1.05);
    demand[p] = std::max(0.0, u * mips[p]);
    ram[p] = rng.uniform(0, 4096);
    ram_cap[p] = 4096;
    base[p] = rng.uniform(80, 140);
    curve[p] = g5 ? 16 : 0;
  }
  const detail::CandidateColumns c{demand.data(), cap.data(), core.data(),  mips.data(),   ram.data(),
                                   ram_cap.data(), base.data(), curve.data(), curves.data(), n};
  std::vector<double> a(n), b(n);
  std::size_t finite = 0;
  for (double d : {0.0, 125.0, 500.0, 1860.0, 2000.0, 2500.0, 3000.0}) {
    for (bool strict : {false, true}) {
      detail::candidate_increases_portable(c, d, 1740, strict, a.data());
      detail::candidate_increases_avx2(c, d, 1740, strict, b.data());
      for (std::size_t p = 0; p < n; ++p) {
        ASSERT_TRUE(same_bits(a[p], b[p])) << "d=" << d << " strict=" << strict << " p=" << p << ": " << a[p]
                                           << " vs " << b[p];
        finite += a[p] != kInf ? 1 : 0;
      }
    }
  }
  EXPECT_GT(finite, n);  // not all masked
}
#endif

TEST(FirstLeast, IsTheFirstPositionOfTheLeast) {
  Rng rng(9);
  for (std::size_t n = 4; n <= 64; n += 4) {
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<double> x(n);
      // Few distinct values, so ties are common; infinities as tested entries.
      for (double& v : x) v = rng.below(5) == 0 ? kInf : static_cast<double>(rng.below(6));
      double least = 0;
      const std::size_t at = first_least(x.data(), n, least);
      const auto expected = std::min_element(x.begin(), x.end());
      ASSERT_EQ(at, static_cast<std::size_t>(expected - x.begin())) << "n=" << n << " trial=" << trial;
      ASSERT_EQ(least, *expected);
    }
  }
}

}  // namespace
}  // namespace fleetopt::consolidate
