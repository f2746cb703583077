#include "fleetopt/rearrange/dc_sim.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/slot_list.h"
#include "fleetopt/rearrange/dc_policies.h"

namespace fleetopt::rearrange {

DcState::DcState(const DcSetup& setup, RamModel ram) : setup_(&setup), ram_(ram) {
  host_of_.assign(ix(setup.num_vms()), -1);
  slot_.assign(ix(setup.num_vms()), -1);
  last_migration_.assign(ix(setup.num_vms()), -1'000'000);
  vms_on_.assign(ix(setup.num_hosts()), {});
  demand_.assign(ix(setup.num_vms()), 0);
  host_demand_.assign(ix(setup.num_hosts()), 0);
  host_ram_.assign(ix(setup.num_hosts()), 0);
}

void DcState::begin_step(std::int32_t step) {
  step_ = step;
  std::fill(host_demand_.begin(), host_demand_.end(), 0.0);
  for (std::int32_t v = 0; v < setup_->num_vms(); ++v) {
    demand_[ix(v)] = setup_->utilisation(v, step) * setup_->vm(v).mips;
    if (host_of_[ix(v)] >= 0) host_demand_[ix(host_of_[ix(v)])] += demand_[ix(v)];
  }
}

void DcState::place(std::int32_t v, std::int32_t h) {
  host_of_[ix(v)] = h;
  slot_list_insert(vms_on_[ix(h)], slot_, v);
  host_demand_[ix(h)] += demand_[ix(v)];
  host_ram_[ix(h)] += setup_->vm(v).ram_mb;
}

void DcState::detach(std::int32_t v) {
  std::int32_t h = host_of_[ix(v)];
  auto& list = vms_on_[ix(h)];
  slot_list_erase(list, slot_, v);
  if (list.empty()) {
    host_demand_[ix(h)] = 0;
    host_ram_[ix(h)] = 0;
  } else {
    host_demand_[ix(h)] -= demand_[ix(v)];
    host_ram_[ix(h)] -= setup_->vm(v).ram_mb;
  }
  host_of_[ix(v)] = -1;
}

void DcState::move(std::int32_t v, std::int32_t h) {
  detach(v);
  place(v, h);
  last_migration_[ix(v)] = step_;
}

void cloudsim_initial_placement(DcState& state) {
  const DcSetup& s = state.setup();
  std::vector<double> allocated(static_cast<std::size_t>(s.num_hosts()), 0.0), ram(allocated);
  for (std::int32_t v = 0; v < s.num_vms(); ++v) {
    const DcVmType& vm = s.vm(v);
    std::int32_t best = -1;
    double best_diff = 0;
    for (std::int32_t h = 0; h < s.num_hosts(); ++h) {
      const DcHostType& t = s.host(h);
      const auto hh = static_cast<std::size_t>(h);
      if (vm.mips > t.core_mips || allocated[hh] + vm.mips > t.mips() || ram[hh] + vm.ram_mb > t.ram_mb) continue;
      // Hosts run nothing yet, so CloudSim compares P(vm / host) - P(0).
      double diff = t.power->at(vm.mips / t.mips()) - t.power->at(0);
      if (best < 0 || diff < best_diff) {
        best = h;
        best_diff = diff;
      }
    }
    if (best < 0) throw InputError(fmt::format("{}: VM {} fits no host at creation", s.name, s.vm_ids[static_cast<std::size_t>(v)]));
    allocated[static_cast<std::size_t>(best)] += vm.mips;
    ram[static_cast<std::size_t>(best)] += vm.ram_mb;
    state.place(v, best);
  }
}

DcMetrics simulate_consolidation(const DcSetup& setup, ConsolidationPolicy& policy, const DcConfig& config) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int32_t hosts = setup.num_hosts(), vms = setup.num_vms();
  const double T = setup.step_seconds;
  DcState state(setup, config.ram);
  state.begin_step(0);
  cloudsim_initial_placement(state);

  DcMetrics m;
  m.policy = policy.name();
  m.vms = vms;
  double energy_j = 0, active_time = 0, violation_time = 0, lost = 0, demanded = 0;
  std::vector<DcMove> moves;
  std::vector<double> start_demand(static_cast<std::size_t>(hosts)), start_capped(static_cast<std::size_t>(hosts)),
      leaving_mips(static_cast<std::size_t>(hosts), 0),
      leaving_ram(static_cast<std::size_t>(hosts), 0), incoming_ram(static_cast<std::size_t>(hosts), 0);
  std::vector<std::int32_t> start_count(static_cast<std::size_t>(hosts));
  std::vector<char> moved(static_cast<std::size_t>(vms), 0);
  std::vector<std::int32_t> touched;
  // (host, time, change in demanded MIPS, change in VM count, change in
  // demand capped at one core per VM)
  std::vector<std::tuple<std::int32_t, double, double, std::int32_t, double>> events;

