// The migration planner: a fast ordering phase that handles the common case,
// an exact search behind it for completeness on small or stuck instances.
//
// Ordering phase: every misplaced VM whose target admits it moves at once;
// VMs whose target is full wait on that host and are retried only when a VM
// leaves it (monotone rules make a departure the only thing that can help).
// When every remaining VM waits, the waits form cycles (swaps, rotations);
// one VM of a cycle steps aside to a third host, chosen so that its departure
// lets a waiting VM in and its two extra moves cost least.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include <fmt/format.h>

#include "fleetopt/rearrange/exact_search.h"
#include "fleetopt/rearrange/plan.h"

namespace fleetopt::rearrange {
namespace {

constexpr double kEps = 1e-9;

struct Sequence {
  bool complete = false;
  std::vector<Migration> moves;
  std::string deadlock;  // when incomplete: who waits for whom
};

double sequence_cost(const std::vector<Migration>& moves) {
  double total = 0;
  for (const auto& m : moves) total += m.cost;
  return total;
}

// Smallest normalised free room left on h once vm joins.
double slack_after(const Cluster& c, const Occupancy& occ, std::int32_t vm, std::int32_t h) {
  Resources lim = c.limit(h);
  double slack = 1e18;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(c.dims, d) || lim[d] <= 0) continue;
    slack = std::min(slack, (lim[d] - occ.load(h)[d] - c.vm(vm).demand[d]) / lim[d]);
  }
  return slack;
}

class OrderingPhase {
 public:
  OrderingPhase(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                const Placement& start, const Placement& goal)
      : c_(c), rules_(rules), cost_(cost), cur_(start), goal_(goal), occ_(c, start) {}

  Sequence run() {
    const std::size_t n = static_cast<std::size_t>(c_.num_vms());
    pending_.assign(n, 0);
    waiting_flag_.assign(n, 0);
    temp_count_.assign(n, 0);
    waiting_.assign(static_cast<std::size_t>(c_.num_hosts()), {});
    targeted_.assign(static_cast<std::size_t>(c_.num_hosts()), 0);
    for (std::size_t v = 0; v < n; ++v) {
      if (cur_[v] != kNoHost && goal_[v] != kNoHost && cur_[v] != goal_[v]) {
        pending_[v] = 1;
        ++pending_count_;
        ++targeted_[static_cast<std::size_t>(goal_[v])];
        queue_.push_back(static_cast<std::int32_t>(v));
      }
    }
    const std::int64_t max_temporaries = 2 * pending_count_ + 16;
    std::int64_t temporaries = 0;
    Sequence out;
    while (true) {
      drain_queue();
      if (pending_count_ == 0) {
        out.complete = true;
        break;
      }
      if (temporaries >= max_temporaries || !step_aside()) {
        out.deadlock = describe_deadlock();
        break;
      }
      ++temporaries;
    }
    out.moves = std::move(moves_);
    return out;
  }

 private:
  static std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

  void move(std::int32_t vm, std::int32_t to) {
    std::int32_t from = cur_[ix(vm)];
    occ_.add(vm, to);
    occ_.remove(vm, from);
    cur_[ix(vm)] = to;
    Migration m;
    m.vm = vm;
    m.from = from;
    m.to = to;
    m.cost = cost_.cost(c_, vm, from, to);
    m.temporary = to != goal_[ix(vm)];
    moves_.push_back(m);
    auto& waiters = waiting_[ix(from)];
    for (std::int32_t w : waiters) {
      waiting_flag_[ix(w)] = 0;
      queue_.push_back(w);
    }
    waiters.clear();
  }

  void drain_queue() {
    while (!queue_.empty()) {
      std::int32_t v = queue_.front();
      queue_.pop_front();
      if (!pending_[ix(v)]) continue;
      std::int32_t target = goal_[ix(v)];
      if (rules_.admits(occ_, v, target)) {
        move(v, target);
        pending_[ix(v)] = 0;
        --pending_count_;
        --targeted_[ix(target)];
      } else if (!waiting_flag_[ix(v)]) {
        waiting_flag_[ix(v)] = 1;
        waiting_[ix(target)].push_back(v);
      }
    }
  }

