// The benchmark's classic policy pair (Beloglazov & Buyya, CCPE 2012, as
// CloudSim implements it): detect overloaded hosts, take VMs off them by
// minimum migration time (least RAM first) until they are not overloaded,
// place them power-aware best-fit-decreasing (least power increase, not onto
// a host that would be overloaded), then drain under-utilised hosts, least
// utilised first, when all their VMs find room elsewhere.
//   thr-mmt: overloaded = CPU utilisation > 0.8.
//   lr-mmt:  overloaded = safety (1.2) x the value a least-squares line
//            through the last 10 utilisation samples predicts one migration
//            later is >= 1 (CloudSim's "loess" reduces to plain least squares:
//            its weights are never zero); before 10 samples exist, > 0.7.
// fleetopt's model differs from CloudSim in two places, each restored by a
// CloudSimQuirks flag (dc_sim.h): the power a target host draws before a move
// is its current value, including VMs placed on it earlier in the same round
// (stale_power_baseline: CloudSim uses the value at the round's start), and a
// host that received VMs from an overloaded host is not drained in the same
// round (drain_just_filled_hosts: CloudSim may move a VM twice).
#include <algorithm>
#include <cmath>

#include "fleetopt/rearrange/dc_policies.h"
#include "fleetopt/rearrange/dc_view.h"

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

class MigrationPolicy : public ConsolidationPolicy {
 public:
  void decide(const DcState& state, std::vector<DcMove>& moves) override {
    const DcSetup& s = state.setup();
    const std::int32_t hosts = s.num_hosts();
    DcView view(state, history_steps());
    const CloudSimQuirks& q = state.quirks();
    if (q.stale_power_baseline) {
      // host.getPower() at the last update: allocated MIPS, a core per VM.
      stale_power_.assign(ix(hosts), 0.0);
      for (std::int32_t h = 0; h < hosts; ++h) {
        const DcHostType& t = s.host(h);
        double allocated = 0;
        for (std::int32_t v : state.vms_on(h)) allocated += std::min(state.demand(v), t.core_mips);
        stale_power_[ix(h)] = t.power->at(std::min(allocated, t.mips()) / t.mips());
      }
    } else {
      stale_power_.clear();
    }
    std::vector<char> overloaded(ix(hosts), 0), excluded_place(ix(hosts), 0), excluded_under(ix(hosts), 0);
    std::vector<std::int32_t> over;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (!view.vms_on(h).empty() && is_overloaded(view, h)) {
        overloaded[ix(h)] = excluded_place[ix(h)] = excluded_under[ix(h)] = 1;
        over.push_back(h);
      }
    }
    // VMs off overloaded hosts, least RAM first, until each is fine.
    std::vector<std::int32_t> to_migrate;
    for (std::int32_t h : over) {
      while (!view.vms_on(h).empty()) {
        std::int32_t pick = -1;
        for (std::int32_t v : view.vms_on(h)) {
          if (pick < 0 || s.vm(v).ram_mb < s.vm(pick).ram_mb) pick = v;
        }
        to_migrate.push_back(pick);
        view.remove(pick);
        if (!is_overloaded(view, h)) break;
      }
    }
    std::stable_sort(to_migrate.begin(), to_migrate.end(),
                     [&](std::int32_t a, std::int32_t b) { return state.demand(a) > state.demand(b); });
    std::vector<std::int32_t> all_hosts(ix(hosts));
    for (std::int32_t h = 0; h < hosts; ++h) all_hosts[ix(h)] = h;
    for (std::int32_t v : to_migrate) {
      std::int32_t h = find_host(view, v, excluded_place, all_hosts);
      if (h < 0) {
        view.add(v, state.host_of(v));  // stays where it is
        continue;
      }
      view.add(v, h);
      moves.push_back({v, h, 0});
      if (!q.drain_just_filled_hosts) excluded_under[ix(h)] = 1;
    }
    // Under-utilised hosts: switched-off hosts take part in neither role, so
    // only running hosts are searched.
    std::vector<std::int32_t> running;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (state.host_util(h) == 0) {
        excluded_place[ix(h)] = excluded_under[ix(h)] = 1;
      } else {
        running.push_back(h);
      }
    }
    std::vector<std::int32_t> vms, placed;
    while (true) {
      std::int32_t under = -1;
      double lowest = 1;
      for (std::int32_t h = 0; h < hosts; ++h) {
        if (excluded_under[ix(h)]) continue;
        double u = state.host_util(h);
        if (u > 0 && u < lowest) {
          lowest = u;
          under = h;
        }
      }
      if (under < 0) break;
      excluded_under[ix(under)] = excluded_place[ix(under)] = 1;
      vms = view.vms_on(under);
      if (vms.empty()) continue;
      std::stable_sort(vms.begin(), vms.end(),
                       [&](std::int32_t a, std::int32_t b) { return state.demand(a) > state.demand(b); });
      placed.clear();
      bool all = true;
      for (std::int32_t v : vms) {
        view.remove(v);
        std::int32_t h = find_host(view, v, excluded_place, running);
        if (h < 0) {
          view.add(v, under);
          all = false;
          break;
        }
        view.add(v, h);
        placed.push_back(v);
      }
      if (!all) {
        for (std::int32_t v : placed) {
          view.remove(v);
          view.add(v, under);
        }
        continue;
      }
      for (std::int32_t v : placed) {
        moves.push_back({v, view.host_of(v), 0});
        excluded_under[ix(view.host_of(v))] = 1;
      }
    }
  }

 protected:
  virtual std::int32_t history_steps() const { return 1; }
  virtual bool is_overloaded(const DcView& view, std::int32_t h) const = 0;

 private:
  // Power-aware best fit: least power increase among suitable hosts that the
  // VM would not overload (a host running nothing is not checked, as in CloudSim).
  std::int32_t find_host(DcView& view, std::int32_t v, const std::vector<char>& excluded,
                         const std::vector<std::int32_t>& candidates) const {
    std::int32_t best = -1;
    double best_diff = 0;
    for (std::int32_t h : candidates) {
      if (excluded[ix(h)] || !view.suitable(v, h)) continue;
      if (view.demand(h) != 0) {
        view.add(v, h);
        bool over = is_overloaded(view, h);
        view.remove(v);
        if (over) continue;
      }
      double diff = view.power_with(h, v) - (stale_power_.empty() ? view.power_now(h) : stale_power_[ix(h)]);
      if (best < 0 || diff < best_diff) {
        best = h;
        best_diff = diff;
      }
    }
    return best;
  }

  std::vector<double> stale_power_;  // per host, when CloudSimQuirks::stale_power_baseline
};

