#include "fleetopt/rearrange/rules.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"

namespace fleetopt::rearrange {
namespace {

// Same relative slack as Resources::fits_within, so 0.1 + 0.2 fits in 0.3.
inline bool within(double value, double limit) {
  return value <= limit + 1e-9 * std::max(1.0, std::fabs(limit));
}

class LimitRule : public Rule {
 public:
  LimitRule(std::string name, const Cluster& c, std::vector<Resources> limits)
      : name_(std::move(name)), dims_(c.dims), limits_(std::move(limits)) {}
  std::string name() const override { return name_; }
  bool admits(const Occupancy& occ, std::int32_t vm, std::int32_t h) const override {
    const Resources& load = occ.load(h);
    const Resources& demand = occ.cluster().vm(vm).demand;
    const Resources& lim = limits_[static_cast<std::size_t>(h)];
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(dims_, d) && !within(load[d] + demand[d], lim[d])) return false;
    }
    return true;
  }
  bool holds(const Occupancy& occ, std::int32_t h) const override {
    const Resources& load = occ.load(h);
    const Resources& lim = limits_[static_cast<std::size_t>(h)];
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(dims_, d) && !within(load[d], lim[d])) return false;
    }
    return true;
  }
  std::string explain(const Occupancy& occ, std::int32_t vm, std::int32_t h) const override {
    const Resources& load = occ.load(h);
    const Resources& lim = limits_[static_cast<std::size_t>(h)];
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(dims_, d)) continue;
      auto name = kDimNames[static_cast<std::size_t>(d)];
      if (vm >= 0) {
        double need = occ.cluster().vm(vm).demand[d];
        if (!within(load[d] + need, lim[d])) {
          return fmt::format("{}: needs {} {:g}, free {:g} of {:g}", name_, name, need,
                             std::max(0.0, lim[d] - load[d]), lim[d]);
        }
      } else if (!within(load[d], lim[d])) {
        return fmt::format("{}: {} {:g} > limit {:g}", name_, name, load[d], lim[d]);
      }
    }
    return "";
  }

 private:
  std::string name_;
  DimMask dims_;
  std::vector<Resources> limits_;
};

class AntiAffinityRule : public Rule {
 public:
  std::string name() const override { return "anti_affinity"; }
  bool admits(const Occupancy& occ, std::int32_t vm, std::int32_t h) const override {
    std::int32_t g = occ.cluster().vm(vm).anti_affinity;
    return g < 0 || occ.group_count(h, g) == 0;
  }
  bool holds(const Occupancy& occ, std::int32_t h) const override {
    for (std::int32_t g = 0; g < static_cast<std::int32_t>(occ.cluster().groups.size()); ++g) {
      if (occ.group_count(h, g) > 1) return false;
    }
    return true;
  }
  std::string explain(const Occupancy& occ, std::int32_t vm, std::int32_t h) const override {
    const auto& groups = occ.cluster().groups;
    if (vm >= 0) {
      std::int32_t g = occ.cluster().vm(vm).anti_affinity;
      if (g >= 0 && occ.group_count(h, g) > 0) {
        return fmt::format("anti_affinity: group '{}' already on the host",
                           groups[static_cast<std::size_t>(g)]);
      }
      return "";
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (occ.group_count(h, static_cast<std::int32_t>(g)) > 1) {
        return fmt::format("anti_affinity: {} VMs of group '{}'",
                           occ.group_count(h, static_cast<std::int32_t>(g)), groups[g]);
      }
    }
    return "";
  }
};

class MaxVmsRule : public Rule {
 public:
  explicit MaxVmsRule(std::int32_t n) : n_(n) {}
  std::string name() const override { return "max_vms"; }
  bool admits(const Occupancy& occ, std::int32_t, std::int32_t h) const override {
    return occ.vm_count(h) + 1 <= n_;
  }
  bool holds(const Occupancy& occ, std::int32_t h) const override { return occ.vm_count(h) <= n_; }
  std::string explain(const Occupancy& occ, std::int32_t vm, std::int32_t h) const override {
    std::int32_t count = occ.vm_count(h) + (vm >= 0 ? 1 : 0);
    return count > n_ ? fmt::format("max_vms: {} VMs > {}", count, n_) : "";
  }

 private:
  std::int32_t n_;
};