  std::vector<std::vector<std::int32_t>> vms_by_host() const {
    std::vector<std::vector<std::int32_t>> on(static_cast<std::size_t>(c_.num_hosts()));
    for (std::size_t v = 0; v < cur_.size(); ++v) {
      if (cur_[v] != kNoHost) on[ix(cur_[v])].push_back(static_cast<std::int32_t>(v));
    }
    return on;
  }

  // Moves one waiting-on VM to a third host. False when none can go anywhere.
  bool step_aside() {
    struct Candidate {
      std::int32_t vm, host;
      bool unblocks;
      double cost;
    };
    std::vector<Candidate> candidates;
    auto on = vms_by_host();
    for (std::int32_t s = 0; s < c_.num_hosts(); ++s) {
      if (waiting_[ix(s)].empty()) continue;
      for (std::int32_t u : on[ix(s)]) {
        if (!pending_[ix(u)] || c_.vm(u).pinned || temp_count_[ix(u)] >= 2) continue;
        occ_.remove(u, s);
        bool unblocks = false;
        for (std::int32_t w : waiting_[ix(s)]) {
          if (rules_.admits(occ_, w, s)) {
            unblocks = true;
            break;
          }
        }
        occ_.add(u, s);
        candidates.push_back({u, s, unblocks, cost_.cost(c_, u, s, goal_[ix(u)])});
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      if (a.unblocks != b.unblocks) return a.unblocks;
      return a.cost < b.cost;
    });
    for (const Candidate& cand : candidates) {
      std::int32_t best = kNoHost;
      double best_extra = 0, best_slack = 0;
      bool best_targeted = true;
      std::int32_t target = goal_[ix(cand.vm)];
      for (std::int32_t h = 0; h < c_.num_hosts(); ++h) {
        if (h == cand.host || h == target || !rules_.admits(occ_, cand.vm, h)) continue;
        double extra = cost_.cost(c_, cand.vm, cand.host, h) + cost_.cost(c_, cand.vm, h, target);
        bool targeted = targeted_[ix(h)] > 0;
        double slack = slack_after(c_, occ_, cand.vm, h);
        bool better = best == kNoHost || extra < best_extra - kEps ||
                      (std::fabs(extra - best_extra) <= kEps &&
                       (targeted != best_targeted ? !targeted : slack > best_slack));
        if (better) {
          best = h;
          best_extra = extra;
          best_slack = slack;
          best_targeted = targeted;
        }
      }
      if (best != kNoHost) {
        ++temp_count_[ix(cand.vm)];
        move(cand.vm, best);
        return true;
      }
    }
    return false;
  }

  std::string describe_deadlock() const {
    std::string waits, blockers;
    int shown = 0, listed = 0;
    auto on = vms_by_host();
    for (std::int32_t s = 0; s < c_.num_hosts() && shown < 4; ++s) {
      for (std::int32_t w : waiting_[ix(s)]) {
        if (shown++ >= 4) break;
        waits += fmt::format("{}{} ({} -> {}) waits for room on {} [{}]", waits.empty() ? "" : "; ",
                             c_.vm(w).id, c_.host(cur_[ix(w)]).id, c_.host(s).id, c_.host(s).id,
                             rules_.explain(occ_, w, s));
      }
      for (std::int32_t u : on[ix(s)]) {
        if (waiting_[ix(s)].empty() || !pending_[ix(u)]) continue;
        if (++listed > 8) break;
        if (!blockers.empty()) blockers += ", ";
        blockers += fmt::format("{}{}", c_.vm(u).id, c_.vm(u).pinned ? " (pinned)" : "");
      }
    }
    return fmt::format("deadlock: {}; held by VMs that are waiting themselves ({}) and no third host "
                       "can take any of them temporarily",
                       waits, blockers.empty() ? "none" : blockers);
  }

  const Cluster& c_;
  const RuleSet& rules_;
  const MigrationCost& cost_;
  Placement cur_;
  const Placement& goal_;
  Occupancy occ_;
  std::vector<char> pending_, waiting_flag_;
  std::vector<std::int32_t> temp_count_, targeted_;
  std::vector<std::vector<std::int32_t>> waiting_;
  std::deque<std::int32_t> queue_;
  std::int64_t pending_count_ = 0;
  std::vector<Migration> moves_;
};

