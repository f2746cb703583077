#include "fleetopt/rearrange/bounds.h"
#include "fleetopt/rearrange/packing.h"
#include "fleetopt/rearrange/rearrange.h"

#include <gtest/gtest.h>

#include <functional>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/rearrange/test_util.h"

namespace fleetopt::rearrange {
namespace {

using testing::cpu_cluster;
using testing::on;

// A cluster whose VMs were spread (least loaded first) over more hosts than
// they need: the usual starting point of a defragmentation.
struct Fixture {
  Cluster c;
  Placement a;
};

Fixture spread_cluster(std::uint64_t seed, int hosts, int vms) {
  Fixture f;
  f.c.dims = kCpuMem;
  Rng rng(seed);
  for (int h = 0; h < hosts; ++h) {
    Host host;
    host.id = fmt::format("h{}", h);
    host.capacity = make_resources(32, 128);
    f.c.hosts.push_back(host);
  }
  const double flavours[][2] = {{1, 2}, {2, 4}, {2, 8}, {4, 8}, {4, 16}, {8, 32}, {8, 16}, {16, 64}};
  for (int v = 0; v < vms; ++v) {
    const auto& fl = flavours[rng.below(8)];
    Vm vm;
    vm.id = fmt::format("v{}", v);
    vm.demand = make_resources(fl[0], fl[1]);
    vm.memory_gb = fl[1];
    f.c.vms.push_back(vm);
  }
  f.c.index();
  RuleSet rules = standard_rules(f.c);
  Occupancy occ(f.c);
  f.a.assign(static_cast<std::size_t>(vms), kNoHost);
  for (int v = 0; v < vms; ++v) {
    std::int32_t best = kNoHost;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (!rules.admits(occ, v, h)) continue;
      if (best == kNoHost || normalised_load(f.c, h, occ.load(h)) < normalised_load(f.c, best, occ.load(best))) best = h;
    }
    if (best == kNoHost) continue;
    f.a[static_cast<std::size_t>(v)] = best;
    occ.add(v, best);
  }
  return f;
}

RearrangeReport run(const Cluster& c, const Placement& a, const std::string& strategy, TargetOptions opts = {},
                    const std::string& subset = "") {
  RuleSet rules = standard_rules(c);
  auto cost = make_migration_cost("memory");
  Scope scope = make_scope(c, a, subset);
  TargetProblem p{c, rules, *cost, a, scope, opts};
  auto s = make_strategy(strategy);
  RearrangeReport r = rearrange(p, *s);
  if (r.target.ok && r.plan.feasible()) {
    auto problem = check_plan(c, rules, a, r.target.b, r.plan, PlanLimits{});
    EXPECT_FALSE(problem.has_value()) << strategy << ": " << *problem;
  }
  return r;
}

// Fewest bins for 1-D sizes, by trying every assignment (tiny inputs only).
int optimal_bins(const std::vector<double>& sizes, double cap) {
  int n = static_cast<int>(sizes.size());
  for (int bins = 1; bins <= n; ++bins) {
    std::vector<double> load(static_cast<std::size_t>(bins), 0);
    std::function<bool(int)> place = [&](int i) {
      if (i == n) return true;
      for (int b = 0; b < bins; ++b) {
        if (load[static_cast<std::size_t>(b)] + sizes[static_cast<std::size_t>(i)] > cap + 1e-9) continue;
        load[static_cast<std::size_t>(b)] += sizes[static_cast<std::size_t>(i)];
        if (place(i + 1)) return true;
        load[static_cast<std::size_t>(b)] -= sizes[static_cast<std::size_t>(i)];
        if (load[static_cast<std::size_t>(b)] == 0) break;  // empty bins are interchangeable
      }
      return false;
    };
    if (place(0)) return bins;
  }
  return n;
}

TEST(Bounds, MartelloTothL2) {
  // Three items of 6 in bins of 10 need three bins; the continuous bound says 2.
  EXPECT_EQ(martello_toth_l2({6, 6, 6}, 10), 3);
  // 7, 7 and four 3s: each 7 opens a bin (J1/J2) and the 3s fill what is left.
  EXPECT_EQ(martello_toth_l2({7, 7, 3, 3, 3, 3}, 10), 3);
  EXPECT_EQ(martello_toth_l2({}, 10), 0);
}

TEST(Bounds, NeverAboveTheOptimumOnRandomInstances) {
  Rng rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    int n = 1 + static_cast<int>(rng.below(8));
    std::vector<double> sizes;
    for (int i = 0; i < n; ++i) sizes.push_back(static_cast<double>(1 + rng.below(10)));
    int opt = optimal_bins(sizes, 10);
    EXPECT_LE(martello_toth_l2(sizes, 10), opt);
    double total = 0;
    for (double s : sizes) total += s;
    EXPECT_GE(martello_toth_l2(sizes, 10), static_cast<std::int64_t>(std::ceil(total / 10 - 1e-9)));
  }
}

