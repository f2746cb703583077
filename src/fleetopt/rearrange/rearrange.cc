#include "fleetopt/rearrange/rearrange.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace fleetopt::rearrange {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool over_budget(const TargetOptions& o, const Plan& plan) {
  if (!plan.feasible()) return false;
  if (o.max_migrations >= 0 && static_cast<std::int64_t>(plan.migrations.size()) > o.max_migrations) return true;
  return o.max_cost >= 0 && plan.total_cost > o.max_cost + 1e-9;
}

}  // namespace

RearrangeReport rearrange(const TargetProblem& problem, TargetStrategy& strategy, const PlannerOptions& planner) {
  const Cluster& c = problem.cluster;
  RearrangeReport r;
  r.strategy = strategy.name();
  r.hosts_before = active_hosts(c, problem.a, &problem.scope.hosts);
  r.stddev_before = load_stddev(c, problem.a, &problem.scope.hosts);
  std::vector<std::int32_t> vms;
  std::vector<char> fixed(static_cast<std::size_t>(c.num_hosts()), 0);
  std::int32_t fixed_hosts = 0;
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    std::int32_t h = problem.a[static_cast<std::size_t>(v)];
    if (h == kNoHost || !problem.scope.hosts[static_cast<std::size_t>(h)]) continue;
    vms.push_back(v);
    if (!problem.scope.movable[static_cast<std::size_t>(v)] && !fixed[static_cast<std::size_t>(h)]) {
      fixed[static_cast<std::size_t>(h)] = 1;
      ++fixed_hosts;
    }
  }
  r.bounds = host_lower_bound(c, vms, problem.scope.hosts, fixed_hosts);

  TargetProblem attempt = problem;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    r.target = strategy.choose(attempt);
    r.target_seconds += seconds_since(t0);
    if (!r.target.ok) break;
    auto t1 = std::chrono::steady_clock::now();
    PlannerOptions opts = planner;
    opts.hint = r.target.sequence.empty() ? nullptr : &r.target.sequence;
    r.plan = plan_migrations(c, problem.rules, problem.cost, problem.a, r.target.b, opts);
    r.plan_seconds += seconds_since(t1);
    if (!over_budget(problem.options, r.plan)) break;
    // Temporary moves pushed the plan over budget: tighten and retry.
    const auto& o = problem.options;
    if (o.max_migrations >= 0) {
      std::int64_t excess = static_cast<std::int64_t>(r.plan.migrations.size()) - o.max_migrations;
      attempt.options.max_migrations = std::max<std::int64_t>(0, attempt.options.max_migrations - excess);
    }
    if (o.max_cost >= 0) attempt.options.max_cost = std::max(0.0, attempt.options.max_cost - (r.plan.total_cost - o.max_cost));
    r.note = "budget tightened to absorb temporary moves";
  }
  if (!r.target.ok) {
    r.note = r.target.note;
    r.target.b = problem.a;
    r.plan = Plan{};
    r.plan.status = PlanStatus::kInfeasible;
    r.plan.reason = "no target placement: " + r.target.note;
  } else if (over_budget(problem.options, r.plan)) {
    r.note = "the plan exceeds the migration budget";
  } else if (!r.target.note.empty()) {
    r.note = r.target.note;
  }
  r.hosts_after = active_hosts(c, r.target.b, &problem.scope.hosts);
  r.stddev_after = load_stddev(c, r.target.b, &problem.scope.hosts);
  r.vms_moved = moved_vms(problem.a, r.target.b);
  {
    std::vector<std::int64_t> count(static_cast<std::size_t>(c.num_hosts()), 0);
    std::vector<double> gb(static_cast<std::size_t>(c.num_hosts()), 0);
    std::vector<char> stuck(static_cast<std::size_t>(c.num_hosts()), 0);
    for (std::int32_t v = 0; v < c.num_vms(); ++v) {
      std::int32_t h = problem.a[static_cast<std::size_t>(v)];
      if (h == kNoHost || !problem.scope.hosts[static_cast<std::size_t>(h)]) continue;
      ++count[static_cast<std::size_t>(h)];
      gb[static_cast<std::size_t>(h)] += c.vm(v).memory_gb;
      if (!problem.scope.movable[static_cast<std::size_t>(v)]) stuck[static_cast<std::size_t>(h)] = 1;
    }
    std::vector<std::int64_t> counts;
    std::vector<double> gbs;
    for (std::size_t h = 0; h < count.size(); ++h) {
      if (count[h] > 0 && !stuck[h]) {
        counts.push_back(count[h]);
        gbs.push_back(gb[h]);
      }
    }
    std::sort(counts.begin(), counts.end());
    std::sort(gbs.begin(), gbs.end());
    std::size_t emptied = static_cast<std::size_t>(std::max(0, r.hosts_before - r.hosts_after));
    for (std::size_t i = 0; i < emptied && i < counts.size(); ++i) {
      r.migration_lower_bound += counts[i];
      r.moved_gb_lower_bound += gbs[i];
    }
  }
  for (const auto& m : r.plan.migrations) r.moved_gb += c.vm(m.vm).memory_gb;
  return r;
}