double rule_number(const nlohmann::json& value, const std::string& field) {
  if (!value.is_number()) throw InputError::field(field, "expected a number");
  double x = value.get<double>();
  if (!std::isfinite(x) || x <= 0) throw InputError::field(field, "expected a finite number > 0");
  return x;
}

}  // namespace

std::string RuleSet::explain(const Occupancy& occ, std::int32_t vm, std::int32_t h) const {
  for (const auto& r : rules_) {
    bool ok = vm >= 0 ? r->admits(occ, vm, h) : r->holds(occ, h);
    if (!ok) return r->explain(occ, vm, h);
  }
  return "";
}

std::unique_ptr<Rule> make_capacity_rule(const Cluster& c) {
  std::vector<Resources> limits(static_cast<std::size_t>(c.num_hosts()));
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) limits[static_cast<std::size_t>(h)] = c.limit(h);
  return std::make_unique<LimitRule>("capacity", c, std::move(limits));
}

std::unique_ptr<Rule> make_anti_affinity_rule() { return std::make_unique<AntiAffinityRule>(); }

std::unique_ptr<Rule> make_max_utilisation_rule(const Cluster& c, const Resources& fraction) {
  std::vector<Resources> limits(static_cast<std::size_t>(c.num_hosts()));
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    Resources lim = c.limit(h);  // never looser than capacity
    for (int d = 0; d < kMaxDims; ++d) {
      if (fraction[d] > 0) lim[d] = std::min(lim[d], fraction[d] * c.host(h).capacity[d]);
    }
    limits[static_cast<std::size_t>(h)] = lim;
  }
  return std::make_unique<LimitRule>("max_utilisation", c, std::move(limits));
}

std::unique_ptr<Rule> make_max_vms_rule(std::int32_t n) { return std::make_unique<MaxVmsRule>(n); }

RuleSet standard_rules(const Cluster& c, const nlohmann::json* extra) {
  RuleSet rules;
  rules.add(make_capacity_rule(c));
  if (!c.groups.empty()) rules.add(make_anti_affinity_rule());
  if (extra == nullptr || extra->is_null()) return rules;
  if (!extra->is_array()) throw InputError::field("rules", "expected an array of rule objects");
  for (std::size_t i = 0; i < extra->size(); ++i) {
    const auto& entry = (*extra)[i];
    std::string where = fmt::format("rules[{}]", i);
    if (!entry.is_object() || !entry.contains("rule") || !entry["rule"].is_string()) {
      throw InputError::field(where, "expected an object with a string \"rule\"");
    }
    std::string name = entry["rule"].get<std::string>();
    if (name == "max_utilisation" || name == "max_utilization") {
      Resources fraction;
      for (auto it = entry.begin(); it != entry.end(); ++it) {
        if (it.key() == "rule") continue;
        auto dim = dim_from_name(it.key());
        if (!dim || !has_dim(c.dims, *dim)) {
          throw InputError::field(where + "." + it.key(), "not one of the cluster's resources");
        }
        fraction[*dim] = rule_number(it.value(), where + "." + it.key());
      }
      rules.add(make_max_utilisation_rule(c, fraction));
    } else if (name == "max_vms") {
      for (auto it = entry.begin(); it != entry.end(); ++it) {
        if (it.key() != "rule" && it.key() != "value") {
          throw InputError::field(where + "." + it.key(), "unknown field (max_vms takes \"value\")");
        }
      }
      if (!entry.contains("value")) throw InputError::field(where + ".value", "missing");
      double n = rule_number(entry["value"], where + ".value");
      if (n != std::floor(n) || n > 1e6) throw InputError::field(where + ".value", "expected an integer");
      rules.add(make_max_vms_rule(static_cast<std::int32_t>(n)));
    } else {
      throw InputError::field(where + ".rule",
                              fmt::format("unknown rule '{}' (known: max_utilisation, max_vms)", name));
    }
  }
  return rules;
}

std::vector<std::string> insane_hosts(const Cluster& c, const RuleSet& rules, const Placement& p) {
  Occupancy occ(c, p);
  std::vector<std::string> out;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (!rules.holds(occ, h)) out.push_back(c.host(h).id + ": " + rules.explain(occ, -1, h));
  }
  return out;
}

}  // namespace fleetopt::rearrange
