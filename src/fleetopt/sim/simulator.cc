#include "fleetopt/sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <vector>

#include <fmt/format.h>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/progress.h"
#include "fleetopt/core/stats.h"
#include "fleetopt/placement/host_history.h"

namespace fleetopt {
namespace {

using Clock = std::chrono::steady_clock;

// A running VM, laid out for the usage loop: where its shape's samples are,
// which dimensions they hold and the request each fraction scales.
struct RunningVm {
  const float* samples;
  std::uint32_t length;
  std::uint32_t cursor;
  std::int32_t host;
  std::int32_t vm;
  std::uint8_t row_stride;  // dimensions stored per sample in the shape
  std::uint8_t count;       // of those, the ones the simulation tracks
  std::array<std::uint8_t, kMaxDims> slot;  // position in the sample row
  std::array<std::uint8_t, kMaxDims> dim;
  std::array<float, kMaxDims> scale;
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

Resources effective_host(const Workload& workload, const SimConfig& config) {
  bool any = false;
  for (double x : config.host_capacity.v) any = any || x > 0;
  return any ? config.host_capacity : workload.default_host;
}

SimMetrics simulate(const Workload& workload, Placer& placer, const SimConfig& config) {
  const auto t_start = Clock::now();
  const DimMask dims = workload.dims;
  const Resources host_cap = effective_host(workload, config);
  if (config.hosts <= 0) throw InputError::field("hosts", "must be at least 1");
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d) && !(host_cap[d] > 0)) {
      throw InputError::field(fmt::format("host capacity.{}", kDimNames[static_cast<std::size_t>(d)]),
                              "must be positive for a dimension the workload uses");
    }
  }

  const std::size_t n_vms = workload.size();
  const std::int64_t n_steps = workload.steps();
  const auto n_hosts = static_cast<std::size_t>(config.hosts);
  ClusterState cluster(std::vector<Resources>(n_hosts, host_cap), config.overcommit, dims, n_vms);

  const int history_steps = placer.history_steps();
  std::unique_ptr<HostHistory> history;
  if (history_steps > 0) history = std::make_unique<HostHistory>(n_hosts, history_steps, placer.history_windows());

  // Departures in step order (a min-heap); arrivals are already in trace order.
  using Departure = std::pair<std::int64_t, std::int32_t>;
  std::vector<Departure> departure_storage;
  departure_storage.reserve(n_vms);
  std::priority_queue<Departure, std::vector<Departure>, std::greater<>> departures(
      std::greater<>{}, std::move(departure_storage));
  std::vector<std::int32_t> running_slot(n_vms, -1);
  std::vector<RunningVm> running;
  running.reserve(std::min<std::size_t>(n_vms, 1 << 20));

  // Usage of dimensions a VM's shape does not store is its constant request:
  // kept per host incrementally instead of being summed every step.
  std::vector<Resources> constant_use(n_hosts);
  std::vector<Resources> dynamic_use(n_hosts);

  std::vector<double> cpu_sum(n_hosts, 0), cpu_peak(n_hosts, 0);
  std::vector<std::int64_t> cpu_steps(n_hosts, 0);
  std::vector<double> latency_ns;
  if (config.record_latency) latency_ns.reserve(n_vms);

  SimMetrics m;
  m.policy = placer.name();
  m.hosts = config.hosts;
  m.steps = n_steps;
  Rng rng(config.seed);
  if (config.assignment) config.assignment->assign(n_vms, kNoHost);