nlohmann::json plan_to_json(const Cluster& c, const Plan& plan) {
  nlohmann::json j;
  j["feasible"] = plan.feasible();
  j["status"] = to_string(plan.status);
  nlohmann::json migrations = nlohmann::json::array();
  for (const auto& m : plan.migrations) {
    migrations.push_back({{"vm", c.vm(m.vm).id},
                          {"from", c.host(m.from).id},
                          {"to", c.host(m.to).id},
                          {"stage", m.stage},
                          {"cost", m.cost},
                          {"temporary", m.temporary}});
  }
  j["migrations"] = std::move(migrations);
  j["stages"] = plan.stages;
  j["total_cost"] = plan.total_cost;
  j["lower_bound_cost"] = plan.lower_bound_cost;
  j["cost_proven_optimal"] = plan.cost_proven_optimal;
  j["temporary_moves"] = plan.temporary_moves;
  nlohmann::json shut = nlohmann::json::array(), start = nlohmann::json::array();
  for (std::int32_t v : plan.shutdowns) shut.push_back(c.vm(v).id);
  for (std::int32_t v : plan.startups) start.push_back(c.vm(v).id);
  j["shutdowns"] = std::move(shut);
  j["startups"] = std::move(start);
  j["used_exact_search"] = plan.used_exact_search;
  j["states_explored"] = plan.states_explored;
  if (!plan.feasible()) j["reason"] = plan.reason;
  return j;
}

nlohmann::json report_to_json(const Cluster& c, const RearrangeReport& r) {
  nlohmann::json j;
  j["strategy"] = r.strategy;
  j["ok"] = r.target.ok;
  j["hosts_before"] = r.hosts_before;
  j["hosts_after"] = r.hosts_after;
  j["lower_bound_hosts"] = r.bounds.best();
  j["lower_bounds"] = {{"continuous", r.bounds.continuous},
                       {"l2", r.bounds.l2},
                       {"configuration_lp", r.bounds.configuration_lp},
                       {"assignment_lp", r.bounds.assignment_lp},
                       {"structural", r.bounds.structural}};
  j["load_stddev_before"] = r.stddev_before;
  j["load_stddev_after"] = r.stddev_after;
  j["vms_moved"] = r.vms_moved;
  j["migration_lower_bound"] = r.migration_lower_bound;
  j["moved_gb_lower_bound"] = r.moved_gb_lower_bound;
  j["migrations"] = r.plan.migrations.size();
  j["moved_gb"] = r.moved_gb;
  j["target_seconds"] = r.target_seconds;
  j["plan_seconds"] = r.plan_seconds;
  if (!r.note.empty()) j["note"] = r.note;
  j["plan"] = plan_to_json(c, r.plan);
  return j;
}

}  // namespace fleetopt::rearrange
