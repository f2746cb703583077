// The CloudSim-fidelity mode of the consolidation simulator: a day small
// enough to work out by hand, and each CloudSim behaviour (CloudSimQuirks)
// switched on alone on a case where it changes what happens.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fleetopt/consolidate/dc_model.h"
#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"

namespace fleetopt::consolidate {
namespace {

// Hosts of kind 0 (HP ML110 G4: 2 x 1860 MIPS) or 1 (G5: 2 x 2660 MIPS),
// 1 Gbit/s; VMs of the given types, utilisation per VM and step.
DcSetup hand_setup(const std::vector<int>& host_kinds, const std::vector<DcVmType>& types,
                   const std::vector<int>& vm_type, const std::vector<std::vector<float>>& util) {
  DcSetup s;
  s.name = "hand";
  s.host_types = {{"G4", 1860, 2, 4096, 1000, &hp_ml110_g4_power()},
                  {"G5", 2660, 2, 4096, 1000, &hp_ml110_g5_power()}};
  s.host_type.assign(host_kinds.begin(), host_kinds.end());
  s.vm_types = types;
  s.vm_type.assign(vm_type.begin(), vm_type.end());
  s.steps = static_cast<std::int32_t>(util.front().size());
  for (std::size_t v = 0; v < util.size(); ++v) {
    s.vm_ids.push_back("vm" + std::to_string(v));
    s.util.insert(s.util.end(), util[v].begin(), util[v].end());
  }
  return s;
}

class Idle final : public ConsolidationPolicy {
 public:
  std::string name() const override { return "idle"; }
  void decide(const DcState&, std::vector<DcMove>&) override {}
};

// Two G4 hosts, three VMs of 1000 MIPS and 625 MB (a migration takes
// 625 / (1000 / 2 / 8) = 10 s), THR-MMT 0.8, every CloudSim behaviour on.
//   Creation (spread, the policy's test): vm0 -> h0 (first of two empty
//     hosts), vm1 -> h1 (empty beats P(2000/3720) - P(0)), vm2 -> h0 (tie
//     P(2000/3720) - P(0) on both, first wins; 0.54 is not overloaded).
//   Step 0: no decision (the first tick is at 300.1 s), not counted.
//   Step 1: demands 200, 300, 100: both hosts at 300/3720; h0 is the first
//     under-utilised host; vm0 then vm2 go to h1 (the only running host), at
//     t = 0, both arriving at t = 10 s.
//       h0: P(300/3720) = 86 + 0.806 x 3.4 = 88.742 W for 10 s, then empty;
//       h1: 300 + 10% of 300 = 330 MIPS: 89.016 W for 10 s, then 600 MIPS:
//           89.4 + 0.613 x 3.2 = 91.361 W for 290 s.
//       SLATAH: h1 is charged vm0 and vm2 in full while receiving them (600
//       requested, 330 given) for 10 s.
//   Step 2: vm0's request is 0 now and at the next sample: it leaves for
//     good. h1 runs vm1 (0) and vm2 (400): 89.641 W for 300 s; nothing fits
//     elsewhere (h0 is off), so nothing moves.
//   Step 3: the last tick (86,100.1 s in a day): decides, not counted.
// Energy: 887.42 + 890.16 + 26,494.77 + 26,892.26 J = 55,164.6 J = 15.3235 Wh.
TEST(CloudSimFidelity, TwoHostsThreeVmsWorkedByHand) {
  DcSetup s = hand_setup({0, 0}, {{1000, 625}}, {0, 0, 0},
                         {{0.5f, 0.2f, 0.0f, 0.0f}, {0.5f, 0.3f, 0.0f, 0.5f}, {0.5f, 0.1f, 0.4f, 0.4f}});
  ASSERT_DOUBLE_EQ(s.migration_seconds(0, 1), 10.0);
  DcConfig config;
  config.quirks = quirks_for(Fidelity::kCloudSim);
  auto policy = make_consolidation_policy("thr-mmt");
  DcMetrics m = simulate_consolidation(s, *policy, config);
  EXPECT_EQ(m.migrations, 2);
  EXPECT_EQ(m.vms_left, 1);
  EXPECT_EQ(m.vms_not_created, 0);
  EXPECT_NEAR(m.energy_kwh * 1000, 15.3235, 0.0005);  // Wh
  EXPECT_NEAR(m.slatah, 10.0 / 610.0, 1e-12);
  // Lost: 10% of 200 and of 100 MIPS for 10 s; demanded (steps 1-2):
  // 600 x 300 + 400 x 300 MIPS-s.
  EXPECT_NEAR(m.pdm, 300.0 / 300000.0, 1e-9);  // samples are floats
  EXPECT_NEAR(m.slav, m.slatah * m.pdm, 1e-18);
  EXPECT_NEAR(m.mean_active_hosts, 610.0 / 600.0, 1e-12);

  // fleetopt's model on the same day: VMs stay, every step counts.
  auto again = make_consolidation_policy("thr-mmt");
  DcMetrics f = simulate_consolidation(s, *again, DcConfig{});
  EXPECT_EQ(f.vms_left, 0);
  EXPECT_GT(f.energy_kwh, m.energy_kwh);
}

TEST(CloudSimFidelity, AllQuirksAndNone) {
  EXPECT_FALSE(CloudSimQuirks{}.any());
  EXPECT_FALSE(quirks_for(Fidelity::kFleetopt).any());
  const CloudSimQuirks q = quirks_for(Fidelity::kCloudSim);
  EXPECT_TRUE(q.stale_power_baseline && q.zero_request_vms_leave && q.drain_just_filled_hosts && q.cloudsim_clock &&
              q.zero_utilisation_off && q.spread_initial_placement && q.slatah_incoming_violation && q.trust_moves);
}

TEST(CloudSimFidelity, QuirksByName) {
  CloudSimQuirks q;
  EXPECT_TRUE(set_quirk(q, "stale_power_baseline"));
  EXPECT_TRUE(q.stale_power_baseline);
  EXPECT_FALSE(q.zero_request_vms_leave);
  EXPECT_FALSE(set_quirk(q, "no_such_quirk"));
  CloudSimQuirks all;
  std::string names = quirk_names();
  std::size_t start = 0;
  while (start <= names.size()) {
    std::size_t end = names.find(", ", start);
    if (end == std::string::npos) end = names.size();
    EXPECT_TRUE(set_quirk(all, names.substr(start, end - start)));
    start = end + 2;
  }
  const CloudSimQuirks want = CloudSimQuirks::all();
  EXPECT_TRUE(all.stale_power_baseline == want.stale_power_baseline && all.zero_request_vms_leave &&
              all.drain_just_filled_hosts && all.cloudsim_clock && all.zero_utilisation_off &&
              all.spread_initial_placement && all.slatah_incoming_violation && all.trust_moves);
}

// Quirk 2: a VM whose request is 0 at two consecutive samples leaves for
// good, even though its series comes back; one zero sample is not enough.
TEST(CloudSimQuirk, ZeroRequestVmLeavesForGood) {
  DcSetup s = hand_setup({0, 0}, {{1000, 625}}, {0, 0},
                         {{0.5f, 0.0f, 0.0f, 0.9f, 0.9f}, {0.5f, 0.0f, 0.5f, 0.5f, 0.5f}});
  // Placed apart: one VM per host either way.
  DcConfig off, on;
  on.quirks.zero_request_vms_leave = true;
  on.quirks.spread_initial_placement = true;
  off.quirks.spread_initial_placement = true;
  Idle a, b;
  DcMetrics kept = simulate_consolidation(s, a, off);
  DcMetrics left = simulate_consolidation(s, b, on);
  EXPECT_EQ(kept.vms_left, 0);
  EXPECT_EQ(left.vms_left, 1);  // vm0 only: vm1's zero is followed by 0.5
  // Without vm0, h0 is off from step 1: steps 1..4 lose P(0) twice and
  // P(900/3720) twice.
  const PowerModel& g4 = hp_ml110_g4_power();
  const double saved_j = (2 * g4.at(0) + 2 * g4.at(900.0 / 3720.0)) * 300;
  EXPECT_NEAR((kept.energy_kwh - left.energy_kwh) * 3.6e6, saved_j, 1e-3);  // float samples

  // A VM gone for good has no host and no demand when its series returns.
  DcState st(s, RamModel::kCloudSim, on.quirks);
  st.begin_step(0);
  st.place(0, 0);
  st.remove_vm(0);
  st.begin_step(3);
  EXPECT_TRUE(st.gone(0));
  EXPECT_EQ(st.demand(0), 0.0);
  EXPECT_EQ(st.host_demand(0), 0.0);
  EXPECT_TRUE(st.vms_on(0).empty());
}

// Quirk 1: an overloaded G4 sheds two 1200-MIPS VMs; hosts A and B both run
// 372 MIPS (0.1). The first goes to A (tie, first host). For the second, the
// current value charges A P(0.745) - P(0.423) = 9.75 W, B P(0.423) - P(0.1) =
// 10.67 W: co-locate on A. The stale baseline charges A P(0.745) - P(0.1) =
// 20.4 W: spread to B.
TEST(CloudSimQuirk, StaleBaselineSpreadsWhatTheCurrentValueCoLocates) {
  DcSetup s = hand_setup({0, 0, 0}, {{1200, 500}, {1200, 600}, {1860, 1700}}, {0, 1, 2, 0, 0},
                         {{1.0f}, {1.0f}, {1.0f}, {0.31f}, {0.31f}});
  auto decide = [&](bool stale) {
    CloudSimQuirks q;
    q.stale_power_baseline = stale;
    DcState st(s, RamModel::kCloudSim, q);
    st.begin_step(0);
    st.place(0, 0);
    st.place(1, 0);
    st.place(2, 0);
    st.place(3, 1);
    st.place(4, 2);
    auto policy = make_consolidation_policy("thr-mmt");
    std::vector<DcMove> moves;
    policy->decide(st, moves);
    return moves;
  };
  std::vector<DcMove> current = decide(false), stale = decide(true);
  ASSERT_EQ(current.size(), 2u);
  ASSERT_EQ(stale.size(), 2u);
  EXPECT_EQ(current[0].vm, 0);
  EXPECT_EQ(current[0].to, 1);
  EXPECT_EQ(current[1].vm, 1);
  EXPECT_EQ(current[1].to, 1);  // co-located
  EXPECT_EQ(stale[0].to, 1);
  EXPECT_EQ(stale[1].vm, 1);
  EXPECT_EQ(stale[1].to, 2);  // spread
}

// Quirk 3: O (G4) sheds v1 (1200 MIPS) to A, a G5 running 50 MIPS (the
// cheapest target: B would be overloaded, C at 0.3 costs 10.45 W against
// A's 8.39 W). fleetopt's model then drains C (vc -> B); CloudSim may drain
// A, the least utilised host, in the same round: v1 moves again, to C.
TEST(CloudSimQuirk, JustFilledHostIsDrainedInTheSameRound) {
  // VMs: v1, v3 on O; va on A; vb on B; vc on C.
  DcSetup s = hand_setup({0, 1, 0, 0}, {{1200, 500}, {1860, 1700}, {1000, 600}, {1800, 600}, {1116, 600}},
                         {0, 1, 2, 3, 4}, {{1.0f}, {1.0f}, {0.05f}, {1.0f}, {1.0f}});
  auto decide = [&](bool quirk) {
    CloudSimQuirks q;
    q.drain_just_filled_hosts = quirk;
    DcState st(s, RamModel::kCloudSim, q);
    st.begin_step(0);
    st.place(0, 0);
    st.place(1, 0);
    st.place(2, 1);
    st.place(3, 2);
    st.place(4, 3);
    auto policy = make_consolidation_policy("thr-mmt");
    std::vector<DcMove> moves;
    policy->decide(st, moves);
    return moves;
  };
  auto count = [](const std::vector<DcMove>& moves, std::int32_t v) {
    return std::count_if(moves.begin(), moves.end(), [&](const DcMove& m) { return m.vm == v; });
  };
  std::vector<DcMove> plain = decide(false), quirk = decide(true);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0].vm, 0);
  EXPECT_EQ(plain[0].to, 1);
  EXPECT_EQ(plain[1].vm, 4);
  EXPECT_EQ(plain[1].to, 2);
  for (std::int32_t v = 0; v < s.num_vms(); ++v) EXPECT_LE(count(plain, v), 1) << v;
  ASSERT_EQ(quirk.size(), 3u);
  EXPECT_EQ(quirk[0].vm, 0);
  EXPECT_EQ(quirk[0].to, 1);
  EXPECT_EQ(quirk[1].vm, 0);  // off A again, in the same round
  EXPECT_EQ(quirk[1].to, 3);
  EXPECT_EQ(quirk[2].vm, 2);
  EXPECT_EQ(count(quirk, 0), 2);
}

