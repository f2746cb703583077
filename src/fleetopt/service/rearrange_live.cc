#include "fleetopt/service/rearrange_live.h"

#include <memory>

#include "fleetopt/rearrange/cluster_json.h"
#include "fleetopt/rearrange/cost.h"
#include "fleetopt/rearrange/plan.h"
#include "fleetopt/rearrange/rearrange.h"
#include "fleetopt/rearrange/rules.h"
#include "fleetopt/rearrange/target.h"

namespace fleetopt::service {

using nlohmann::json;

nlohmann::json rearrange_live(const std::vector<HostView>& hosts, const std::vector<PlacementRecord>& placements,
                              DimMask dims, const RearrangeQuery& query) {
  auto strategy = rearrange::make_strategy(query.goal);  // InputError on an unknown goal, before any work
  json doc;
  json names = json::array();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d)) names.push_back(std::string(kDimNames[static_cast<std::size_t>(d)]));
  }
  doc["resources"] = names;
  auto amounts = [&](const Resources& r) {
    json j = json::object();
    for (int d = 0; d < kMaxDims; ++d) {
      if (has_dim(dims, d)) j[std::string(kDimNames[static_cast<std::size_t>(d)])] = r[d];
    }
    return j;
  };
  doc["hosts"] = json::array();
  for (const HostView& h : hosts) doc["hosts"].push_back({{"id", h.record.id}, {"capacity", amounts(h.record.capacity)}});
  doc["vms"] = json::array();
  for (const PlacementRecord& p : placements) {
    doc["vms"].push_back({{"id", p.id}, {"demand", amounts(p.requests)}, {"host", p.host}});
  }
  const rearrange::ClusterFile file = rearrange::parse_cluster_json(doc.dump(), "live state");
  const rearrange::RuleSet rules = rearrange::standard_rules(file.cluster, nullptr);
  const auto cost = rearrange::make_migration_cost("memory");
  const rearrange::Scope scope = rearrange::make_scope(file.cluster, file.placement);
  rearrange::TargetOptions options;
  options.max_migrations = query.max_migrations;
  options.max_cost = query.max_cost;
  const rearrange::TargetProblem problem{file.cluster, rules, *cost, file.placement, scope, options};
  rearrange::RearrangeReport report = rearrange::rearrange(problem, *strategy, {});
  report.strategy = query.goal;
  json out = rearrange::report_to_json(file.cluster, report);
  out["applied"] = false;  // the service moves nothing by itself
  return out;
}

}  // namespace fleetopt::service
