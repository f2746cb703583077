// fleetopt-pctl (ours): consolidation on percentile forecasts, with the
// rearrangement machinery planning the migrations.
//
// Forecast. Over the last `window` steps each VM has a mean m and variance s2
// of its demand (MIPS). A host's load estimate is the larger of its demand
// now and sum(m) + z sqrt(sum(s2)) -- the z-quantile of the sum if the VMs
// were independent (statistical multiplexing: one VM's burst is covered by
// the others' slack, so hosts pack tighter than with per-VM peaks at the same
// risk). A VM goes only where its window peak fits one core (CloudSim caps a
// VM at one core; above it the host violates the SLA).
//
// Each step:
//  1. Hosts estimated above capacity shed VMs, least RAM first (quickest to
//     move, least degradation), until the estimate is within the packing
//     target, and the VMs go best-fit to running hosts (an idle host of the
//     most MIPS per idle watt only if none has room).
//  2. Hosts estimated below `drain` x capacity are emptied, least power-
//     efficient type first then least loaded, when every VM finds room on
//     another running host; VMs moved in the last `calm` steps stay put.
//  3. The planner's stage builder orders the moves so that every host keeps
//     its VMs' demand within capacity while they migrate (both ends counted).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "fleetopt/consolidate/dc_policies.h"
#include "fleetopt/rearrange/plan.h"

namespace fleetopt::consolidate {
namespace {

// The planner's cluster model, used only to stage this policy's moves.
using rearrange::assign_stages;
using rearrange::Cluster;
using rearrange::Host;
using rearrange::Migration;
using rearrange::Placement;
using rearrange::PlanLimits;
using rearrange::RuleSet;
using rearrange::standard_rules;
using rearrange::Vm;

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

struct PctlParams {
  std::int32_t window = 12;  // steps (1 hour)
  double z = 1.28;           // 90th percentile of a normal sum
  double pack = 1.0;         // estimate <= pack x capacity after a move
  double drain = 0.7;        // hosts estimated below this share of capacity are drained
  std::int32_t calm = 6;     // steps a migrated VM stays put (unless its host overloads)
};

struct VmStat {
  double now = 0, mean = 0, var = 0, peak = 0;  // MIPS
};

struct HostAgg {
  double now = 0, mean = 0, var = 0, ram = 0;
  std::int32_t count = 0;
};

class FleetoptPctl final : public ConsolidationPolicy {
 public:
  explicit FleetoptPctl(PctlParams p) : p_(p) {}
  std::string name() const override { return "fleetopt-pctl"; }

  void decide(const DcState& state, std::vector<DcMove>& moves) override {
    const DcSetup& s = state.setup();
    const std::int32_t hosts = s.num_hosts(), vms = s.num_vms();
    if (cluster_.num_hosts() != hosts) build_cluster(s);
    measure(state);
    agg_.assign(ix(hosts), HostAgg{});
    on_.assign(ix(hosts), {});
    where_.resize(ix(vms));
    for (std::int32_t v = 0; v < vms; ++v) {
      where_[ix(v)] = state.host_of(v);
      if (!state.gone(v)) attach(v, state.host_of(v), 1);  // a VM gone for good has no host
    }
    Placement a = where_;
    sequence_.clear();
    banned_.assign(ix(hosts), 0);
    touched_.assign(ix(hosts), 0);

    // 1. Relieve hosts whose estimate exceeds capacity.
    std::vector<std::int32_t> homeless;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (on_[ix(h)].empty() || estimate(agg_[ix(h)]) <= capacity(h)) continue;
      banned_[ix(h)] = touched_[ix(h)] = 1;
      std::vector<std::int32_t> list = on_[ix(h)];
      std::stable_sort(list.begin(), list.end(), [&](std::int32_t x, std::int32_t y) {
        return s.vm(x).ram_mb < s.vm(y).ram_mb ||
               (s.vm(x).ram_mb == s.vm(y).ram_mb && stat_[ix(x)].mean > stat_[ix(y)].mean);
      });
      HostAgg left = agg_[ix(h)];
      for (std::int32_t v : list) {
        if (estimate(left) <= p_.pack * capacity(h)) break;
        homeless.push_back(v);
        add(left, v, -1);
      }
    }
    std::stable_sort(homeless.begin(), homeless.end(),
                     [&](std::int32_t x, std::int32_t y) { return stat_[ix(x)].mean > stat_[ix(y)].mean; });
    for (std::int32_t v : homeless) {
      std::int32_t h = best_fit(v, true);
      if (h >= 0) relocate(v, h);
    }