// The simulator runs a VM's second move in a step only when it trusts the
// policy (CloudSim): both start at t = 0 and take 10 s; the VM loses 10% once.
//   h0: 500 MIPS for 10 s; h1: 50 MIPS (10% of the VM) for 10 s, then
//   nothing; h2: 50 MIPS for 10 s, then 500 MIPS for 290 s; step 1: h2 alone.
TEST(CloudSimQuirk, TrustedMovesRunTwiceInAStep) {
  DcSetup s = hand_setup({0, 0, 0}, {{1000, 625}}, {0}, {{0.5f, 0.5f}});
  struct Twice final : ConsolidationPolicy {
    std::string name() const override { return "twice"; }
    void decide(const DcState& st, std::vector<DcMove>& out) override {
      if (st.step() == 0) out = {{0, 1, 0}, {0, 2, 0}};
    }
  };
  DcConfig trust;
  trust.quirks.trust_moves = true;
  Twice a, b;
  DcMetrics checked = simulate_consolidation(s, a, DcConfig{});
  DcMetrics trusted = simulate_consolidation(s, b, trust);
  EXPECT_EQ(checked.migrations, 1);
  EXPECT_EQ(checked.rejected_moves, 1);
  EXPECT_EQ(trusted.migrations, 2);
  EXPECT_EQ(trusted.rejected_moves, 0);
  const PowerModel& g4 = hp_ml110_g4_power();
  const double p500 = g4.at(500.0 / 3720), p50 = g4.at(50.0 / 3720);
  EXPECT_NEAR(trusted.energy_kwh * 3.6e6, p500 * 10 + p50 * 10 + p50 * 10 + p500 * 290 + p500 * 300, 1e-6);
  EXPECT_NEAR(trusted.pdm, 0.1 * 500 * 10 / (500.0 * 600), 1e-12);
}

