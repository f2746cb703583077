#include "fleetopt/consolidate/dc_sim.h"
#include "fleetopt/consolidate/dc_view.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"

namespace fleetopt::consolidate {
namespace {

// A small data centre in the benchmark's setting: hosts alternate G4/G5,
// VMs of the four types, utilisation series given per VM.
DcSetup small_setup(std::int32_t hosts, const std::vector<std::vector<float>>& series) {
  SeriesTrace t;
  t.name = "synthetic";
  for (std::size_t i = 0; i < series.size(); ++i) {
    t.add_series("vm" + std::to_string(i), 0, Resources{}, series[i], static_cast<std::uint32_t>(series[i].size()));
  }
  return cloudsim_planetlab_setup(t, hosts);
}

// Diurnal utilisation with noise, seeded.
std::vector<std::vector<float>> diurnal(std::int32_t vms, std::int32_t steps, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<float>> out;
  for (std::int32_t v = 0; v < vms; ++v) {
    double base = rng.uniform(0.05, 0.3), amp = rng.uniform(0.0, 0.25), phase = rng.uniform(0, 6.28);
    std::vector<float> s;
    for (std::int32_t k = 0; k < steps; ++k) {
      double u = base + amp * std::sin(phase + 6.28 * k / steps) + 0.08 * rng.normal();
      s.push_back(static_cast<float>(std::clamp(u, 0.0, 1.0)));
    }
    out.push_back(s);
  }
  return out;
}

class Idle final : public ConsolidationPolicy {
 public:
  std::string name() const override { return "idle"; }
  void decide(const DcState&, std::vector<DcMove>&) override {}
};

class MoveOnce final : public ConsolidationPolicy {
 public:
  MoveOnce(std::int32_t vm, std::int32_t to) : vm_(vm), to_(to) {}
  std::string name() const override { return "move-once"; }
  void decide(const DcState& s, std::vector<DcMove>& moves) override {
    if (s.step() == 0) moves.push_back({vm_, to_, 0});
  }