// Whether moves, applied one by one from start, are each admitted and end at goal.
bool valid_sequence(const Cluster& c, const RuleSet& rules, const Placement& start,
                    const Placement& goal, const std::vector<Migration>& moves) {
  Placement cur = start;
  Occupancy occ(c, start);
  for (const auto& m : moves) {
    if (m.vm < 0 || m.vm >= c.num_vms() || m.to < 0 || m.to >= c.num_hosts()) return false;
    if (cur[static_cast<std::size_t>(m.vm)] != m.from || m.from == m.to || m.from == kNoHost) return false;
    if (c.vm(m.vm).pinned || !rules.admits(occ, m.vm, m.to)) return false;
    occ.add(m.vm, m.to);
    occ.remove(m.vm, m.from);
    cur[static_cast<std::size_t>(m.vm)] = m.to;
  }
  return cur == goal;
}

}  // namespace

std::optional<std::vector<Migration>> order_migrations(const Cluster& c, const RuleSet& rules,
                                                       const MigrationCost& cost, const Placement& start,
                                                       const Placement& goal) {
  Sequence seq = OrderingPhase(c, rules, cost, start, goal).run();
  if (!seq.complete) return std::nullopt;
  return std::move(seq.moves);
}

Plan naive_plan(const Cluster& c, const RuleSet& rules, const MigrationCost& cost, const Placement& a,
                const Placement& b, const PlanLimits& limits) {
  Plan plan;
  Placement start = a;
  for (std::size_t v = 0; v < a.size(); ++v) {
    if (a[v] != kNoHost && b[v] == kNoHost) {
      plan.shutdowns.push_back(static_cast<std::int32_t>(v));
      start[v] = kNoHost;
    } else if (a[v] == kNoHost && b[v] != kNoHost) {
      plan.startups.push_back(static_cast<std::int32_t>(v));
    }
  }
  Occupancy occ(c, start);
  std::vector<Migration> seq;
  for (std::size_t v = 0; v < a.size(); ++v) {
    if (start[v] == kNoHost || b[v] == kNoHost || start[v] == b[v]) continue;
    const auto vm = static_cast<std::int32_t>(v);
    if (c.vm(vm).pinned || !rules.admits(occ, vm, b[v])) {
      plan.status = PlanStatus::kInfeasible;
      plan.reason = fmt::format("move of {} ({} -> {}) in list order: {}", c.vm(vm).id, c.host(start[v]).id,
                                c.host(b[v]).id, c.vm(vm).pinned ? "pinned" : rules.explain(occ, vm, b[v]));
      return plan;
    }
    occ.add(vm, b[v]);
    occ.remove(vm, start[v]);
    Migration m;
    m.vm = vm;
    m.from = start[v];
    m.to = b[v];
    m.cost = cost.cost(c, vm, m.from, m.to);
    plan.total_cost += m.cost;
    plan.lower_bound_cost += m.cost;
    seq.push_back(m);
  }
  for (std::int32_t v : plan.startups) occ.add(v, b[static_cast<std::size_t>(v)]);
  for (std::int32_t v : plan.startups) {
    if (!rules.holds(occ, b[static_cast<std::size_t>(v)])) {
      plan.status = PlanStatus::kInfeasible;
      plan.reason = "startup of " + c.vm(v).id + " breaks the rules";
      return plan;
    }
  }
  plan.stages = assign_stages(c, rules, start, seq, limits);
  plan.migrations = std::move(seq);
  return plan;
}

const char* to_string(PlanStatus s) {
  switch (s) {
    case PlanStatus::kFeasible: return "feasible";
    case PlanStatus::kInfeasible: return "infeasible";
    case PlanStatus::kUnknown: return "unknown";
  }
  return "?";
}