// Quirk 7: two 500-MIPS VMs on two idle G4s: fleetopt's creation compares
// P(VM) - P(0), the same on both, and packs them on h0; CloudSim's compares
// P(allocated + VM) - P(0) and spreads them.
TEST(CloudSimQuirk, SpreadInitialPlacement) {
  DcSetup s = hand_setup({0, 0}, {{500, 613}}, {0, 0}, {{0.5f}, {0.5f}});
  CloudSimQuirks q;
  DcState packed(s, RamModel::kCloudSim, q);
  packed.begin_step(0);
  EXPECT_EQ(cloudsim_initial_placement(packed), 0);
  EXPECT_EQ(packed.host_of(0), 0);
  EXPECT_EQ(packed.host_of(1), 0);
  q.spread_initial_placement = true;
  DcState spread(s, RamModel::kCloudSim, q);
  spread.begin_step(0);
  EXPECT_EQ(cloudsim_initial_placement(spread), 0);
  EXPECT_EQ(spread.host_of(0), 0);
  EXPECT_EQ(spread.host_of(1), 1);
}

// Quirk 7, creation that fails: three 2000-MIPS VMs fit only G5 cores, and
// one G5 has room for two (6000 > 5320 MIPS). CloudSim never creates the
// third (its cloudlet never runs); fleetopt's model refuses the day.
TEST(CloudSimQuirk, VmThatFitsNowhereAtCreationIsNeverCreated) {
  DcSetup s = hand_setup({1, 0}, {{2000, 1000}}, {0, 0, 0}, {{0.5f}, {0.5f}, {0.5f}});
  CloudSimQuirks q;
  q.spread_initial_placement = true;
  auto lr = make_consolidation_policy("lr-mmt");
  DcState a(s, RamModel::kCloudSim, q);
  a.begin_step(0);
  EXPECT_EQ(cloudsim_initial_placement(a, lr.get()), 1);
  EXPECT_EQ(a.host_of(0), 0);
  EXPECT_EQ(a.host_of(1), 0);  // 2000 / 5320 alone is not overloaded at creation
  EXPECT_TRUE(a.gone(2));
  DcState b(s, RamModel::kCloudSim, CloudSimQuirks{});
  b.begin_step(0);
  EXPECT_THROW(cloudsim_initial_placement(b, lr.get()), InputError);
  DcConfig config;
  config.quirks = quirks_for(Fidelity::kCloudSim);
  DcMetrics m = simulate_consolidation(s, *lr, config);
  EXPECT_EQ(m.vms_not_created, 1);
}

