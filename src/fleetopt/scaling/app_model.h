// The multi-tier application that the autoscalers size: tiers of identical
// replicas (VMs), request classes with a service demand and a visit count per
// tier, and the load that drives it (open loop: a request rate; closed loop:
// N clients with think time, the RUBiS setting of the vScale paper).
// Described by a small JSON file (`--app`, docs/scaling.md) or the built-in
// three-tier default.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fleetopt::scaling {

enum class DemandDistribution { kExponential, kLognormal, kDeterministic };

struct TierSpec {
  std::string name;
  int cores = 1;          // servers per replica: a replica serves this many requests at once
  int min_replicas = 1;
  int max_replicas = 20;
  int initial_replicas = 1;
};

struct RequestClass {
  std::string name;
  double share = 1;             // fraction of requests of this class (normalised over classes)
  std::vector<double> demand_s;  // per tier: mean service time of one visit, seconds
  std::vector<double> visits;    // per tier: visits per request (0: the class skips the tier)
};

enum class LoadKind { kOpen, kClosed };

struct AppModel {
  std::vector<TierSpec> tiers;  // in the order a request visits them
  std::vector<RequestClass> classes;
  DemandDistribution distribution = DemandDistribution::kExponential;
  double demand_cv = 1.0;       // coefficient of variation (lognormal only)
  double boot_delay_s = 120;    // a new replica serves this long after it is asked for
  double timeout_s = 30;        // a request waiting longer than this in a queue is dropped
  int max_total_vms = 60;       // across tiers
  double think_time_s = 7;      // closed loop: mean (exponential) think time between requests

  int num_tiers() const { return static_cast<int>(tiers.size()); }
  // Mean total service demand of a request at tier t (share-weighted, visits included), seconds.
  double mean_demand(int tier) const;
  // Throws InputError naming the field on anything implausible.
  void validate() const;
};

// RUBiS-like three tiers (web, application, database), two request classes
// (browse, bid); demands chosen so the application tier is the bottleneck.
AppModel default_app();
// Reads an app JSON file (schema in docs/scaling.md); errors name the file and field.
AppModel read_app_json(const std::string& path);

}  // namespace fleetopt::scaling