 private:
  std::int32_t vm_, to_;
};

TEST(PowerModel, InterpolatesTheSpecPowerTable) {
  const PowerModel& g4 = hp_ml110_g4_power();
  EXPECT_DOUBLE_EQ(g4.at(0), 86);
  EXPECT_DOUBLE_EQ(g4.at(1), 117);
  EXPECT_NEAR(g4.at(0.05), 87.7, 1e-9);
  EXPECT_NEAR(hp_ml110_g5_power().at(0.55), 118.5, 1e-9);
  EXPECT_DOUBLE_EQ(g4.at(1.7), 117);  // clamped
}

TEST(Setup, AssignsCloudSimTypesInBlocks) {
  DcSetup s = small_setup(4, std::vector<std::vector<float>>(8, std::vector<float>(3, 0.5f)));
  EXPECT_EQ(s.vm(0).mips, 2500);
  EXPECT_EQ(s.vm(2).mips, 2000);
  EXPECT_EQ(s.vm(7).mips, 500);
  EXPECT_EQ(s.host(0).core_mips, 1860);
  EXPECT_EQ(s.host(1).core_mips, 2660);
  EXPECT_NEAR(s.migration_seconds(0, 1), 870 / 62.5, 1e-9);
}

TEST(Simulator, EnergyOfAStaticPlacement) {
  // One 500-MIPS VM at 50%: the first-fit G5 host runs at 250/5320.
  std::vector<std::vector<float>> one = {{0.5f, 0.5f}};
  DcSetup s = small_setup(2, one);
  s.vm_type[0] = 3;
  Idle idle;
  DcMetrics m = simulate_consolidation(s, idle);
  double watts = hp_ml110_g5_power().at(250.0 / 5320.0);
  EXPECT_NEAR(m.energy_kwh, watts * 600 / 3.6e6, 1e-12);
  EXPECT_EQ(m.migrations, 0);
  EXPECT_EQ(m.slatah, 0);
  EXPECT_EQ(m.pdm, 0);
  EXPECT_NEAR(m.mean_active_hosts, 1, 1e-12);
}

TEST(View, LogsTheHostOfEveryEditFromItsCreationOn) {
  std::vector<std::vector<float>> three = {{0.2f}, {0.3f}, {0.4f}};
  DcSetup s = small_setup(3, three);
  DcState state(s, RamModel::kCloudSim);
  state.begin_step(0);
  state.place(0, 0);
  state.place(1, 0);
  state.place(2, 1);
  DcView view(state, 1);
  EXPECT_EQ(view.change_count(), 0u);  // building the view is not a change
  view.remove(1);
  view.add(1, 2);
  view.remove(2);
  ASSERT_EQ(view.change_count(), 3u);
  EXPECT_EQ(view.changed_host(0), 0);
  EXPECT_EQ(view.changed_host(1), 2);
  EXPECT_EQ(view.changed_host(2), 1);
  EXPECT_EQ(view.demand(2), state.demand(1));
}

// A value the compiler can neither fold nor fuse into a multiply-add.
double rounded(double x) {
  volatile double v = x;
  return v;
}

// A host's history is each VM's share (sample x its MIPS over the host's)
// added in list order, every product rounded before the sum: the build
// forbids fused multiply-adds (-ffp-contract=off, CMakeLists.txt), which
// would change these bits, and with them decisions, on processors that
// have them (an -mfma build of a MAD-MU day made 156,821 migrations, not
// 156,231).
TEST(View, HistoryProductsAreRoundedBeforeTheyAreSummed) {
  const std::vector<std::vector<float>> series = diurnal(3, 40, 17);
  DcSetup s = small_setup(2, series);
  DcState state(s, RamModel::kCloudSim);
  state.begin_step(35);
  for (std::int32_t v = 0; v < 3; ++v) state.place(v, 1);
  const DcView view(state, 30);
  ASSERT_EQ(view.history_available(), 30);
  for (std::int32_t i = 0; i < 30; ++i) {
    double expected = 0;
    for (std::int32_t v : view.vms_on(1)) {
      const double sample = series[static_cast<std::size_t>(v)][static_cast<std::size_t>(35 - i)];
      const double scale = s.vm(v).mips / s.host(1).mips();
      expected = rounded(expected + rounded(sample * scale));
    }
    EXPECT_EQ(view.history(1, i), expected) << "sample " << i;
  }
}

TEST(View, RebuildIsAFreshViewWithANewId) {
  std::vector<std::vector<float>> three = {{0.2f, 0.5f}, {0.3f, 0.1f}, {0.4f, 0.6f}};
  DcSetup s = small_setup(3, three);
  DcState state(s, RamModel::kCloudSim);
  state.begin_step(0);
  state.place(0, 0);
  state.place(1, 0);
  state.place(2, 1);
  DcView view(state, 2);
  view.remove(1);
  view.add(1, 2);  // edits the rebuild must forget
  const std::uint64_t old_id = view.id();
  state.begin_step(1);
  state.move(2, 2);
  view.rebuild(state);
  const DcView fresh(state, 2);
  EXPECT_NE(view.id(), old_id);
  EXPECT_NE(view.id(), fresh.id());
  EXPECT_EQ(view.change_count(), 0u);
  for (std::int32_t h = 0; h < 3; ++h) {
    EXPECT_EQ(view.vms_on(h), fresh.vms_on(h)) << h;
    EXPECT_EQ(view.demand(h), fresh.demand(h)) << h;
    EXPECT_EQ(view.power_now(h), fresh.power_now(h)) << h;
    EXPECT_EQ(view.revision(h), fresh.revision(h)) << h;
    for (std::int32_t i = 0; i < view.history_available(); ++i) EXPECT_EQ(view.history(h, i), fresh.history(h, i));
  }
  EXPECT_EQ(view.host_of(2), 2);
}

TEST(Simulator, MigrationCostsTenPercentWhileItRuns) {
  std::vector<std::vector<float>> two = {{0.4f, 0.4f}, {0.4f, 0.4f}};
  DcSetup s = small_setup(4, two);
  s.vm_type = {3, 3};  // 500 MIPS, 613 MB
  MoveOnce policy(0, 3);
  DcMetrics m = simulate_consolidation(s, policy);
  EXPECT_EQ(m.migrations, 1);
  double tau = 613 / 62.5, demand = 200;
  EXPECT_NEAR(m.pdm, 0.1 * demand * tau / (2 * demand * 600), 1e-12);
  // Host 3 ran from the migration's start: more than one host on average.
  EXPECT_GT(m.mean_active_hosts, 1.5);
}

TEST(Simulator, DemandAboveTheHostIsSlaTime) {
  // Three 2000-MIPS VMs: two share the first G5 host at creation, the third
  // gets another G5. At step 0 (10% use) the third joins the first two; at
  // step 1 (100%) the host wants 6000 of its 5320 MIPS for the whole step.
  std::vector<std::vector<float>> series(3, std::vector<float>{0.1f, 1.0f});
  DcSetup s = small_setup(4, series);
  s.vm_type = {1, 1, 1};
  DcState st(s, RamModel::kCloudSim);
  st.begin_step(0);
  cloudsim_initial_placement(st);
  ASSERT_EQ(st.host_of(0), 1);
  ASSERT_EQ(st.host_of(1), 1);
  ASSERT_EQ(st.host_of(2), 3);
  MoveOnce join(2, 1);
  DcMetrics m = simulate_consolidation(s, join);
  EXPECT_EQ(m.migrations, 1);
  double tau = 1740 / 62.5;
  EXPECT_NEAR(m.slatah, 300 / (600 + tau), 1e-9);
  // With the strict RAM model the join is refused: 3 x 1740 MB > 4096 MB.
  DcMetrics strict = simulate_consolidation(s, join, DcConfig{RamModel::kStrict});
  EXPECT_EQ(strict.migrations, 0);
  EXPECT_EQ(strict.rejected_moves, 1);
  EXPECT_EQ(strict.slatah, 0);
}

TEST(Simulator, AVmWantingMoreThanOneCoreIsSlaTime) {
  // A 2500-MIPS VM moved to a G4 host (1860-MIPS cores) while it uses 20%,
  // then wanting 90% (2250 MIPS): CloudSim caps it at one core.
  std::vector<std::vector<float>> series = {{0.2f, 0.9f}};
  DcSetup s = small_setup(2, series);
  MoveOnce to_g4(0, 0);
  DcMetrics m = simulate_consolidation(s, to_g4);
  ASSERT_EQ(m.migrations, 1);
  double tau = 870 / 62.5;
  EXPECT_NEAR(m.slatah, 300 / (600 + tau), 1e-9);
  // Energy sees the capped use: the G4 host runs at 1860 / 3720 in step 1.
  double step1 = hp_ml110_g4_power().at(0.5) * 300;
  EXPECT_GT(m.energy_kwh * 3.6e6, step1);
  // A move whose demand does not fit a core now is refused outright.
  std::vector<std::vector<float>> hot = {{0.9f}};
  DcSetup h = small_setup(2, hot);
  DcMetrics r = simulate_consolidation(h, to_g4);
  EXPECT_EQ(r.migrations, 0);
  EXPECT_EQ(r.rejected_moves, 1);
}

TEST(Policies, ThresholdPolicyShedsTheLeastRamVm) {
  // Host 1 (G5) at creation: VM0 (2500, 870 MB) + VM1 (2000, 1740 MB)... at
  // 100% both: 4500 / 5320 = 85% > 80%.
  std::vector<std::vector<float>> series = {{1.0f}, {1.0f}};
  DcSetup s = small_setup(4, series);
  s.vm_type = {0, 1};
  DcState st(s, RamModel::kCloudSim);
  st.begin_step(0);
  cloudsim_initial_placement(st);
  ASSERT_EQ(st.host_of(0), st.host_of(1));
  auto thr = make_consolidation_policy("thr-mmt");
  std::vector<DcMove> moves;
  thr->decide(st, moves);
  ASSERT_FALSE(moves.empty());
  EXPECT_EQ(moves[0].vm, 0);  // 870 MB < 1740 MB
  EXPECT_NE(moves[0].to, st.host_of(0));
}

TEST(Policies, LocalRegressionSeesARisingTrend) {
  double rising[10] = {0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75};
  EXPECT_NEAR(ols_predict(rising, 10, 11), 0.8, 1e-9);
  double flat[10] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
  EXPECT_NEAR(ols_predict(flat, 10, 11), 0.5, 1e-12);
}

TEST(Policies, OursBeatsTheClassicPairOnASyntheticDay) {
  DcSetup s = small_setup(80, diurnal(120, 96, 5));
  auto run = [&](const std::string& p) {
    auto policy = make_consolidation_policy(p);
    return simulate_consolidation(s, *policy);
  };
  DcMetrics ours = run("fleetopt-pctl"), thr = run("thr-mmt"), lr = run("lr-mmt");
  EXPECT_LT(ours.energy_kwh, thr.energy_kwh);
  EXPECT_LT(ours.energy_kwh, lr.energy_kwh);
  EXPECT_LT(ours.migrations, thr.migrations / 2);
  EXPECT_LT(ours.migrations, lr.migrations / 2);
  EXPECT_LE(ours.slav, thr.slav);
  EXPECT_LE(ours.slav, lr.slav);
  RecordProperty("ours_kwh_x1000", static_cast<int>(ours.energy_kwh * 1000));
  RecordProperty("thr_kwh_x1000", static_cast<int>(thr.energy_kwh * 1000));
}

TEST(Policies, UnknownNamesAndOptionsAreErrors) {
  // Every published detector x selection pair is a policy (issue 13);
  // unknown parts stay errors.
  EXPECT_NO_THROW(make_consolidation_policy("thr-mc"));
  EXPECT_THROW(make_consolidation_policy("thr-xyz"), InputError);
  EXPECT_THROW(make_consolidation_policy("lr-mc@seed=1"), InputError);  // seed is for rs only
  EXPECT_THROW(make_consolidation_policy("xyz-mmt"), InputError);
  EXPECT_THROW(make_consolidation_policy("thr"), InputError);
  EXPECT_THROW(make_consolidation_policy("iqr-mmt@threshold=0.5"), InputError);
  EXPECT_THROW(make_consolidation_policy("lr-mu@seed=1"), InputError);  // seed is for rs only
  EXPECT_THROW(make_consolidation_policy("thr-mmt@safety=2"), InputError);
  EXPECT_THROW(make_consolidation_policy("fleetopt-pctl@z=-1"), InputError);
}

}  // namespace
}  // namespace fleetopt::consolidate