// Quirk 6: a host whose VMs request nothing draws nothing and is not active.
TEST(CloudSimQuirk, ZeroUtilisationHostIsOff) {
  DcSetup s = hand_setup({0}, {{1000, 625}}, {0}, {{0.0f, 0.5f}});
  DcConfig on;
  on.quirks.zero_utilisation_off = true;
  Idle a, b;
  DcMetrics plain = simulate_consolidation(s, a, DcConfig{});
  DcMetrics off = simulate_consolidation(s, b, on);
  const PowerModel& g4 = hp_ml110_g4_power();
  EXPECT_NEAR(plain.energy_kwh * 3.6e6, (g4.at(0) + g4.at(500.0 / 3720)) * 300, 1e-6);
  EXPECT_NEAR(off.energy_kwh * 3.6e6, g4.at(500.0 / 3720) * 300, 1e-6);
  EXPECT_NEAR(off.mean_active_hosts, 0.5, 1e-12);
}

// The SLATAH rule: while a host receives a VM it is charged the whole request
// but given 10%, so it is in violation for the migration's duration.
TEST(CloudSimQuirk, ReceivingHostIsInViolationWhileTheMigrationRuns) {
  DcSetup s = hand_setup({0, 0}, {{1000, 625}}, {0, 0}, {{0.5f, 0.5f}, {0.5f, 0.5f}});
  struct MoveVm1 final : ConsolidationPolicy {
    std::string name() const override { return "move"; }
    void decide(const DcState& st, std::vector<DcMove>& out) override {
      if (st.step() == 0) out.push_back({1, 1, 0});
    }
  };
  DcConfig on;
  on.quirks.slatah_incoming_violation = true;
  MoveVm1 a, b;
  DcMetrics plain = simulate_consolidation(s, a, DcConfig{});
  DcMetrics rule = simulate_consolidation(s, b, on);
  EXPECT_EQ(plain.migrations, 1);
  EXPECT_EQ(plain.slatah, 0.0);
  // Active: h0 600 s; h1 from 0 s (receiving) to 600 s. In violation 10 s.
  EXPECT_NEAR(rule.slatah, 10.0 / 1200.0, 1e-12);
  EXPECT_NEAR(rule.energy_kwh, plain.energy_kwh, 1e-12);  // power is unchanged
}

