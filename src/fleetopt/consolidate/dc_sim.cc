#include "fleetopt/consolidate/dc_sim.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "fleetopt/consolidate/dc_integrate.h"
#include "fleetopt/consolidate/dc_policies.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/slot_list.h"

namespace fleetopt::consolidate {

CloudSimQuirks CloudSimQuirks::all() {
  CloudSimQuirks q;
  q.stale_power_baseline = q.zero_request_vms_leave = q.drain_just_filled_hosts = q.cloudsim_clock =
      q.zero_utilisation_off = q.spread_initial_placement = q.slatah_incoming_violation = q.trust_moves = true;
  return q;
}

bool CloudSimQuirks::any() const {
  return stale_power_baseline || zero_request_vms_leave || drain_just_filled_hosts || cloudsim_clock ||
         zero_utilisation_off || spread_initial_placement || slatah_incoming_violation || trust_moves;
}

namespace {
struct QuirkName {
  const char* name;
  bool CloudSimQuirks::*flag;
};
constexpr QuirkName kQuirkNames[] = {
    {"stale_power_baseline", &CloudSimQuirks::stale_power_baseline},
    {"zero_request_vms_leave", &CloudSimQuirks::zero_request_vms_leave},
    {"drain_just_filled_hosts", &CloudSimQuirks::drain_just_filled_hosts},
    {"cloudsim_clock", &CloudSimQuirks::cloudsim_clock},
    {"zero_utilisation_off", &CloudSimQuirks::zero_utilisation_off},
    {"spread_initial_placement", &CloudSimQuirks::spread_initial_placement},
    {"slatah_incoming_violation", &CloudSimQuirks::slatah_incoming_violation},
    {"trust_moves", &CloudSimQuirks::trust_moves},
};
}  // namespace

bool set_quirk(CloudSimQuirks& quirks, const std::string& name) {
  for (const auto& q : kQuirkNames) {
    if (name == q.name) {
      quirks.*q.flag = true;
      return true;
    }
  }
  return false;
}

std::string quirk_names() {
  std::string out;
  for (const auto& q : kQuirkNames) out += (out.empty() ? "" : ", ") + std::string(q.name);
  return out;
}

CloudSimQuirks quirks_for(Fidelity fidelity) {
  return fidelity == Fidelity::kCloudSim ? CloudSimQuirks::all() : CloudSimQuirks{};
}

DcState::DcState(const DcSetup& setup, RamModel ram, const CloudSimQuirks& quirks)
    : setup_(&setup), ram_(ram), quirks_(quirks) {
  host_of_.assign(ix(setup.num_vms()), -1);
  gone_.assign(ix(setup.num_vms()), 0);
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
    demand_[ix(v)] = gone_[ix(v)] ? 0.0 : setup_->utilisation(v, step) * setup_->vm(v).mips;
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

void DcState::remove_vm(std::int32_t v) {
  if (gone_[ix(v)]) return;
  if (host_of_[ix(v)] >= 0) detach(v);
  gone_[ix(v)] = 1;
  demand_[ix(v)] = 0;
}

void DcState::move(std::int32_t v, std::int32_t h) {
  detach(v);
  place(v, h);
  last_migration_[ix(v)] = step_;
}

std::int32_t cloudsim_initial_placement(DcState& state, const ConsolidationPolicy* policy) {
  const DcSetup& s = state.setup();
  std::int32_t not_created = 0;
  const bool spread = state.quirks().spread_initial_placement;
  std::vector<double> allocated(static_cast<std::size_t>(s.num_hosts()), 0.0), ram(allocated);
  std::vector<double> type_diff(s.host_types.size());  // P(vm / host) - P(0) per host type
  for (std::int32_t v = 0; v < s.num_vms(); ++v) {
    const DcVmType& vm = s.vm(v);
    if (!spread) {
      for (std::size_t t = 0; t < s.host_types.size(); ++t) {
        const DcHostType& type = s.host_types[t];
        type_diff[t] = type.power->at(vm.mips / type.mips()) - type.power->at(0);
      }
    }
    std::int32_t best = -1;
    double best_diff = 0;
    for (std::int32_t h = 0; h < s.num_hosts(); ++h) {
      const DcHostType& t = s.host(h);
      const auto hh = static_cast<std::size_t>(h);
      if (vm.mips > t.core_mips || allocated[hh] + vm.mips > t.mips() || ram[hh] + vm.ram_mb > t.ram_mb) continue;
      double diff = 0;
      if (spread) {
        // findHostForVm before the first update: the baseline is P(0) on every
        // host, the new power counts the MIPS allocated so far. The overload
        // test sees only the new VM's request: VMs already created request
        // nothing until their cloudlets arrive (CloudletSchedulerDynamicWorkload
        // with no cloudlet), while the one being created requests its MIPS.
        const double u = (allocated[hh] + vm.mips) / t.mips();
        if (allocated[hh] != 0 && policy != nullptr && policy->overloaded_at_creation(vm.mips / t.mips())) continue;
        diff = t.power->at(u) - t.power->at(0);
      } else {
        // Hosts run nothing yet, so compare P(vm / host) - P(0): the same
        // for every host of a type.
        diff = type_diff[static_cast<std::size_t>(s.host_type[hh])];
      }
      if (best < 0 || diff < best_diff) {
        best = h;
        best_diff = diff;
      }
    }
    if (best < 0 && spread) {
      // CloudSim's broker logs the failed creation and never runs the VM.
      state.remove_vm(v);
      ++not_created;
      continue;
    }
    if (best < 0) throw InputError(fmt::format("{}: VM {} fits no host at creation", s.name, s.vm_ids[static_cast<std::size_t>(v)]));
    allocated[static_cast<std::size_t>(best)] += vm.mips;
    ram[static_cast<std::size_t>(best)] += vm.ram_mb;
    state.place(v, best);
  }
  return not_created;
}

DcMetrics simulate_consolidation(const DcSetup& setup, ConsolidationPolicy& policy, const DcConfig& config) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int32_t hosts = setup.num_hosts(), vms = setup.num_vms();
  const double T = setup.step_seconds;
  const CloudSimQuirks& q = config.quirks;
  DcState state(setup, config.ram, q);
  state.begin_step(0);
  const std::int32_t not_created = cloudsim_initial_placement(state, &policy);

  DcMetrics m;
  m.vms_not_created = not_created;
  m.policy = policy.name();
  m.vms = vms;
  double lost = 0, demanded = 0;
  std::vector<DcMove> moves;
  std::vector<double> leaving_mips(static_cast<std::size_t>(hosts), 0), leaving_ram(static_cast<std::size_t>(hosts), 0),
      incoming_ram(static_cast<std::size_t>(hosts), 0);
  std::vector<char> moved(static_cast<std::size_t>(vms), 0);
  std::vector<std::int32_t> touched;
  // A second core integrates each step while the policy decides the next.
  StepIntegrator integrator(setup, q, std::thread::hardware_concurrency() > 1);
  // CloudSim's clock: ticks at 300.1 s ... 86,100.1 s decide; metrics run
  // from the first tick to the last.
  const std::int32_t first_tick = q.cloudsim_clock ? 1 : 0;
  const std::int32_t last_counted = q.cloudsim_clock ? setup.steps - 2 : setup.steps - 1;

  for (std::int32_t k = 0; k < setup.steps; ++k) {
    state.begin_step(k);
    if (q.zero_request_vms_leave && k >= first_tick) {
      // The request CloudSim sees at the tick interpolates between this
      // sample and the next: exactly 0 only when both are 0 (the series
      // reads as 0 past its end).
      for (std::int32_t v = 0; v < vms; ++v) {
        if (state.gone(v)) continue;
        const bool next_zero = k + 1 >= setup.steps || setup.utilisation(v, k + 1) == 0.0f;
        if (setup.utilisation(v, k) == 0.0f && next_zero) {
          state.remove_vm(v);
          ++m.vms_left;
        }
      }
    }
    const bool counted = k >= first_tick && k <= last_counted;
    StepRecord& record = integrator.next();
    record.counted = counted;
    record.start_demand.resize(static_cast<std::size_t>(hosts));
    record.start_capped.resize(static_cast<std::size_t>(hosts));
    record.start_count.resize(static_cast<std::size_t>(hosts));
    for (std::int32_t h = 0; h < hosts; ++h) {
      const double core = setup.host(h).core_mips;
      double capped = 0;
      for (std::int32_t v : state.vms_on(h)) capped += std::min(state.demand(v), core);
      record.start_demand[static_cast<std::size_t>(h)] = state.host_demand(h);
      record.start_capped[static_cast<std::size_t>(h)] = capped;
      record.start_count[static_cast<std::size_t>(h)] = static_cast<std::int32_t>(state.vms_on(h).size());
    }
    if (counted) {
      for (std::int32_t v = 0; v < vms; ++v) demanded += state.demand(v) * T;
    }
    moves.clear();
    if (k >= first_tick) policy.decide(state, moves);
    std::stable_sort(moves.begin(), moves.end(), [](const DcMove& a, const DcMove& b) { return a.stage < b.stage; });
    std::vector<StepEvent>& events = record.events;
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
      if (v < 0 || v >= vms || to < 0 || to >= hosts || state.gone(v) ||
          (moved[static_cast<std::size_t>(v)] && !q.trust_moves) || state.host_of(v) == to) {
        ++m.rejected_moves;
        continue;
      }
      const std::int32_t from = state.host_of(v);
      const DcHostType& t = setup.host(to);
      const double d = state.demand(v), ram = setup.vm(v).ram_mb;
      const auto tt = static_cast<std::size_t>(to);
      // The target reserves the VM's full demand while VMs leaving it in this
      // stage still count there. (CloudSim runs what the policy decided.)
      bool fits = q.trust_moves ||
                  (d <= t.core_mips && state.host_demand(to) + leaving_mips[tt] + d <= t.mips() * (1 + 1e-9));
      if (config.ram == RamModel::kStrict && !q.trust_moves) {
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
      const double to_capped = std::min(d, t.core_mips);
      events.emplace_back(from, end, -d, -1, -std::min(d, from_core));
      if (q.slatah_incoming_violation) {
        // The target is charged the whole request from the start, given 10%.
        events.emplace_back(to, start, d, 1, 0.1 * to_capped);
        events.emplace_back(to, end, 0.0, 0, 0.9 * to_capped);
      } else {
        events.emplace_back(to, start, 0.1 * d, 1, 0.1 * to_capped);
        events.emplace_back(to, end, 0.9 * d, 0, 0.9 * to_capped);
      }
      // A VM moved twice in a step (CloudSimQuirks::drain_just_filled_hosts)
      // loses its 10% once: only its first host records it as migrating.
      if (counted && !moved[static_cast<std::size_t>(v)]) lost += 0.1 * d * tau;
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
    integrator.submit();
  }
  StepTotals totals = integrator.finish();
  const double energy_j = totals.energy_j, active_time = totals.active_time;
  m.active_hosts = std::move(totals.active_hosts);
  m.energy_kwh = energy_j / 3.6e6;
  m.slatah = active_time > 0 ? totals.violation_time / active_time : 0;
  m.pdm = demanded > 0 ? lost / demanded : 0;
  m.slav = m.slatah * m.pdm;
  const std::int32_t counted_steps = std::max(0, last_counted - first_tick + 1);
  m.mean_active_hosts = counted_steps > 0 ? active_time / (T * counted_steps) : 0;
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

namespace {

struct PolicyEntry {
  const char* name;
  const char* summary;
  std::unique_ptr<ConsolidationPolicy> (*make)(const rearrange::StrategySpec&);
};

const std::vector<PolicyEntry>& policy_table() {
  static const std::vector<PolicyEntry> table = {
      {"thr-mmt", "static utilisation threshold (@threshold=0.8) + minimum migration time (Beloglazov & Buyya 2012)",
       make_classic_pair},
      {"lr-mmt", "local-regression overload detection (@safety=1.2) + minimum migration time (ibid.)",
       make_classic_pair},
      {"iqr-mmt", "interquartile-range threshold (@safety=1.5) + minimum migration time (ibid.)", make_classic_pair},
      {"mad-mmt", "median-absolute-deviation threshold (@safety=2.5) + minimum migration time (ibid.)",
       make_classic_pair},
      {"lrr-mmt", "robust local regression (@safety=1.2; CloudSim's equals lr) + minimum migration time (ibid.)",
       make_classic_pair},
      {"DET-mu, DET-mc, DET-rs",
       "any detector above with minimum utilisation, maximum correlation or random selection (@seed=S) (ibid.)",
       make_classic_pair},
      {"fleetopt-pctl", "ours: percentile forecast of each VM, headroom-aware packing, planned migrations",
       make_fleetopt_pctl},
  };
  return table;
}

}  // namespace

std::unique_ptr<ConsolidationPolicy> make_consolidation_policy(const std::string& text) {
  rearrange::StrategySpec spec = rearrange::StrategySpec::parse(text);
  if (spec.name == "fleetopt-pctl") return make_fleetopt_pctl(spec);
  if (auto pair = make_classic_pair(spec)) return pair;
  std::string known;
  for (const auto& p : policy_table()) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError::field("policy", fmt::format("unknown consolidation policy '{}' (known: {})", spec.name, known));
}

std::vector<std::pair<std::string, std::string>> consolidation_policies() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : policy_table()) out.emplace_back(p.name, p.summary);
  return out;
}

}  // namespace fleetopt::consolidate
