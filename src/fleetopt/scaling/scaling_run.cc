#include "fleetopt/scaling/scaling_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/progress.h"

namespace fleetopt::scaling {
namespace {

// Clamps each tier to its min/max, then the total to the VM limit (taking
// replicas from the tiers that asked for the most above their minimum).
std::vector<int> clamp_allocation(const AppModel& app, std::vector<int> wanted) {
  wanted.resize(app.tiers.size(), 0);
  int total = 0;
  for (std::size_t t = 0; t < app.tiers.size(); ++t) {
    wanted[t] = std::clamp(wanted[t], app.tiers[t].min_replicas, app.tiers[t].max_replicas);
    total += wanted[t];
  }
  while (total > app.max_total_vms) {
    std::size_t pick = 0;
    int most = -1;
    for (std::size_t t = 0; t < app.tiers.size(); ++t) {
      const int above = wanted[t] - app.tiers[t].min_replicas;
      if (above > most) {
        most = above;
        pick = t;
      }
    }
    if (most <= 0) break;
    --wanted[pick];
    --total;
  }
  return wanted;
}

// A minute meets the SLO when its p99 latency, counting dropped requests as
// slower than any SLO, is at or under the SLO; a minute without requests meets it.
bool meets_slo(const IntervalStats& s, double slo_ms) {
  const std::int64_t finished = s.completed + s.dropped;
  if (finished == 0) return s.arrived == 0;
  const double slow_share = static_cast<double>(s.over_slo + s.dropped) / static_cast<double>(finished);
  return s.p99_ms <= slo_ms && slow_share <= 0.01;
}

std::unique_ptr<AppSimulator> make_simulator(const AppModel& app, LoadKind kind, SimulatorKind which,
                                             std::uint64_t seed) {
  return which == SimulatorKind::kDiscreteEvent ? make_discrete_event_simulator(app, kind, seed)
                                                : make_analytic_simulator(app, kind);
}

}  // namespace

int IntervalStats::vms() const {
  int total = 0;
  for (int v : active) total += v;
  for (int v : booting) total += v;
  return total;
}

ScaleResult run_scaling(const AppModel& app, const LoadTrace& trace, Autoscaler& autoscaler,
                        const ScaleOptions& options) {
  app.validate();
  if (!trace.mix_after.empty() && trace.mix_after.size() != app.classes.size()) {
    throw InputError::field("workload", fmt::format("{} changes the mix of {} request classes; the app has {}",
                                                    trace.name, trace.mix_after.size(), app.classes.size()));
  }
  if (!(options.interval_s > 0) || !(options.slo_ms > 0) || options.repeat < 1) {
    throw InputError::field("scale options", "interval, SLO and repetitions must be positive");
  }
  const auto start = std::chrono::steady_clock::now();
  ScaleResult result;
  result.autoscaler = autoscaler.name();
  const auto intervals = static_cast<std::size_t>(std::ceil(trace.duration_s() / options.interval_s - 1e-9));
  Progress progress("scale " + result.autoscaler, intervals * static_cast<std::size_t>(options.repeat));
  std::vector<double> base_mix;
  for (const RequestClass& c : app.classes) base_mix.push_back(c.share);
  // The oracle's what-if model: the app with the replicas asked about as its
  // initial ones (copied once, not per question).
  AppModel probe = app;

  for (int rep = 0; rep < options.repeat; ++rep) {
    if (rep > 0) autoscaler.new_repetition();
    auto sim = make_simulator(app, trace.kind, options.simulator, options.seed + static_cast<std::uint64_t>(rep));
    RepetitionResult r;
    std::vector<IntervalStats> history;
    std::vector<int> last_direction(app.tiers.size(), 0);
    std::vector<double> last_change_s(app.tiers.size(), -1e300);
    for (std::size_t i = 0; i < intervals; ++i) {
      const double t = static_cast<double>(i) * options.interval_s;
      const double level = trace.at(t);
      const bool shifted = !trace.mix_after.empty() &&
                           t >= static_cast<double>(trace.mix_change_step) * trace.step_seconds;
      const std::vector<double>& mix = shifted ? trace.mix_after : base_mix;
      const std::vector<int> paid = sim->replicas();
      IntervalStats s = sim->advance(options.interval_s, level, mix, options.slo_ms);
      MinuteRecord m;
      m.t_s = t;
      m.level = level;
      m.p99_ms = s.p99_ms;
      m.completed = s.completed;
      m.dropped = s.dropped;
      m.vms = paid;
      m.met = meets_slo(s, options.slo_ms);
      ++r.minutes;
      r.slo_minutes += m.met ? 1 : 0;
      for (int v : paid) r.vm_minutes += v * options.interval_s / 60.0;
      r.requests += s.arrived;
      r.requests_served += s.completed;
      r.requests_over_slo += s.over_slo;
      r.dropped += s.dropped;
      r.series.push_back(std::move(m));
      history.push_back(std::move(s));

      ScalingContext ctx{app, options.slo_ms, t + options.interval_s, options.interval_s, history.back(), history,
                         sim->replicas(), rep, {}, {}};
      ctx.future_level = [&trace](double at) { return trace.at(at); };
      ctx.what_if = [&probe, &trace, &mix, &options](const std::vector<int>& replicas, double at_level) {
        for (std::size_t k = 0; k < probe.tiers.size(); ++k) {
          probe.tiers[k].initial_replicas = std::clamp(replicas[k], probe.tiers[k].min_replicas,
                                                       probe.tiers[k].max_replicas);
        }
        return make_analytic_simulator(probe, trace.kind)->advance(options.interval_s, at_level, mix, options.slo_ms);
      };
      const std::vector<int> wanted = clamp_allocation(app, autoscaler.decide(ctx));
      const std::vector<int> current = sim->replicas();
      if (wanted != current) {
        ++r.actions;
        for (std::size_t k = 0; k < wanted.size(); ++k) {
          if (wanted[k] == current[k]) continue;
          const int direction = wanted[k] > current[k] ? 1 : -1;
          if (last_direction[k] == -direction && ctx.now_s - last_change_s[k] <= 600 + 1e-9) ++r.flaps;
          last_direction[k] = direction;
          last_change_s[k] = ctx.now_s;
        }
        sim->set_replicas(wanted);
      }
      progress.advance();
    }
    result.repetitions.push_back(std::move(r));
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

nlohmann::json to_json(const RepetitionResult& r, const AppModel& app, bool with_series) {
  nlohmann::json j = {{"minutes", r.minutes},
                      {"slo_minutes", r.slo_minutes},
                      {"vm_minutes", r.vm_minutes},
                      {"requests", r.requests},
                      {"requests_served", r.requests_served},
                      {"requests_over_slo", r.requests_over_slo},
                      {"dropped", r.dropped},
                      {"actions", r.actions},
                      {"flaps", r.flaps}};
  if (with_series) {
    nlohmann::json p99 = nlohmann::json::array(), level = nlohmann::json::array();
    nlohmann::json vms = nlohmann::json::object();
    for (const TierSpec& t : app.tiers) vms[t.name] = nlohmann::json::array();
    for (const MinuteRecord& m : r.series) {
      p99.push_back(m.p99_ms);
      level.push_back(m.level);
      for (std::size_t k = 0; k < app.tiers.size(); ++k) vms[app.tiers[k].name].push_back(m.vms[k]);
    }
    j["series"] = {{"p99_ms", p99}, {"load", level}, {"vms", vms}};
  }
  return j;
}

}  // namespace fleetopt::scaling