// Quirk 5: the first tick is at 300.1 s: no decisions in step 0, and only
// steps 1 .. steps-2 count.
TEST(CloudSimQuirk, CloudSimClock) {
  DcSetup s = hand_setup({0}, {{1000, 625}}, {0}, {{0.1f, 0.2f, 0.3f, 0.4f}});
  DcConfig on;
  on.quirks.cloudsim_clock = true;
  Idle a, b;
  DcMetrics plain = simulate_consolidation(s, a, DcConfig{});
  DcMetrics clock = simulate_consolidation(s, b, on);
  const PowerModel& g4 = hp_ml110_g4_power();
  EXPECT_NEAR(clock.energy_kwh * 3.6e6, (g4.at(200.0 / 3720) + g4.at(300.0 / 3720)) * 300, 1e-3);
  EXPECT_GT(plain.energy_kwh, clock.energy_kwh);
}

// The moves a policy decides at `step` with vm v on hosts[v].
std::vector<DcMove> decide_at(const DcSetup& s, const std::vector<std::int32_t>& hosts, std::int32_t step,
                              const std::string& policy) {
  DcState st(s, RamModel::kCloudSim);
  st.begin_step(step);
  for (std::size_t v = 0; v < hosts.size(); ++v) st.place(static_cast<std::int32_t>(v), hosts[v]);
  auto p = make_consolidation_policy(policy);
  std::vector<DcMove> moves;
  p->decide(st, moves);
  return moves;
}

