// Replaying a workload through the decision service, step by step as the
// simulator runs it (sim/simulator.cc): departures due, then arrivals in
// trace order, then one usage report of every running VM. Used by the tests
// that check the service decides as `simulate` does, and by the load
// benchmark. `Client` is anything with place/release/report_usage shaped as
// ReplayClient's.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/service/decision_service.h"

namespace fleetopt::service {

struct ReplayClient {
  // The host id chosen, or "" when rejected.
  std::function<std::string(const std::string& id, const Resources& requests)> place;
  std::function<void(const std::string& id)> release;
  std::function<void(const std::vector<UsageSample>& samples)> report_usage;
};

// Returns the host id per VM ("" when rejected). VM ids are the workload's.
inline std::vector<std::string> replay_workload(const Workload& w, const ReplayClient& client) {
  const std::size_t n = w.size();
  std::vector<std::string> host(n);
  using Departure = std::pair<std::int64_t, std::size_t>;
  std::priority_queue<Departure, std::vector<Departure>, std::greater<>> departures;
  std::vector<std::size_t> running;
  std::vector<char> is_running(n, 0);
  std::size_t next = 0;
  for (std::int64_t step = 0; step < w.steps(); ++step) {
    while (!departures.empty() && departures.top().first <= step) {
      const std::size_t vm = departures.top().second;
      departures.pop();
      client.release(w.ids[vm]);
      is_running[vm] = 0;
    }
    while (next < n && w.arrival_step(next) <= step) {
      const std::size_t vm = next++;
      host[vm] = client.place(w.ids[vm], w.instances[vm].request);
      if (host[vm].empty()) continue;
      departures.emplace(w.departure_step(vm), vm);
      running.push_back(vm);
      is_running[vm] = 1;
    }
    std::vector<UsageSample> samples;
    std::vector<std::size_t> still;
    for (std::size_t vm : running) {
      if (!is_running[vm]) continue;
      still.push_back(vm);
      UsageSample s;
      s.id = w.ids[vm];
      const Instance& inst = w.instances[vm];
      for (int d = 0; d < kMaxDims; ++d) {
        // As the simulator computes it: a shaped dimension as float request x
        // float fraction, the others at the request itself.
        const bool shaped = inst.shape >= 0 && has_dim(w.shapes[static_cast<std::size_t>(inst.shape)].dims, d);
        const float fraction = w.usage_fraction(vm, step - w.arrival_step(vm), d);
        s.usage[d] = shaped ? static_cast<double>(static_cast<float>(inst.request[d]) * fraction) : inst.request[d];
      }
      samples.push_back(std::move(s));
    }
    running.swap(still);
    client.report_usage(samples);
  }
  return host;
}

}  // namespace fleetopt::service