  std::size_t next_arrival = 0;
  std::int64_t overload_vm_steps = 0, active_host_steps = 0, overloaded_host_steps = 0;
  double replay_seconds = 0;
  std::vector<int> active_dims;
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d)) active_dims.push_back(d);
  }

  std::optional<Progress> progress;
  if (config.show_progress) progress.emplace("simulate (steps)", static_cast<std::uint64_t>(n_steps));
  for (std::int64_t step = 0; step < n_steps; ++step) {
    if (progress) progress->advance();
    // 1. Departures due by this step.
    while (!departures.empty() && departures.top().first <= step) {
      std::int32_t vm = departures.top().second;
      departures.pop();
      std::int32_t host = cluster.host_of(vm);
      const Instance& inst = workload.instances[static_cast<std::size_t>(vm)];
      DimMask shaped = inst.shape >= 0 ? workload.shapes[static_cast<std::size_t>(inst.shape)].dims : 0;
      for (int d : active_dims) {
        if (!has_dim(shaped, d)) constant_use[static_cast<std::size_t>(host)][d] -= inst.request[d];
      }
      cluster.remove(vm);
      if (cluster.vm_count(host) == 0) constant_use[static_cast<std::size_t>(host)] = Resources{};
      auto slot = static_cast<std::size_t>(running_slot[static_cast<std::size_t>(vm)]);
      running[slot] = running.back();
      running_slot[static_cast<std::size_t>(running[slot].vm)] = static_cast<std::int32_t>(slot);
      running.pop_back();
      running_slot[static_cast<std::size_t>(vm)] = -1;
    }

    // 2. Arrivals at this step, in trace order.
    while (next_arrival < n_vms && workload.arrival_step(next_arrival) <= step) {
      const auto vm = static_cast<std::int32_t>(next_arrival++);
      const Instance& inst = workload.instances[static_cast<std::size_t>(vm)];
      PlacementContext ctx{cluster, workload, history.get(), vm, step, inst.request};
      const auto t0 = config.record_latency ? Clock::now() : Clock::time_point{};
      std::int32_t host = placer.choose(ctx, rng);
      if (config.record_latency) {
        latency_ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
      }
      ++m.decisions;
      if (host == kNoHost) {
        ++m.rejected;
        continue;
      }
      if (host < 0 || static_cast<std::size_t>(host) >= n_hosts || !cluster.fits(host, inst.request)) {
        throw std::logic_error(fmt::format("policy {} chose host {} that cannot admit the VM",
                                           placer.name(), host));
      }
      cluster.place(vm, host, inst.request);
      if (config.assignment) (*config.assignment)[static_cast<std::size_t>(vm)] = host;
      departures.emplace(workload.departure_step(static_cast<std::size_t>(vm)), vm);

      RunningVm r{};
      r.host = host;
      r.vm = vm;
      DimMask shaped = 0;
      if (inst.shape >= 0) {
        const UsageShape& s = workload.shapes[static_cast<std::size_t>(inst.shape)];
        r.samples = workload.samples.data() + s.offset;
        r.length = s.length;
        r.cursor = inst.phase % s.length;
        r.row_stride = s.stride;
        std::uint8_t slot = 0;
        for (int d = 0; d < kMaxDims; ++d) {
          if (!has_dim(s.dims, d)) continue;
          if (has_dim(dims, d)) {  // shapes may store dimensions the simulation ignores
            r.slot[r.count] = slot;
            r.dim[r.count] = static_cast<std::uint8_t>(d);
            r.scale[r.count] = static_cast<float>(inst.request[d]);
            ++r.count;
            shaped |= dim_bit(d);
          }
          ++slot;
        }
      }
      if (r.count == 0) {
        r.samples = nullptr;
        r.length = 1;
      }
      for (int d : active_dims) {
        if (!has_dim(shaped, d)) constant_use[static_cast<std::size_t>(host)][d] += inst.request[d];
      }
      running_slot[static_cast<std::size_t>(vm)] = static_cast<std::int32_t>(running.size());
      running.push_back(r);
    }

    // 3. Usage: sum every running VM's actual use onto its host.
    const auto t_replay = Clock::now();
    for (auto& u : dynamic_use) u = Resources{};
    for (RunningVm& r : running) {
      if (r.count == 0) continue;
      const float* sample = r.samples + std::size_t{r.cursor} * r.row_stride;
      Resources& use = dynamic_use[static_cast<std::size_t>(r.host)];
      for (std::uint8_t j = 0; j < r.count; ++j) {
        use[r.dim[j]] += double{r.scale[j] * sample[r.slot[j]]};
      }
      if (++r.cursor == r.length) r.cursor = 0;
    }
    for (std::size_t h = 0; h < n_hosts; ++h) {
      const auto hid = static_cast<std::int32_t>(h);
      const std::int32_t count = cluster.vm_count(hid);
      Resources& used = cluster.mutable_used(hid);
      if (count == 0) {
        used = Resources{};
        if (history) history->push(hid, 0.f, 0.f);
        continue;
      }
      used = constant_use[h] + dynamic_use[h];
      bool overloaded = !used.fits_within(host_cap, dims);
      ++active_host_steps;
      if (overloaded) {
        ++overloaded_host_steps;
        overload_vm_steps += count;
      }
      cpu_sum[h] += used[kCpu];
      cpu_peak[h] = std::max(cpu_peak[h], used[kCpu]);
      ++cpu_steps[h];
      if (history) {
        history->push(hid, static_cast<float>(used[kCpu] / host_cap[kCpu]),
                      static_cast<float>(host_cap[kMem] > 0 ? used[kMem] / host_cap[kMem] : 0));
      }
    }
    cluster.clear_pending();
    m.vm_steps += static_cast<std::int64_t>(running.size());
    replay_seconds += seconds_since(t_replay);
  }

  m.overload_rate = m.vm_steps > 0 ? static_cast<double>(overload_vm_steps) / static_cast<double>(m.vm_steps) : 0;
  m.host_overload_share = active_host_steps > 0 ? static_cast<double>(overloaded_host_steps) /
                                                      static_cast<double>(active_host_steps)
                                                : 0;
  m.active_host_hours = static_cast<double>(active_host_steps) * workload.step_seconds / 3600.0;
  double par_sum = 0;
  int par_hosts = 0;
  for (std::size_t h = 0; h < n_hosts; ++h) {
    if (cpu_steps[h] == 0 || cpu_sum[h] <= 0) continue;
    par_sum += cpu_peak[h] / (cpu_sum[h] / static_cast<double>(cpu_steps[h]));
    ++par_hosts;
  }
  m.peak_to_average = par_hosts ? par_sum / par_hosts : 0;
  if (!latency_ns.empty()) {
    m.decision_ns_p50 = percentile_inplace(latency_ns, 50);
    m.decision_ns_p99 = percentile_inplace(latency_ns, 99);
  }
  m.replay_seconds = replay_seconds;
  m.wall_seconds = seconds_since(t_start);
  return m;
}

}  // namespace fleetopt