// IQR and MAD: a host at 0.726 whose history swings between 0.242 and 0.726
// (IQR 0.484, MAD 0.242: thresholds 1 - 1.5 x 0.484 = 0.274 and
// 1 - 2.5 x 0.242 = 0.395) is overloaded; at a steady 0.726 (spread 0) it is
// not; with fewer than 12 samples the fallback THR 0.7 finds it overloaded.
TEST(ClassicPairs, IqrAndMadThresholdsFollowTheHistory) {
  std::vector<float> swing, steady(14, 1.0f), half(14, 0.5f);
  for (int k = 0; k < 14; ++k) swing.push_back(k % 2 == 1 ? 1.0f : 0.0f);
  DcSetup volatile_day = hand_setup({0, 0}, {{1800, 600}, {1800, 700}}, {0, 1}, {swing, half});
  DcSetup steady_day = hand_setup({0, 0}, {{1800, 600}, {1800, 700}}, {0, 1}, {steady, half});
  for (const char* policy : {"iqr-mmt", "mad-mmt"}) {
    std::vector<DcMove> moves = decide_at(volatile_day, {0, 0}, 13, policy);
    ASSERT_EQ(moves.size(), 1u) << policy;
    EXPECT_EQ(moves[0].vm, 0) << policy;  // least RAM
    EXPECT_EQ(moves[0].to, 1) << policy;
    EXPECT_TRUE(decide_at(steady_day, {0, 0}, 13, policy).empty()) << policy;
    EXPECT_EQ(decide_at(steady_day, {0, 0}, 5, policy).size(), 1u) << policy;  // 6 samples: THR 0.7
  }
  EXPECT_TRUE(decide_at(volatile_day, {0, 0}, 13, "thr-mmt").empty());  // 0.726 <= 0.8
}

// Selection: an overloaded G4 (1800 + 1260 MIPS = 0.82) sheds the VM with
// the least RAM (MMT: vm0) or the least CPU share (MU: vm1, at 0.7).
TEST(ClassicPairs, MinimumUtilisationAndRandomSelection) {
  DcSetup s = hand_setup({0, 0}, {{1800, 600}, {1800, 700}}, {0, 1}, {{1.0f}, {0.7f}});
  std::vector<DcMove> mmt = decide_at(s, {0, 0}, 0, "thr-mmt"), mu = decide_at(s, {0, 0}, 0, "thr-mu");
  ASSERT_EQ(mmt.size(), 1u);
  ASSERT_EQ(mu.size(), 1u);
  EXPECT_EQ(mmt[0].vm, 0);
  EXPECT_EQ(mu[0].vm, 1);
  std::set<std::int32_t> picked;
  for (int seed = 1; seed <= 20; ++seed) {
    std::vector<DcMove> rs = decide_at(s, {0, 0}, 0, "thr-rs@seed=" + std::to_string(seed));
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].vm, decide_at(s, {0, 0}, 0, "thr-rs@seed=" + std::to_string(seed))[0].vm);  // seeded
    picked.insert(rs[0].vm);
  }
  EXPECT_EQ(picked.size(), 2u);  // both VMs get picked over 20 seeds
  EXPECT_EQ(make_consolidation_policy("lrr-mmt")->name(), "lrr-mmt");
}

TEST(VmOrder, ReorderFollowsTheListAndTypesFollowTheOrder) {
  SeriesTrace t;
  t.name = "day";
  for (const char* id : {"a", "b", "c", "d"}) {
    t.add_series(id, 0, Resources{}, {static_cast<float>(id[0] - 'a') / 10}, 1);
  }
  SeriesTrace r = reorder_series(t, {"d", "b", "a", "c"});
  ASSERT_EQ(r.ids, (std::vector<std::string>{"d", "b", "a", "c"}));
  DcSetup s = cloudsim_planetlab_setup(r, 4);
  EXPECT_EQ(s.vm_type, (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_FLOAT_EQ(s.utilisation(0, 0), 0.3f);  // d's sample
  EXPECT_FLOAT_EQ(s.utilisation(2, 0), 0.0f);  // a's sample
  EXPECT_THROW(reorder_series(t, {"d", "b", "a"}), InputError);            // c left out
  EXPECT_THROW(reorder_series(t, {"d", "b", "a", "c", "a"}), InputError);  // a twice
  EXPECT_THROW(reorder_series(t, {"d", "b", "a", "x"}), InputError);       // not a series
}

TEST(VmOrder, DirectoryOrderListsRegularVisibleFiles) {
  ScratchDir dir("vm_order");
  dir.write("b", "1\n");
  dir.write("a", "2\n");
  dir.write(".hidden", "3\n");
  std::filesystem::create_directories(dir.dir() / "sub");
  std::vector<std::string> names = directory_order(dir.dir().string());
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(names.size(), 2u);
  EXPECT_THROW(directory_order(dir.path("missing")), InputError);
}

}  // namespace
}  // namespace fleetopt::consolidate