  for (std::int32_t k = 0; k < setup.steps; ++k) {
    state.begin_step(k);
    for (std::int32_t h = 0; h < hosts; ++h) {
      const double core = setup.host(h).core_mips;
      double capped = 0;
      for (std::int32_t v : state.vms_on(h)) capped += std::min(state.demand(v), core);
      start_demand[static_cast<std::size_t>(h)] = state.host_demand(h);
      start_capped[static_cast<std::size_t>(h)] = capped;
      start_count[static_cast<std::size_t>(h)] = static_cast<std::int32_t>(state.vms_on(h).size());
    }
    for (std::int32_t v = 0; v < vms; ++v) demanded += state.demand(v) * T;
    moves.clear();
    policy.decide(state, moves);
    std::stable_sort(moves.begin(), moves.end(), [](const DcMove& a, const DcMove& b) { return a.stage < b.stage; });
    events.clear();
    std::fill(moved.begin(), moved.end(), 0);
    double stage_start = 0, stage_end = 0;
    std::int32_t stage = moves.empty() ? 0 : moves.front().stage;
    auto end_stage = [&] {
      for (std::int32_t h : touched) {
        leaving_mips[static_cast<std::size_t>(h)] = 0;
        leaving_ram[static_cast<std::size_t>(h)] = 0;
        incoming_ram[static_cast<std::size_t>(h)] = 0;
      }
      touched.clear();
      stage_start = stage_end;
    };
    for (const DcMove& mv : moves) {
      if (mv.stage != stage) {
        end_stage();
        stage = mv.stage;
      }
      const std::int32_t v = mv.vm, to = mv.to;
      if (v < 0 || v >= vms || to < 0 || to >= hosts || moved[static_cast<std::size_t>(v)] || state.host_of(v) == to) {
        ++m.rejected_moves;
        continue;
      }
      const std::int32_t from = state.host_of(v);
      const DcHostType& t = setup.host(to);
      const double d = state.demand(v), ram = setup.vm(v).ram_mb;
      const auto tt = static_cast<std::size_t>(to);
      // The target reserves the VM's full demand while VMs leaving it in this
      // stage still count there.
      bool fits = d <= t.core_mips && state.host_demand(to) + leaving_mips[tt] + d <= t.mips() * (1 + 1e-9);
      if (config.ram == RamModel::kStrict) {
        fits = fits && state.host_ram(to) + leaving_ram[tt] + incoming_ram[tt] + ram <= t.ram_mb;
      }
      const double tau = setup.migration_seconds(v, to);
      if (!fits || stage_start + tau > T) {
        ++m.rejected_moves;
        continue;
      }
      const double start = stage_start, end = stage_start + tau;
      stage_end = std::max(stage_end, end);
      const double from_core = setup.host(from).core_mips;
      events.emplace_back(from, end, -d, -1, -std::min(d, from_core));
      events.emplace_back(to, start, 0.1 * d, 1, 0.1 * std::min(d, t.core_mips));
      events.emplace_back(to, end, 0.9 * d, 0, 0.9 * std::min(d, t.core_mips));
      lost += 0.1 * d * tau;
      ++m.migrations;
      moved[static_cast<std::size_t>(v)] = 1;
      leaving_mips[static_cast<std::size_t>(from)] += d;
      leaving_ram[static_cast<std::size_t>(from)] += ram;
      incoming_ram[tt] += ram;
      touched.push_back(from);
      touched.push_back(to);
      state.move(v, to);
    }
    end_stage();
    // Integrate power and SLA over the step, host by host.
    std::sort(events.begin(), events.end());
    std::size_t e = 0;
    for (std::int32_t h = 0; h < hosts; ++h) {
      const DcHostType& t = setup.host(h);
      double req = start_demand[static_cast<std::size_t>(h)];
      double capped = start_capped[static_cast<std::size_t>(h)];
      std::int32_t count = start_count[static_cast<std::size_t>(h)];
      double prev = 0;
      // A VM gets at most one core (CloudSim caps each virtual PE at a
      // physical PE), and the host at most its MIPS; anything less than the
      // demand is an SLA violation of the host.
      auto integrate = [&](double until) {
        double dur = until - prev;
        if (dur <= 0 || count <= 0) return;
        active_time += dur;
        double allocated = std::min(capped, t.mips());
        energy_j += t.power->at(allocated / t.mips()) * dur;
        if (req > allocated * (1 + 1e-9) + 1e-9) violation_time += dur;
      };
      while (e < events.size() && std::get<0>(events[e]) == h) {
        integrate(std::get<1>(events[e]));
        prev = std::max(prev, std::get<1>(events[e]));
        req += std::get<2>(events[e]);
        count += std::get<3>(events[e]);
        capped += std::get<4>(events[e]);
        ++e;
      }
      integrate(T);
    }
  }
  m.energy_kwh = energy_j / 3.6e6;
  m.slatah = active_time > 0 ? violation_time / active_time : 0;
  m.pdm = demanded > 0 ? lost / demanded : 0;
  m.slav = m.slatah * m.pdm;
  m.mean_active_hosts = setup.steps > 0 ? active_time / (T * setup.steps) : 0;
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

namespace {

struct PolicyEntry {
  const char* name;
  const char* summary;
  std::unique_ptr<ConsolidationPolicy> (*make)(const StrategySpec&);
};

const std::vector<PolicyEntry>& policy_table() {
  static const std::vector<PolicyEntry> table = {
      {"thr-mmt", "static utilisation threshold (0.8) + minimum migration time (Beloglazov & Buyya 2012)",
       make_thr_mmt},
      {"lr-mmt", "local-regression overload detection (safety 1.2) + minimum migration time (ibid.)", make_lr_mmt},
      {"fleetopt-pctl", "ours: percentile forecast of each VM, headroom-aware packing, planned migrations",
       make_fleetopt_pctl},
  };
  return table;
}

}  // namespace

std::unique_ptr<ConsolidationPolicy> make_consolidation_policy(const std::string& text) {
  StrategySpec spec = StrategySpec::parse(text);
  for (const auto& p : policy_table()) {
    if (spec.name == p.name) return p.make(spec);
  }
  std::string known;
  for (const auto& p : policy_table()) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError::field("policy", fmt::format("unknown consolidation policy '{}' (known: {})", spec.name, known));
}

std::vector<std::pair<std::string, std::string>> consolidation_policies() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : policy_table()) out.emplace_back(p.name, p.summary);
  return out;
}

}  // namespace fleetopt::rearrange