TEST(Bounds, ConfigurationLpSeesWhatTheContinuousBoundMisses) {
  // The CloudSim PlanetLab memory sizes: two 1740 MB VMs fill a 4096 MB host
  // only with a 613 MB VM beside them, and those run out.
  std::vector<double> sizes;
  for (int i = 0; i < 80; ++i) sizes.push_back(1740);
  for (int i = 0; i < 40; ++i) sizes.push_back(870);
  for (int i = 0; i < 40; ++i) sizes.push_back(613);
  EXPECT_EQ(martello_toth_l2(sizes, 4096), 49);
  EXPECT_NEAR(configuration_lp_bound(sizes, 4096), 50, 1e-6);
  // Too many distinct sizes: not computed.
  std::vector<double> many;
  for (int i = 0; i < 40; ++i) many.push_back(1 + i);
  EXPECT_LT(configuration_lp_bound(many, 100), 0);
}

TEST(Bounds, ConfigurationLpNeverAboveTheOptimum) {
  Rng rng(8);
  for (int trial = 0; trial < 200; ++trial) {
    int n = 1 + static_cast<int>(rng.below(8));
    std::vector<double> sizes;
    for (int i = 0; i < n; ++i) sizes.push_back(static_cast<double>(1 + rng.below(10)));
    double lp = configuration_lp_bound(sizes, 10);
    EXPECT_LE(std::ceil(lp - 1e-6), optimal_bins(sizes, 10));
    double total = 0;
    for (double x : sizes) total += x;
    EXPECT_GE(lp + 1e-6, total / 10);  // never below the continuous bound
  }
}

// Fewest hosts of a small two-resource cluster, by trying every assignment.
int optimal_hosts(const std::vector<Resources>& vms, const std::vector<Resources>& hosts) {
  int best = static_cast<int>(hosts.size()) + 1;
  std::vector<Resources> load(hosts.size());
  std::function<void(std::size_t)> place = [&](std::size_t i) {
    if (i == vms.size()) {
      int used = 0;
      for (const auto& l : load) used += (l[kCpu] > 0 || l[kMem] > 0) ? 1 : 0;
      best = std::min(best, used);
      return;
    }
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      Resources after = load[h] + vms[i];
      if (after[kCpu] > hosts[h][kCpu] + 1e-9 || after[kMem] > hosts[h][kMem] + 1e-9) continue;
      load[h] = after;
      place(i + 1);
      load[h] -= vms[i];
    }
  };
  place(0);
  return best;
}

TEST(Bounds, AssignmentLpSeesResourcesTogetherAcrossHostTypes) {
  // A cpu-rich and a memory-rich host: each resource alone fits both VMs on
  // one host, but a VM of (4, 4) takes more than half of the scarce resource
  // of either type, so no host holds two.
  std::vector<Resources> vms = {make_resources(4, 4), make_resources(4, 4)};
  std::vector<Resources> hosts = {make_resources(10, 4), make_resources(4, 10), make_resources(10, 4)};
  EXPECT_EQ(assignment_lp_bound(vms, hosts, kCpuMem), 2);
  EXPECT_EQ(optimal_hosts(vms, hosts), 2);
  // Three VMs over half a host each: three hosts, though the total fits two.
  std::vector<Resources> big(3, make_resources(6, 1));
  std::vector<Resources> same(4, make_resources(10, 10));
  EXPECT_EQ(assignment_lp_bound(big, same, kCpuMem), 3);
  // A VM that fits no host: no bound from this LP.
  EXPECT_EQ(assignment_lp_bound({make_resources(20, 1)}, same, kCpuMem), 0);
}

