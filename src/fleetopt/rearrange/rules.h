// "Sane state" rules: what every state of the cluster (including every state
// during a migration, with the migrating VM counted on both hosts) must
// satisfy. Rules are pluggable; the capacity rule (overcommit ratios and host
// reserves) and anti-affinity are the built-ins the cluster file implies, and
// the file's "rules" list adds others by name.
//
// Contract every rule must keep, because the planner's guarantees rest on it:
// rules are monotone -- a host that satisfies a rule still does after any VM
// leaves it. (Capacity, anti-affinity, utilisation caps and VM-count caps all
// are; a "minimum load" rule would not be.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "fleetopt/rearrange/occupancy.h"

namespace fleetopt::rearrange {

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string name() const = 0;
  // Whether host h still satisfies the rule once `vm` joins what occ holds.
  virtual bool admits(const Occupancy& occ, std::int32_t vm, std::int32_t h) const = 0;
  // Whether host h satisfies the rule as occ stands.
  virtual bool holds(const Occupancy& occ, std::int32_t h) const = 0;
  // Why admits() (vm >= 0) or holds() (vm < 0) fails, in one line.
  virtual std::string explain(const Occupancy& occ, std::int32_t vm, std::int32_t h) const = 0;
};

class RuleSet {
 public:
  RuleSet() = default;
  RuleSet(RuleSet&&) = default;
  RuleSet& operator=(RuleSet&&) = default;

  void add(std::unique_ptr<Rule> rule) { rules_.push_back(std::move(rule)); }
  std::size_t size() const { return rules_.size(); }
  const Rule& rule(std::size_t i) const { return *rules_[i]; }

  bool admits(const Occupancy& occ, std::int32_t vm, std::int32_t h) const {
    for (const auto& r : rules_) {
      if (!r->admits(occ, vm, h)) return false;
    }
    return true;
  }
  bool holds(const Occupancy& occ, std::int32_t h) const {
    for (const auto& r : rules_) {
      if (!r->holds(occ, h)) return false;
    }
    return true;
  }
  // The first failing rule's explanation, or "" when vm fits (vm >= 0) / the
  // host is sane (vm < 0).
  std::string explain(const Occupancy& occ, std::int32_t vm, std::int32_t h) const;

 private:
  std::vector<std::unique_ptr<Rule>> rules_;
};

// Capacity under overcommit and reserves: load <= capacity x ratio - reserve.
std::unique_ptr<Rule> make_capacity_rule(const Cluster& c);
// No two VMs of one anti-affinity group on a host.
std::unique_ptr<Rule> make_anti_affinity_rule();
// load[d] <= fraction[d] x capacity[d] for each dimension with fraction > 0.
std::unique_ptr<Rule> make_max_utilisation_rule(const Cluster& c, const Resources& fraction);
// At most n VMs per host.
std::unique_ptr<Rule> make_max_vms_rule(std::int32_t n);

// The rules a cluster file implies: capacity, anti-affinity when any VM has a
// group, and each entry of `extra` (the file's "rules" array), e.g.
//   {"rule": "max_utilisation", "cpu": 0.8}   {"rule": "max_vms", "value": 20}
// Throws InputError naming the field for unknown rules or bad values.
RuleSet standard_rules(const Cluster& c, const nlohmann::json* extra = nullptr);

// Hosts of p that break a rule, with the reason: "h3: cpu 12 > limit 10".
std::vector<std::string> insane_hosts(const Cluster& c, const RuleSet& rules, const Placement& p);

}  // namespace fleetopt::rearrange
