// Scenario benchmark: replays every PlanetLab day with every baseline on a
// fixed fleet, and times `fleetopt size` for 8 policies on one day. Prints
// JSON. Usage: bench_planetlab_replay [--data DIR] [--repeats N]
//
// "replay_loop_vm_steps_per_s" counts only the usage loop (summing each
// running VM's use onto its host and checking capacity); "vm_steps_per_s"
// counts the whole simulation, decisions included. Both are single-threaded.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tbb/parallel_for.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/stats.h"
#include "fleetopt/sim/fleet_sizing.h"
#include "fleetopt/trace/workload_spec.h"

namespace fs = std::filesystem;
using namespace fleetopt;

int main(int argc, char** argv) {
  std::string data;
  int repeats = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  const std::string root = data_dir(data) + "/planetlab";
  if (!fs::is_directory(root)) {
    std::fprintf(stderr, "bench_planetlab_replay: no PlanetLab traces under %s (set --data)\n", root.c_str());
    return 1;
  }
  std::vector<std::string> days;
  for (const auto& e : fs::directory_iterator(root)) days.push_back(e.path().filename().string());
  std::sort(days.begin(), days.end());

  const std::vector<std::string> policies = {"first-fit", "best-fit", "worst-fit", "random", "p2",
                                             "dot-product", "l2", "least-allocated", "most-allocated",
                                             "balanced-allocation"};
  LoadOptions load;
  load.data_dir = data_dir(data);
  nlohmann::json out;
  out["machine"] = "see README: 2-core machine; medians over repeats";
  out["repeats"] = repeats;
  std::vector<double> all_replay_rates, all_sim_rates;
  for (const auto& day : days) {
    Workload w = load_workload("planetlab:" + root + "/" + day, load, nullptr);
    nlohmann::json jd;
    jd["day"] = day;
    jd["vms"] = w.size();
    for (const auto& p : policies) {
      std::vector<double> replay_rate, sim_rate;
      for (int r = 0; r < repeats; ++r) {
        SimConfig config;
        config.hosts = static_cast<std::int32_t>(std::max<std::size_t>(1, w.size() / 12));
        config.overcommit = make_resources(4, 1);
        config.seed = static_cast<std::uint64_t>(r + 1);
        auto placer = make_placer(p);
        SimMetrics m = simulate(w, *placer, config);
        replay_rate.push_back(static_cast<double>(m.vm_steps) / m.replay_seconds);
        sim_rate.push_back(static_cast<double>(m.vm_steps) / m.wall_seconds);
      }
      double rr = median(replay_rate), sr = median(sim_rate);
      all_replay_rates.push_back(rr);
      all_sim_rates.push_back(sr);
      jd["policies"][p] = {{"replay_loop_vm_steps_per_s", rr}, {"vm_steps_per_s", sr}};
    }
    out["days"].push_back(jd);
  }
  out["median_replay_loop_vm_steps_per_s"] = median(all_replay_rates);
  out["median_vm_steps_per_s"] = median(all_sim_rates);

  // `fleetopt size` for 8 policies on one day, as the CLI runs it (policies
  // spread over the cores with TBB).
  Workload day0 = load_workload("planetlab:" + root + "/" + days.front(), load, nullptr);
  const std::vector<std::string> eight(policies.begin(), policies.begin() + 8);
  std::vector<double> size_seconds;
  for (int r = 0; r < repeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<SizingResult> results(eight.size());
    tbb::parallel_for(std::size_t{0}, eight.size(), [&](std::size_t i) {
      SimConfig base;
      base.overcommit = make_resources(4, 1);
      SizingOptions o;
      o.overload_limit = 0.01;
      results[i] = size_fleet(day0, [&] { return make_placer(eight[i]); }, base, o);
    });
    size_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  out["size_8_policies_one_day"] = {{"day", days.front()}, {"median_seconds", median(size_seconds)}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
