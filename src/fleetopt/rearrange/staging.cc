// Grouping an ordered plan into parallel stages, and replaying a plan to
// check it.
//
// Why the stage builder never gets stuck: a migration m may join the current
// stage ahead of an earlier, not yet scheduled migration e only if m's target
// is not e's target and m moves another VM. Then everything scheduled so far
// is either before e in the sequence or only removes load from e's target, so
// (rules being monotone) the first unscheduled migration always fits a fresh
// stage, exactly as it did in the sequence.
#include <algorithm>

#include <fmt/format.h>

#include "fleetopt/rearrange/plan.h"

namespace fleetopt::rearrange {

std::int32_t assign_stages(const Cluster& c, const RuleSet& rules, const Placement& start,
                           std::vector<Migration>& moves, const PlanLimits& limits) {
  const std::size_t hosts = static_cast<std::size_t>(c.num_hosts());
  const std::size_t vms = static_cast<std::size_t>(c.num_vms());
  Occupancy occ(c, start);
  std::vector<char> done(moves.size(), 0), blocked_target(hosts, 0), blocked_vm(vms, 0),
      in_stage_vm(vms, 0);
  std::vector<std::int32_t> incoming(hosts, 0), outgoing(hosts, 0);
  std::vector<std::size_t> chosen;
  std::vector<std::int32_t> touched_hosts, touched_vms;
  std::vector<Migration> ordered;
  ordered.reserve(moves.size());
  const std::int32_t max_in = std::max(1, limits.max_in_per_host);
  const std::int32_t max_out = std::max(1, limits.max_out_per_host);
  std::size_t first = 0, remaining = moves.size();
  std::int32_t stage = 0;
  while (remaining > 0) {
    ++stage;
    chosen.clear();
    for (std::size_t i = first; i < moves.size(); ++i) {
      if (done[i]) continue;
      if (limits.max_parallel > 0 && chosen.size() >= static_cast<std::size_t>(limits.max_parallel)) break;
      const Migration& m = moves[i];
      const std::size_t v = static_cast<std::size_t>(m.vm);
      const std::size_t to = static_cast<std::size_t>(m.to), from = static_cast<std::size_t>(m.from);
      bool ok = !blocked_vm[v] && !in_stage_vm[v] && !blocked_target[to] && incoming[to] < max_in &&
                outgoing[from] < max_out && rules.admits(occ, m.vm, m.to);
      touched_hosts.push_back(m.to);
      touched_hosts.push_back(m.from);
      touched_vms.push_back(m.vm);
      if (ok) {
        occ.add(m.vm, m.to);  // in flight: counted on both hosts
        ++incoming[to];
        ++outgoing[from];
        in_stage_vm[v] = 1;
        chosen.push_back(i);
      } else {
        blocked_target[to] = 1;
        blocked_vm[v] = 1;
      }
    }
    if (chosen.empty()) throw std::logic_error("assign_stages: the plan is not sequentially valid");
    for (std::size_t i : chosen) {
      occ.remove(moves[i].vm, moves[i].from);
      done[i] = 1;
      moves[i].stage = stage;
      ordered.push_back(moves[i]);
      --remaining;
    }
    for (std::int32_t h : touched_hosts) {
      blocked_target[static_cast<std::size_t>(h)] = 0;
      incoming[static_cast<std::size_t>(h)] = 0;
      outgoing[static_cast<std::size_t>(h)] = 0;
    }
    for (std::int32_t v : touched_vms) {
      blocked_vm[static_cast<std::size_t>(v)] = 0;
      in_stage_vm[static_cast<std::size_t>(v)] = 0;
    }
    touched_hosts.clear();
    touched_vms.clear();
    while (first < moves.size() && done[first]) ++first;
  }
  moves = std::move(ordered);
  return stage;
}

std::optional<std::string> check_plan(const Cluster& c, const RuleSet& rules, const Placement& a,
                                      const Placement& b, const Plan& plan, const PlanLimits& limits) {
  if (!plan.feasible()) return std::string("the plan is not feasible");
  const std::size_t n = static_cast<std::size_t>(c.num_vms());
  Placement cur = a;
  for (std::int32_t v : plan.shutdowns) {
    if (v < 0 || static_cast<std::size_t>(v) >= n || cur[static_cast<std::size_t>(v)] == kNoHost ||
        b[static_cast<std::size_t>(v)] != kNoHost) {
      return fmt::format("shutdown of VM #{} is not a VM running in A and absent from B", v);
    }
    cur[static_cast<std::size_t>(v)] = kNoHost;
  }
  Occupancy occ(c, cur);
  std::size_t i = 0;
  double total = 0;
  std::int32_t last_stage = 0;
  while (i < plan.migrations.size()) {
    const std::int32_t stage = plan.migrations[i].stage;
    if (stage != last_stage + 1) return fmt::format("stage {} follows stage {}", stage, last_stage);
    std::size_t end = i;
    while (end < plan.migrations.size() && plan.migrations[end].stage == stage) ++end;
    if (limits.max_parallel > 0 && end - i > static_cast<std::size_t>(limits.max_parallel)) {
      return fmt::format("stage {} runs {} migrations, more than {}", stage, end - i, limits.max_parallel);
    }
    std::vector<std::int32_t> in(static_cast<std::size_t>(c.num_hosts()), 0),
        out(static_cast<std::size_t>(c.num_hosts()), 0);
    std::vector<char> seen(n, 0);
    for (std::size_t k = i; k < end; ++k) {
      const Migration& m = plan.migrations[k];
      if (m.vm < 0 || static_cast<std::size_t>(m.vm) >= n || m.to < 0 || m.to >= c.num_hosts()) {
        return fmt::format("stage {}: migration with an invalid VM or host", stage);
      }
      const std::size_t v = static_cast<std::size_t>(m.vm);
      if (seen[v]) return fmt::format("stage {}: VM {} moves twice", stage, c.vms[v].id);
      seen[v] = 1;
      if (cur[v] != m.from || m.from == kNoHost || m.from == m.to) {
        return fmt::format("stage {}: VM {} is not on the source host the plan says", stage, c.vms[v].id);
      }
      if (c.vms[v].pinned) return fmt::format("stage {}: pinned VM {} moves", stage, c.vms[v].id);
      if (++in[static_cast<std::size_t>(m.to)] > std::max(1, limits.max_in_per_host)) {
        return fmt::format("stage {}: host {} receives too many migrations", stage, c.host(m.to).id);
      }
      if (++out[static_cast<std::size_t>(m.from)] > std::max(1, limits.max_out_per_host)) {
        return fmt::format("stage {}: host {} sends too many migrations", stage, c.host(m.from).id);
      }
      occ.add(m.vm, m.to);
      total += m.cost;
    }
    for (std::size_t k = i; k < end; ++k) {
      const Migration& m = plan.migrations[k];
      if (!rules.holds(occ, m.to)) {
        return fmt::format("stage {}: host {} breaks the rules while migrations are in flight: {}", stage,
                           c.host(m.to).id, rules.explain(occ, -1, m.to));
      }
    }
    for (std::size_t k = i; k < end; ++k) {
      const Migration& m = plan.migrations[k];
      occ.remove(m.vm, m.from);
      cur[static_cast<std::size_t>(m.vm)] = m.to;
    }
    last_stage = stage;
    i = end;
  }
  if (last_stage != plan.stages) return fmt::format("plan says {} stages, has {}", plan.stages, last_stage);
  for (std::int32_t v : plan.startups) {
    if (v < 0 || static_cast<std::size_t>(v) >= n || cur[static_cast<std::size_t>(v)] != kNoHost ||
        b[static_cast<std::size_t>(v)] == kNoHost) {
      return fmt::format("startup of VM #{} is not a VM new in B", v);
    }
    cur[static_cast<std::size_t>(v)] = b[static_cast<std::size_t>(v)];
    occ.add(v, cur[static_cast<std::size_t>(v)]);
  }
  for (std::int32_t v : plan.startups) {
    std::int32_t h = cur[static_cast<std::size_t>(v)];
    if (!rules.holds(occ, h)) {
      return fmt::format("host {} breaks the rules after startups: {}", c.host(h).id,
                         rules.explain(occ, -1, h));
    }
  }
  if (cur != b) return std::string("the plan does not end at B");
  if (std::abs(total - plan.total_cost) > 1e-6 * std::max(1.0, total)) {
    return fmt::format("total cost {} differs from the sum of migration costs {}", plan.total_cost, total);
  }
  return std::nullopt;
}

}  // namespace fleetopt::rearrange