    // 2. Drain lightly loaded hosts whose VMs are calm.
    std::vector<std::int32_t> order;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (!on_[ix(h)].empty() && !touched_[ix(h)] && estimate(agg_[ix(h)]) < p_.drain * capacity(h)) order.push_back(h);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t x, std::int32_t y) {
      double ex = efficiency(x), ey = efficiency(y);
      if (ex != ey) return ex < ey;
      return estimate(agg_[ix(x)]) / capacity(x) < estimate(agg_[ix(y)]) / capacity(y);
    });
    for (std::int32_t h : order) {
      if (on_[ix(h)].empty() || touched_[ix(h)]) continue;
      bool calm = true;
      for (std::int32_t v : on_[ix(h)]) calm = calm && state.since_migration(v) > p_.calm;
      if (!calm) continue;
      banned_[ix(h)] = 1;
      const std::size_t mark = sequence_.size();
      std::vector<std::int32_t> list = on_[ix(h)];
      std::stable_sort(list.begin(), list.end(),
                       [&](std::int32_t x, std::int32_t y) { return stat_[ix(x)].mean > stat_[ix(y)].mean; });
      bool ok = true;
      for (std::int32_t v : list) {
        std::int32_t to = best_fit(v, false);
        if (to < 0) {
          ok = false;
          break;
        }
        relocate(v, to);
      }
      if (!ok) {
        while (sequence_.size() > mark) {
          Migration m = sequence_.back();
          sequence_.pop_back();
          attach(m.vm, m.to, -1);
          attach(m.vm, m.from, 1);
          where_[ix(m.vm)] = m.from;
        }
        banned_[ix(h)] = 0;
        continue;
      }
      touched_[ix(h)] = 1;
    }
    if (!sequence_.empty()) stage(state, a, moves);
  }

 private:
  double capacity(std::int32_t h) const { return setup_->host(h).mips(); }
  double efficiency(std::int32_t h) const { return capacity(h) / setup_->host(h).power->at(0); }
  double estimate(const HostAgg& a) const { return std::max(a.now, a.mean + p_.z * std::sqrt(std::max(0.0, a.var))); }

  void add(HostAgg& a, std::int32_t v, double sign) const {
    const VmStat& st = stat_[ix(v)];
    a.now += sign * st.now;
    a.mean += sign * st.mean;
    a.var += sign * st.var;
    a.ram += sign * setup_->vm(v).ram_mb;
    a.count += sign > 0 ? 1 : -1;
    if (a.count == 0) a = HostAgg{};
  }

  void attach(std::int32_t v, std::int32_t h, int sign) {
    add(agg_[ix(h)], v, sign);
    auto& list = on_[ix(h)];
    if (sign > 0) {
      list.push_back(v);
    } else {
      list.erase(std::find(list.begin(), list.end(), v));
    }
  }

  void relocate(std::int32_t v, std::int32_t h) {
    std::int32_t from = where_[ix(v)];
    attach(v, from, -1);
    attach(v, h, 1);
    where_[ix(v)] = h;
    touched_[ix(h)] = 1;
    sequence_.push_back({v, from, h, 0, 0, false});
  }

  bool fits(std::int32_t v, std::int32_t h) const {
    const DcHostType& t = setup_->host(h);
    if (stat_[ix(v)].peak > t.core_mips) return false;
    HostAgg a = agg_[ix(h)];
    add(a, v, 1);
    if (estimate(a) > p_.pack * t.mips()) return false;
    return ram_model_ != RamModel::kStrict || a.ram <= t.ram_mb;
  }

  // Tightest running host that fits; optionally the most efficient idle one.
  std::int32_t best_fit(std::int32_t v, bool may_open) const {
    const std::int32_t hosts = setup_->num_hosts();
    std::int32_t best = -1;
    double best_fill = -1;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (banned_[ix(h)] || on_[ix(h)].empty() || where_[ix(v)] == h || !fits(v, h)) continue;
      HostAgg a = agg_[ix(h)];
      add(a, v, 1);
      double fill = estimate(a) / capacity(h);
      if (fill > best_fill) {
        best_fill = fill;
        best = h;
      }
    }
    if (best >= 0 || !may_open) return best;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (banned_[ix(h)] || !on_[ix(h)].empty() || !fits(v, h)) continue;
      if (best < 0 || efficiency(h) > efficiency(best)) best = h;
    }
    return best;
  }

  void measure(const DcState& state) {
    const DcSetup& s = *setup_;
    stat_.resize(ix(s.num_vms()));
    ram_model_ = state.ram_model();
    const std::int32_t n = std::min(p_.window, state.step() + 1);
    for (std::int32_t v = 0; v < s.num_vms(); ++v) {
      const double mips = s.vm(v).mips;
      double sum = 0, sq = 0, peak = 0;
      for (std::int32_t i = 0; i < n; ++i) {
        double d = state.past_util(v, i) * mips;
        sum += d;
        sq += d * d;
        peak = std::max(peak, d);
      }
      VmStat& st = stat_[ix(v)];
      st.now = state.demand(v);
      st.mean = sum / n;
      st.var = std::max(0.0, sq / n - st.mean * st.mean);
      st.peak = peak;
    }
  }

  void build_cluster(const DcSetup& s) {
    setup_ = &s;
    cluster_ = Cluster{};
    cluster_.dims = dim_bit(kCpu);
    for (std::int32_t h = 0; h < s.num_hosts(); ++h) {
      Host host;
      host.id = std::to_string(h);
      host.capacity = make_resources(s.host(h).mips(), 0);
      cluster_.hosts.push_back(host);
    }
    for (std::int32_t v = 0; v < s.num_vms(); ++v) {
      Vm vm;
      vm.id = std::to_string(v);
      vm.memory_gb = s.vm(v).ram_mb / 1000.0;
      cluster_.vms.push_back(vm);
    }
    cluster_.index();
    rules_ = standard_rules(cluster_);
  }

  // The planner's stage builder: in each stage every target host keeps its
  // VMs' demand (now) within capacity with migrating VMs counted on both
  // ends; one stage if the sequence is not valid under the demands now (the
  // simulator still checks every move).
  void stage(const DcState& state, const Placement& a, std::vector<DcMove>& moves) {
    for (std::int32_t v = 0; v < cluster_.num_vms(); ++v) {
      cluster_.vms[ix(v)].demand = make_resources(state.demand(v), 0);
    }
    PlanLimits limits;
    limits.max_in_per_host = 4;
    limits.max_out_per_host = 4;
    try {
      assign_stages(cluster_, rules_, a, sequence_, limits);
      for (const auto& m : sequence_) moves.push_back({m.vm, m.to, m.stage - 1});
    } catch (const std::logic_error&) {
      for (const auto& m : sequence_) moves.push_back({m.vm, m.to, 0});
    }
  }

  PctlParams p_;
  const DcSetup* setup_ = nullptr;
  RamModel ram_model_ = RamModel::kCloudSim;
  Cluster cluster_;
  RuleSet rules_;
  std::vector<VmStat> stat_;
  std::vector<HostAgg> agg_;
  std::vector<std::vector<std::int32_t>> on_;
  Placement where_;
  std::vector<char> banned_, touched_;
  std::vector<Migration> sequence_;
};

}  // namespace

std::unique_ptr<ConsolidationPolicy> make_fleetopt_pctl(const rearrange::StrategySpec& spec) {
  spec.check_options({"window", "z", "pack", "drain", "calm"});
  PctlParams p;
  p.window = static_cast<std::int32_t>(std::max(1.0, spec.number("window", p.window)));
  p.z = spec.number("z", p.z);
  p.pack = spec.number("pack", p.pack);
  p.drain = spec.number("drain", p.drain);
  p.calm = static_cast<std::int32_t>(spec.number("calm", p.calm));
  return std::make_unique<FleetoptPctl>(p);
}

}  // namespace fleetopt::consolidate