TEST(Bounds, AssignmentLpNeverAboveTheOptimumAndBinCentricNeverBelow) {
  Rng rng(21);
  int feasible = 0, stranded = 0;
  for (int trial = 0; trial < 150; ++trial) {
    Cluster c;
    c.dims = kCpuMem;
    std::vector<Resources> hosts, vms;
    const int nh = 2 + static_cast<int>(rng.below(3)), nv = 1 + static_cast<int>(rng.below(6));
    for (int h = 0; h < nh; ++h) {
      Host host;
      host.id = fmt::format("h{}", h);
      host.capacity = make_resources(static_cast<double>(6 + 2 * rng.below(3)), static_cast<double>(6 + 2 * rng.below(3)));
      hosts.push_back(host.capacity);
      c.hosts.push_back(host);
    }
    Placement a;
    for (int v = 0; v < nv; ++v) {
      Vm vm;
      vm.id = fmt::format("v{}", v);
      vm.demand = make_resources(static_cast<double>(1 + rng.below(5)), static_cast<double>(1 + rng.below(5)));
      vm.memory_gb = vm.demand[kMem];
      vms.push_back(vm.demand);
      c.vms.push_back(vm);
      a.push_back(v % nh);  // A may be over capacity: only B is judged here
    }
    c.index();
    const int opt = optimal_hosts(vms, hosts);
    if (opt > nh) continue;  // no packing at all
    EXPECT_LE(assignment_lp_bound(vms, hosts, kCpuMem), opt) << "trial " << trial;
    RuleSet rules = standard_rules(c);
    auto cost = make_migration_cost("memory");
    Scope scope = make_scope(c, a);
    TargetProblem p{c, rules, *cost, a, scope, {}};
    ++feasible;
    ScratchPacking packed = bin_centric_pack(p);
    if (!packed.ok) {  // a greedy can strand a VM where a packing exists; rarely
      ++stranded;
      continue;
    }
    EXPECT_GE(packed.hosts, opt);
    EXPECT_TRUE(insane_hosts(c, rules, packed.b).empty()) << "trial " << trial;
  }
  EXPECT_GT(feasible, 100);
  EXPECT_LE(stranded * 20, feasible);  // at most 5%
}

TEST(Defrag, FillsTheScarceResourceOfMixedHosts) {
  // GPU-like: four 8-cpu hosts with 4 units of a scarce resource, four 32-cpu
  // hosts without. Eight VMs of (2 cpu, 1 unit) fill two of the first kind
  // exactly; four VMs of 6 cpu fit one host of the second.
  Cluster c;
  c.dims = dim_bit(kCpu) | dim_bit(kGpu);
  for (int h = 0; h < 8; ++h) {
    Host host;
    host.id = fmt::format("h{}", h);
    host.capacity = h < 4 ? make_resources(8, 0, 0, 0, 4) : make_resources(32, 0);
    c.hosts.push_back(host);
  }
  Placement a;
  for (int v = 0; v < 12; ++v) {
    Vm vm;
    vm.id = fmt::format("v{}", v);
    vm.demand = v < 8 ? make_resources(2, 0, 0, 0, 1) : make_resources(6, 0);
    vm.memory_gb = 1;
    c.vms.push_back(vm);
    a.push_back(v < 8 ? v % 4 : 4 + (v - 8));
  }
  c.index();
  RearrangeReport r = run(c, a, "defrag");
  EXPECT_EQ(r.hosts_before, 8);
  EXPECT_EQ(r.hosts_after, 3);
  EXPECT_EQ(r.bounds.best(), 3);
  ASSERT_TRUE(r.plan.feasible()) << r.plan.reason;
}

TEST(Defrag, ReachesTheOptimumOnASmallCluster) {
  // Six VMs of 5 spread over six hosts of 10: three hosts suffice.
  Cluster c = cpu_cluster({10, 10, 10, 10, 10, 10}, {5, 5, 5, 5, 5, 5});
  RearrangeReport r = run(c, on({1, 2, 3, 4, 5, 6}), "defrag");
  EXPECT_EQ(r.hosts_before, 6);
  EXPECT_EQ(r.hosts_after, 3);
  EXPECT_EQ(r.bounds.best(), 3);
  EXPECT_EQ(r.plan.migrations.size(), 3u);  // one VM per freed host, none more
}