class ThrMmt final : public MigrationPolicy {
 public:
  explicit ThrMmt(double threshold) : threshold_(threshold) {}
  std::string name() const override { return "thr-mmt"; }

 protected:
  bool is_overloaded(const DcView& view, std::int32_t h) const override { return view.util(h) > threshold_; }
  bool overloaded_at_creation(double u) const override { return u > threshold_; }

 private:
  double threshold_;
};

class LrMmt final : public MigrationPolicy {
 public:
  explicit LrMmt(double safety) : safety_(safety) {}
  std::string name() const override { return "lr-mmt"; }

 protected:
  std::int32_t history_steps() const override { return 10; }
  // Fewer than 10 samples: CloudSim's fallback, a static threshold of 0.7.
  bool overloaded_at_creation(double u) const override { return u > 0.7; }
  bool is_overloaded(const DcView& view, std::int32_t h) const override {
    if (view.history_available() < 10) return view.util(h) > 0.7;  // CloudSim's fallback
    double y[10];
    for (std::int32_t i = 0; i < 10; ++i) y[i] = view.history(h, 9 - i);  // oldest first
    double max_ram = 0;
    for (std::int32_t v : view.vms_on(h)) max_ram = std::max(max_ram, view.setup().vm(v).ram_mb);
    const DcHostType& t = view.setup().host(h);
    double migration_steps = std::ceil(max_ram / (t.bw_mbps / 2.0 / 8.0) / view.setup().step_seconds);
    return safety_ * ols_predict(y, 10, 10 + migration_steps) >= 1;
  }

 private:
  double safety_;
};

}  // namespace

std::unique_ptr<ConsolidationPolicy> make_thr_mmt(const StrategySpec& spec) {
  spec.check_options({"threshold"});
  return std::make_unique<ThrMmt>(spec.number("threshold", 0.8));
}

std::unique_ptr<ConsolidationPolicy> make_lr_mmt(const StrategySpec& spec) {
  spec.check_options({"safety"});
  return std::make_unique<LrMmt>(spec.number("safety", 1.2));
}

}  // namespace fleetopt::rearrange