Plan plan_migrations(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                     const Placement& a, const Placement& b, const PlannerOptions& options) {
  const std::size_t n = static_cast<std::size_t>(c.num_vms());
  if (a.size() != n || b.size() != n) throw std::logic_error("plan_migrations: placement size mismatch");
  for (std::size_t v = 0; v < n; ++v) {
    for (std::int32_t h : {a[v], b[v]}) {
      if (h != kNoHost && (h < 0 || h >= c.num_hosts())) {
        throw std::logic_error("plan_migrations: host index out of range");
      }
    }
  }
  Plan plan;
  Placement start = a, goal = b;
  for (std::size_t v = 0; v < n; ++v) {
    if (a[v] != kNoHost && b[v] == kNoHost) {
      plan.shutdowns.push_back(static_cast<std::int32_t>(v));
      start[v] = kNoHost;
    } else if (a[v] == kNoHost && b[v] != kNoHost) {
      plan.startups.push_back(static_cast<std::int32_t>(v));
      goal[v] = kNoHost;
    } else if (a[v] != kNoHost && a[v] != b[v]) {
      if (c.vms[v].pinned) {
        plan.status = PlanStatus::kInfeasible;
        plan.reason = fmt::format("VM {} is pinned to {} but B puts it on {}", c.vms[v].id,
                                  c.host(a[v]).id, c.host(b[v]).id);
        return plan;
      }
      plan.lower_bound_cost += cost.cost(c, static_cast<std::int32_t>(v), a[v], b[v]);
    }
  }
  auto bad = insane_hosts(c, rules, b);
  if (!bad.empty()) {
    plan.status = PlanStatus::kInfeasible;
    plan.reason = "B breaks the rules on " + bad.front();
    if (bad.size() > 1) plan.reason += fmt::format(" (and {} more hosts)", bad.size() - 1);
    return plan;
  }

  std::vector<Migration> seq;
  bool have = false;
  if (options.hint != nullptr && valid_sequence(c, rules, start, goal, *options.hint)) {
    seq = *options.hint;
    for (auto& m : seq) m.temporary = m.to != goal[static_cast<std::size_t>(m.vm)];
    have = true;
  }
  Sequence ordered = OrderingPhase(c, rules, cost, start, goal).run();
  if (ordered.complete && (!have || sequence_cost(ordered.moves) < sequence_cost(seq) - kEps)) {
    seq = std::move(ordered.moves);
    have = true;
  }
  if (!have) {
    if (!options.exact_fallback) {
      plan.status = PlanStatus::kUnknown;
      plan.reason = ordered.deadlock + " (exact search disabled)";
      return plan;
    }
    SearchResult found = exact_search(c, rules, cost, start, goal, options.search_budget,
                                      std::numeric_limits<double>::infinity(), options.memory_budget_bytes);
    plan.used_exact_search = true;
    plan.states_explored = found.expanded;
    switch (found.outcome) {
      case SearchResult::Outcome::kFound:
        seq = std::move(found.moves);
        plan.cost_proven_optimal = true;
        break;
      case SearchResult::Outcome::kExhausted:
        plan.status = PlanStatus::kInfeasible;
        plan.reason = fmt::format("no sequence of migrations reaches B (all {} reachable states "
                                  "searched); {}", found.expanded, ordered.deadlock);
        return plan;
      case SearchResult::Outcome::kBudget:
        plan.status = PlanStatus::kUnknown;
        plan.reason = fmt::format("undecided: the exact search stopped at its budget after {} states (budgets: {} "
                                  "states, {:.0f} MB); {}", found.expanded, options.search_budget,
                                  options.memory_budget_bytes / 1e6, ordered.deadlock);
        return plan;
      case SearchResult::Outcome::kTooLarge:
        plan.status = PlanStatus::kUnknown;
        plan.reason = "undecided: too large for the exact search; " + ordered.deadlock;
        return plan;
    }
  }

  double seq_cost = sequence_cost(seq);
  if (seq_cost <= plan.lower_bound_cost + kEps * std::max(1.0, plan.lower_bound_cost)) {
    plan.cost_proven_optimal = true;
  } else if (!plan.cost_proven_optimal && options.improve_max_vms > 0) {
    std::int32_t movable = 0;
    for (std::size_t v = 0; v < n; ++v) movable += start[v] != kNoHost && !c.vms[v].pinned;
    if (movable <= options.improve_max_vms) {
      SearchResult better =
          exact_search(c, rules, cost, start, goal, options.search_budget, seq_cost, options.memory_budget_bytes);
      plan.states_explored += better.expanded;
      if (better.outcome == SearchResult::Outcome::kFound) {
        seq = std::move(better.moves);
        plan.used_exact_search = true;
        plan.cost_proven_optimal = true;
      } else if (better.outcome == SearchResult::Outcome::kExhausted) {
        plan.cost_proven_optimal = true;  // nothing cheaper exists
      }
    }
  }
  for (const auto& m : seq) {
    plan.total_cost += m.cost;
    plan.temporary_moves += m.temporary ? 1 : 0;
  }
  plan.stages = assign_stages(c, rules, start, seq, options.limits);
  plan.migrations = std::move(seq);
  return plan;
}

}  // namespace fleetopt::rearrange