TEST(Defrag, CloseToTheBoundWithFewerMigrationsThanFromScratchPacking) {
  Fixture f = spread_cluster(11, 60, 240);
  RearrangeReport ours = run(f.c, f.a, "defrag");
  RearrangeReport ffd = run(f.c, f.a, "ffd");
  ASSERT_TRUE(ours.plan.feasible()) << ours.plan.reason;
  EXPECT_LT(ours.hosts_after, ours.hosts_before);
  EXPECT_LE(ours.hosts_after, ours.bounds.best() + std::max(1, ours.bounds.best() / 20));
  EXPECT_LE(ours.hosts_after, ffd.hosts_after);
  EXPECT_LT(ours.plan.migrations.size(), ffd.plan.migrations.size());
}

TEST(Defrag, RepackingNeighboursEmptiesAHostNoSingleMoveCan) {
  // h1 {5, 3} and h2 {5, 3} have 2 free each; h3's VM of 4 fits neither, and
  // evicting a 3 leaves it nowhere to go. Together h1 and h2 hold {5, 5} and
  // {4, 3, 3}.
  Cluster c = cpu_cluster({10, 10, 10}, {5, 3, 5, 3, 4});
  Placement a = on({1, 1, 2, 2, 3});
  RuleSet rules = standard_rules(c);
  auto cost = make_migration_cost("memory");
  Scope scope = make_scope(c, a);
  TargetProblem p{c, rules, *cost, a, scope, {}};
  Packer pk(p);
  ASSERT_TRUE(pk.empty_by_repacking(2, {0, 1}));
  EXPECT_TRUE(pk.vms_on(2).empty());
  EXPECT_TRUE(insane_hosts(c, rules, pk.placement()).empty());
  // The log is a valid migration sequence (checked by the planner's stage builder).
  std::vector<Migration> log = pk.log();
  EXPECT_NO_THROW(assign_stages(c, rules, a, log, PlanLimits{}));
  RearrangeReport r = run(c, a, "defrag");
  EXPECT_EQ(r.hosts_after, 2);
}

// A GPU cluster in the shape of Alibaba's openb: 8-GPU and 2-GPU hosts and
// CPU-only ones, pods of whole and fractional GPUs and CPU-only pods, placed
// least loaded (spread) in random order.
Fixture gpu_cluster(std::uint64_t seed) {
  Fixture f;
  f.c.dims = dim_bit(kCpu) | dim_bit(kMem) | dim_bit(kGpu);
  for (int h = 0; h < 60; ++h) {
    Host host;
    host.id = fmt::format("h{}", h);
    host.capacity = h < 30 ? make_resources(96, 384, 0, 0, 8)
                    : h < 50 ? make_resources(104, 512, 0, 0, 2)
                             : make_resources(32, 256, 0, 0, 0);
    f.c.hosts.push_back(host);
  }
  const double pods[][3] = {{11.3, 48, 1}, {3.152, 5.5, 0.81}, {18.7, 63, 1}, {12.5, 56, 0},
                            {32, 48, 0},   {11.9, 46, 0.47},  {8, 30, 0.47}};
  Rng rng(seed);
  Occupancy occ(f.c);
  for (int v = 0; v < 330; ++v) {
    const auto& pod = pods[rng.below(7)];
    Vm vm;
    vm.id = fmt::format("p{}", v);
    vm.demand = make_resources(pod[0], pod[1], 0, 0, pod[2]);
    vm.memory_gb = pod[1];
    f.c.vms.push_back(vm);
  }
  f.c.index();
  RuleSet rules = standard_rules(f.c);
  f.a.assign(f.c.vms.size(), kNoHost);
  for (std::int32_t v = 0; v < f.c.num_vms(); ++v) {
    std::int32_t best = kNoHost;
    double lowest = 2;
    for (std::int32_t h = 0; h < f.c.num_hosts(); ++h) {
      if (!rules.admits(occ, v, h)) continue;
      const double load = normalised_load(f.c, h, occ.load(h));
      if (load < lowest) {
        lowest = load;
        best = h;
      }
    }
    if (best == kNoHost) continue;  // a pod that fits nowhere stays pending
    occ.add(v, best);
    f.a[static_cast<std::size_t>(v)] = best;
  }
  return f;
}

