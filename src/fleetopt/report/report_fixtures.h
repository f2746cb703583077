// A fixed set of result files, shaped like the --json output of each command
// (field names as the commands print them), for the report tests. Numbers are
// made up but plausible; the shapes are what matters.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetopt/core/scratch_dir.h"

namespace fleetopt::report::testing {

using nlohmann::json;

struct Fixture {
  std::vector<std::string> paths;
  std::vector<int> series_per_chart;  // in page order
};

inline json size_result() {
  json results = json::array();
  const char* policies[] = {"p2", "random", "worst-fit", "first-fit"};
  const int need[][3] = {{12, 11, 13}, {13, 12, 15}, {16, 15, 16}, {0, 0, 0}};
  for (int i = 0; i < 4; ++i) {
    const bool found = i < 3;
    json per = json::array();
    for (int s = 0; s < 3; ++s) per.push_back(found ? need[i][s] : 1052);
    results.push_back({{"policy", policies[i]}, {"found", found}, {"servers_needed", found ? need[i][0] : 1052},
                       {"servers_needed_per_seed", per}, {"lower_bound_hosts", 10}, {"set_by", "overload"},
                       {"overload_rate", 0.004}});
  }
  return {{"workload", "planetlab:planetlab/20110303"}, {"overload_limit", 0.01}, {"seeds", {1, 2, 3}},
          {"vms", 1052}, {"results", results}};
}

inline json simulate_result(const std::string& policy, int hosts) {
  const double rate = (policy == "p2" ? 0.3 : 0.5) * std::exp(-0.35 * (hosts - 8));
  return {{"policy", policy}, {"hosts", hosts}, {"overload_rate", rate}, {"workload", "planetlab:planetlab/20110303"},
          {"active_host_hours", 24.0 * hosts}, {"vm_steps", 302976}};
}

inline json bandit_result(const std::string& algorithm, int points) {
  json curve = json::array();
  for (int k = 1; k <= points; ++k) {
    const double t = 300.0 * k;
    const double gap = algorithm == "oracle" ? 0.002 : 0.6 / std::sqrt(k);
    curve.push_back({{"t", t}, {"relative_gap", gap}, {"max_constraint", 1.0 + (algorithm == "oracle" ? 0.1 : 0.4) / k - (algorithm == "oracle" ? 0.0 : 0.05)}});
  }
  return {{"algorithm", algorithm}, {"instance", "azure-functions.json"}, {"curve", curve}, {"horizon", 300 * points},
          {"runs", 4}, {"seed", 1}, {"relative_gap", curve.back()["relative_gap"]}, {"runs_over_capacity", 0},
          {"max_constraint", 0.96}, {"max_constraint_mean", 0.95}, {"per_decision_us", 0.4}};
}

inline json rearrange_result() {
  json migrations = json::array();
  const int stage_of[] = {1, 1, 1, 2, 2, 3};
  for (int i = 0; i < 6; ++i) {
    migrations.push_back({{"vm", "vm" + std::to_string(i)}, {"from", "h9"}, {"to", "h1"}, {"stage", stage_of[i]},
                          {"cost", 8.0}, {"temporary", false}});
  }
  return {{"cluster", "examples/cluster-a.json"}, {"strategy", "defrag"}, {"hosts_before", 9}, {"hosts_after", 6},
          {"lower_bound_hosts", 5}, {"migrations", 6},
          {"plan", {{"migrations", migrations}, {"stages", 3}, {"status", "feasible"}}}};
}

inline json consolidate_result() {
  json rows = json::array();
  const char* policies[] = {"thr-mmt", "lr-mmt", "fleetopt-pctl"};
  const char* days[] = {"20110303", "20110306"};
  for (int d = 0; d < 2; ++d) {
    for (int p = 0; p < 3; ++p) {
      rows.push_back({{"day", days[d]}, {"policy", policies[p]}, {"energy_kwh", 140.0 - 12 * p + 6 * d},
                      {"migrations", 25000 - 6000 * p + 800 * d}, {"slav", 4e-6 / (p + 1)},
                      {"mean_active_hosts", 60.0 - 5 * p}});
    }
  }
  return rows;
}

inline json scale_result(int minutes) {
  json results = json::array();
  const char* names[] = {"rightscale", "hpa", "vscale"};
  for (int a = 0; a < 3; ++a) {
    json reps = json::array();
    for (int rep = 0; rep < 2; ++rep) {
      json load = json::array(), p99 = json::array(), web = json::array(), app = json::array(), db = json::array();
      for (int m = 0; m < minutes; ++m) {
        const double level = 100 + 80 * std::sin(m / 9.0);
        load.push_back(level);
        if (m == 3 && a == 1) {
          p99.push_back(nullptr);  // an interval without completions
        } else {
          p99.push_back(200 + level * (3 - a) + 40 * rep);
        }
        web.push_back(1 + static_cast<int>(level / 60));
        app.push_back(2 + static_cast<int>(level / (40 + 10 * a)));
        db.push_back(1);
      }
      reps.push_back({{"minutes", minutes}, {"slo_minutes", minutes - 8 + 2 * a + rep}, {"vm_minutes", 400.0 - 20 * a + 5 * rep},
                      {"series", {{"load", load}, {"p99_ms", p99}, {"vms", {{"web", web}, {"app", app}, {"db", db}}}}}});
    }
    results.push_back({{"autoscaler", names[a]}, {"repetitions", reps}, {"slo_minutes", minutes - 7 + 2 * a},
                       {"vm_minutes", 405.0 - 20 * a}});
  }
  return {{"workload", "worldcup98-days:"}, {"simulator", "analytic"}, {"slo_p99_ms", 500.0}, {"interval_s", 60.0},
          {"repeat", 2}, {"seed", 1}, {"results", results}};
}

inline json reclaim_result() {
  json results = json::array();
  const char* names[] = {"fixed", "feedback", "oracle"};
  for (int i = 0; i < 3; ++i) {
    results.push_back({{"strategy", names[i]}, {"savings_usd", 900.0 + 150 * i}, {"penalties_usd", 300.0 - 120 * i},
                       {"net_usd", 600.0 + 270 * i}, {"violation_minutes", 500 - 200 * i}});
  }
  return {{"hosts", "bitbrains-3m"}, {"forecaster", "xgboost"}, {"seed", 1}, {"results", results}};
}

inline std::string margins_csv(int steps) {
  std::string out = "strategy,host,resource,step,margin,error,violated\n";
  for (const char* s : {"fixed", "feedback"}) {
    for (const char* h : {"h1", "h2"}) {
      for (const char* r : {"cpu", "mem"}) {
        for (int k = 0; k < steps; ++k) {
          const double err = 0.05 * std::sin(k / 5.0);
          const double margin = std::string(s) == "fixed" ? 0.05 : 0.03 + 0.02 * std::fabs(std::sin(k / 7.0));
          out += std::string(s) + "," + h + "," + r + "," + std::to_string(k) + "," + std::to_string(margin) + "," +
                 std::to_string(err) + "," + (err > margin ? "1" : "0") + "\n";
        }
      }
    }
  }
  return out;
}

// Writes every file into `dir` and lists the charts the report must draw.
inline Fixture write_fixture(const ScratchDir& dir) {
  Fixture f;
  auto put = [&](const std::string& name, const std::string& text) { f.paths.push_back(dir.write(name, text)); };
  put("size.json", size_result().dump(2));
  for (const char* p : {"p2", "random"}) {
    for (int h : {8, 10, 12, 14}) put(std::string("sim-") + p + "-" + std::to_string(h) + ".json", simulate_result(p, h).dump());
  }
  put("bandit-fast.json", bandit_result("fast", 50).dump());
  // The demo's envelope: the exact command and machine travel with the result.
  put("bandit-oracle.json", json({{"command", "fleetopt bandit run --algorithm oracle"}, {"machine", "test-host"},
                                  {"result", bandit_result("oracle", 50)}})
                                .dump());
  put("rearrange.json", rearrange_result().dump());
  put("consolidate.json", consolidate_result().dump());
  put("scale.json", scale_result(90).dump());
  put("reclaim.json", reclaim_result().dump());
  put("margins.csv", margins_csv(60));
  // placement: sizes (1), overload vs hosts (2 policies); bandit: gap, constraint (2 each);
  // rearrangement: hosts (before/after/bound), stages (1 run); consolidation: scatter (3 policies);
  // autoscaling: p99 (3), VMs per tier x3 (3 tiers), Pareto (3); reclamation: bars (2), 2 hosts (error + 2 margins).
  f.series_per_chart = {1, 2, 2, 2, 3, 1, 3, 3, 3, 3, 3, 3, 2, 3, 3};
  return f;
}

}  // namespace fleetopt::report::testing
