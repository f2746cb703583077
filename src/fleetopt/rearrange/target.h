// Question 1 of a rearrangement: which placement B to head for, given the
// current placement A. Each strategy (ours: defrag, rebalance, evacuate; the
// baselines: ffd, watcher-*) implements one method and is found by name. The
// built-ins are listed in target.cc (so a plain static link keeps them);
// register_strategy adds others at run time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/rearrange/cost.h"
#include "fleetopt/rearrange/plan.h"
#include "fleetopt/rearrange/rules.h"

namespace fleetopt::rearrange {

// Which VMs may move and which hosts take part.
struct Scope {
  std::vector<char> movable;  // per VM: running, not pinned, matched by the subset filter
  std::vector<char> hosts;    // per host: may receive VMs; counted in the metrics
};

// subset: comma-separated terms, a VM matches if any term does: tag:T, vm:ID,
// host:ID (VMs now on that host), image:I, group:G; empty matches all.
// within: comma-separated host terms: host:ID, tag:T; empty means all hosts.
// Throws InputError naming the unknown id or term.
Scope make_scope(const Cluster& c, const Placement& a, const std::string& subset = "",
                 const std::string& within = "");

struct TargetOptions {
  std::int64_t max_migrations = -1;  // -1: no budget
  double max_cost = -1;              // -1: no budget
  bool image_affinity = false;       // prefer hosts running the same image (page sharing)
  std::vector<std::int32_t> evacuate;  // hosts to empty (goal evacuate)
};

struct TargetProblem {
  const Cluster& cluster;
  const RuleSet& rules;
  const MigrationCost& cost;
  const Placement& a;
  const Scope& scope;
  TargetOptions options;
};

struct TargetResult {
  Placement b;
  // A valid sequence of moves from A to B when the strategy built one (a
  // hint for the planner); may be empty.
  std::vector<Migration> sequence;
  bool ok = true;
  std::string note;  // e.g. why evacuation is impossible, or what the budget cut
};

class TargetStrategy {
 public:
  virtual ~TargetStrategy() = default;
  virtual std::string name() const = 0;
  virtual TargetResult choose(const TargetProblem& p) = 0;
};

// "NAME[:ARG][@KEY=VALUE]..." e.g. "evacuate:h1,h2", "watcher-basic@efficacy=0".
struct StrategySpec {
  std::string name, arg, text;
  std::map<std::string, std::string> options;
  static StrategySpec parse(const std::string& text);
  double number(const std::string& key, double fallback) const;  // InputError on bad values
  void check_options(const std::vector<std::string>& known) const;
};

using StrategyFactory = std::function<std::unique_ptr<TargetStrategy>(const StrategySpec&)>;
bool register_strategy(const std::string& name, const std::string& summary, StrategyFactory factory);
std::unique_ptr<TargetStrategy> make_strategy(const std::string& spec);  // InputError if unknown
std::vector<std::pair<std::string, std::string>> registered_strategies();

// Hosts named in "h1,h2" (InputError for unknown ids).
std::vector<std::int32_t> parse_host_list(const Cluster& c, const std::string& list, const std::string& field);

}  // namespace fleetopt::rearrange