TEST(Defrag, UnderABudgetABinCentricPackingCanFreeMoreHosts) {
  Fixture f = gpu_cluster(3);
  TargetOptions opts;
  opts.max_migrations = 120;
  RearrangeReport ours = run(f.c, f.a, "defrag", opts);
  RearrangeReport steps_only = run(f.c, f.a, "defrag@scratch=0", opts);
  ASSERT_TRUE(ours.plan.feasible()) << ours.plan.reason;
  EXPECT_LE(ours.plan.migrations.size(), 120u);
  EXPECT_LT(ours.hosts_after, steps_only.hosts_after);
  EXPECT_NE(ours.target.note.find("bin-centric"), std::string::npos) << ours.target.note;
  EXPECT_GE(ours.hosts_after, ours.bounds.best());
}

TEST(Defrag, UnderABudgetNeverWorseThanTheMigrationAwareStepsAlone) {
  // With a budget, a home-preferring bin-centric packing may replace the
  // migration-aware result: only if it frees more hosts, and the plan must
  // still fit the budget.
  for (const Fixture& f : {spread_cluster(5, 40, 120), gpu_cluster(4)}) {
    for (std::int64_t budget : {5, 20, 60, 200}) {
      TargetOptions opts;
      opts.max_migrations = budget;
      RearrangeReport ours = run(f.c, f.a, "defrag", opts);
      RearrangeReport steps_only = run(f.c, f.a, "defrag@scratch=0", opts);
      ASSERT_TRUE(ours.plan.feasible()) << "budget " << budget << ": " << ours.plan.reason;
      EXPECT_LE(static_cast<std::int64_t>(ours.plan.migrations.size()), budget);
      EXPECT_LE(ours.hosts_after, steps_only.hosts_after) << "budget " << budget;
    }
  }
}

TEST(Defrag, HonoursAMigrationBudget) {
  Fixture f = spread_cluster(5, 40, 120);
  RearrangeReport free = run(f.c, f.a, "defrag");
  TargetOptions opts;
  opts.max_migrations = 10;
  RearrangeReport tight = run(f.c, f.a, "defrag", opts);
  ASSERT_TRUE(tight.plan.feasible());
  EXPECT_LE(tight.plan.migrations.size(), 10u);
  EXPECT_LT(tight.hosts_after, tight.hosts_before);  // still frees what ten moves can
  EXPECT_GE(tight.hosts_after, free.hosts_after);
}

TEST(Defrag, SubsetAndPinnedVmsStayPut) {
  Fixture f = spread_cluster(9, 20, 60);
  f.c.vms[0].pinned = true;
  f.c.vms[1].tags = {"web"};
  f.c.vms[2].tags = {"web"};
  RearrangeReport r = run(f.c, f.a, "defrag", {}, "tag:web");
  for (std::int32_t v = 0; v < f.c.num_vms(); ++v) {
    if (v == 1 || v == 2) continue;
    EXPECT_EQ(r.target.b[static_cast<std::size_t>(v)], f.a[static_cast<std::size_t>(v)]) << f.c.vm(v).id;
  }
  RearrangeReport all = run(f.c, f.a, "defrag");
  EXPECT_EQ(all.target.b[0], f.a[0]);  // pinned
}

TEST(Defrag, KeepsAntiAffinity) {
  Cluster c = cpu_cluster({10, 10, 10, 10}, {2, 2, 2, 2});
  std::int32_t g = c.intern_group("db");
  for (auto& vm : c.vms) vm.anti_affinity = g;
  RearrangeReport r = run(c, on({1, 2, 3, 4}), "defrag");
  EXPECT_EQ(r.hosts_after, 4);  // all four replicas need their own host
  EXPECT_EQ(r.bounds.best(), 4);
  EXPECT_EQ(r.plan.migrations.size(), 0u);
}

TEST(Defrag, ImageAffinityGroupsSameImage) {
  // Two half-full hosts can take the VM of h3; with image affinity it joins
  // the host running its image.
  Cluster c = cpu_cluster({10, 10, 10}, {4, 4, 2});
  c.vms[1].image = c.intern_image("ubuntu");
  c.vms[2].image = 0;
  TargetOptions opts;
  opts.image_affinity = true;
  RearrangeReport r = run(c, on({1, 2, 3}), "defrag", opts);
  EXPECT_EQ(r.target.b[2], 1);
}

TEST(Rebalance, LowersSpreadWithFewMigrations) {
  // Everything on two hosts of eight.
  Fixture f = spread_cluster(2, 8, 24);
  for (auto& h : f.a) h = h % 2;
  RearrangeReport r = run(f.c, f.a, "rebalance");
  ASSERT_TRUE(r.plan.feasible());
  EXPECT_LT(r.stddev_after, 0.5 * r.stddev_before);
  RearrangeReport w = run(f.c, f.a, "watcher-stabilization@threshold=0");
  EXPECT_LE(r.stddev_after, w.stddev_after + 0.02);
  TargetOptions opts;
  opts.max_migrations = 3;
  RearrangeReport tight = run(f.c, f.a, "rebalance", opts);
  EXPECT_LE(tight.plan.migrations.size(), 3u);
  EXPECT_LT(tight.stddev_after, tight.stddev_before);
}

TEST(Evacuate, EmptiesNamedHostsMovingOnlyTheirVms) {
  Fixture f = spread_cluster(4, 12, 40);
  RearrangeReport r = run(f.c, f.a, "evacuate:h0,h3");
  ASSERT_TRUE(r.target.ok) << r.note;
  ASSERT_TRUE(r.plan.feasible());
  std::int64_t on_evacuated = 0;
  for (std::size_t v = 0; v < f.a.size(); ++v) {
    EXPECT_NE(r.target.b[v], 0);
    EXPECT_NE(r.target.b[v], 3);
    on_evacuated += f.a[v] == 0 || f.a[v] == 3;
  }
  EXPECT_EQ(r.vms_moved, on_evacuated);
}

TEST(Evacuate, SaysWhyItCannot) {
  Cluster c = cpu_cluster({10, 4}, {8, 2});
  RearrangeReport r = run(c, on({1, 2}), "evacuate:h1");
  EXPECT_FALSE(r.target.ok);
  EXPECT_NE(r.note.find("VM a fits on no remaining host"), std::string::npos) << r.note;
  c.vms[0].pinned = true;
  r = run(c, on({1, 2}), "evacuate:h1");
  EXPECT_NE(r.note.find("pinned"), std::string::npos) << r.note;
}

TEST(Watcher, BaselinesFreeHostsButMoveMore) {
  Fixture f = spread_cluster(13, 50, 160);
  RearrangeReport ours = run(f.c, f.a, "defrag");
  for (const char* name : {"watcher-basic@efficacy=0", "watcher-vm-workload"}) {
    RearrangeReport w = run(f.c, f.a, name);
    ASSERT_TRUE(w.plan.feasible()) << name;
    EXPECT_LT(w.hosts_after, w.hosts_before) << name;
    EXPECT_LE(ours.hosts_after, w.hosts_after) << name;
    if (w.hosts_after == ours.hosts_after) {
      EXPECT_LE(ours.plan.migrations.size(), w.plan.migrations.size()) << name;
    }
  }
  // With Watcher's default efficacy target (60%) basic stops early.
  RearrangeReport basic = run(f.c, f.a, "watcher-basic");
  EXPECT_LE(basic.hosts_before - basic.hosts_after, 3);
}

TEST(Strategies, UnknownNamesAndOptionsAreErrors) {
  EXPECT_THROW(make_strategy("defragment"), InputError);
  EXPECT_THROW(make_strategy("defrag@fit=worst"), InputError);
  EXPECT_THROW(make_strategy("rebalance@gain=1"), InputError);
  Cluster c = cpu_cluster({10}, {1});
  EXPECT_THROW(make_scope(c, on({1}), "colour:red"), InputError);
  EXPECT_THROW(make_scope(c, on({1}), "vm:zz"), InputError);
  EXPECT_THROW(make_scope(c, on({1}), "", "host:h9"), InputError);
  EXPECT_THROW(parse_host_list(c, "h1,h7", "evacuate"), InputError);
}

}  // namespace
}  // namespace fleetopt::rearrange
