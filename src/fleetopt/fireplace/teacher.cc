#include "fleetopt/fireplace/teacher.h"

#include <algorithm>
#include <cmath>

#include "fleetopt/fireplace/usage_reader.h"

namespace fleetopt::fireplace {
namespace {

// Adds instance i's cpu and mem use, from absolute step `from` for `count`
// steps, into cpu[0..count) and mem[0..count).
void add_usage(const Workload& w, std::size_t i, std::int64_t from, std::int64_t count, double* cpu,
               double* mem) {
  UsageReader u(w, i, from - w.arrival_step(i));
  for (std::int64_t t = 0; t < count; ++t, u.next()) {
    cpu[t] += u.cpu();
    mem[t] += u.mem();
  }
}

}  // namespace

bool same_score(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); }

double HindsightTeacher::score(const ClusterState& cluster, const Workload& workload, std::int32_t vm,
                               std::int64_t step, std::int32_t host) {
  const auto v = static_cast<std::size_t>(vm);
  const std::int64_t horizon = std::max<std::int64_t>(1, workload.departure_step(v) - step);
  const auto n = static_cast<std::size_t>(horizon);
  cpu_.assign(n, 0.0);
  mem_.assign(n, 0.0);
  add_usage(workload, v, step, horizon, cpu_.data(), mem_.data());
  for (std::int32_t other : cluster.vms_on(host)) {
    const auto o = static_cast<std::size_t>(other);
    const std::int64_t left = std::min(horizon, workload.departure_step(o) - step);
    if (left > 0) add_usage(workload, o, step, left, cpu_.data(), mem_.data());
  }
  const double cpu_peak = *std::max_element(cpu_.begin(), cpu_.end());
  const double mem_peak = *std::max_element(mem_.begin(), mem_.end());
  const Resources& cap = cluster.capacity(host);
  const DimMask dims = cluster.dims();
  const double c = has_dim(dims, kCpu) && cap[kCpu] > 0 ? cpu_peak / cap[kCpu] : 0.0;
  const double m = has_dim(dims, kMem) && cap[kMem] > 0 ? mem_peak / cap[kMem] : 0.0;
  return std::sqrt(c * c + m * m);
}

std::size_t HindsightTeacher::pick(const ClusterState& cluster, const Workload& workload, std::int32_t vm,
                                   std::int64_t step, const std::vector<std::int32_t>& candidates,
                                   std::vector<double>& scores) {
  scores.resize(candidates.size());
  std::size_t best = 0;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    scores[c] = score(cluster, workload, vm, step, candidates[c]);
    if (scores[c] < scores[best] && !same_score(scores[c], scores[best])) best = c;
  }
  return best;
}

void IncrementalTeacher::sync(const ClusterState& cluster, const Workload& workload, std::int64_t step) {
  const std::size_t hosts = cluster.num_hosts();
  const auto steps = static_cast<std::size_t>(workload.steps());
  if (&workload != workload_ || hosts != hosts_ || steps != steps_ || step < last_step_) {
    workload_ = &workload;
    hosts_ = hosts;
    steps_ = steps;
    // 64 M doubles per dimension at most (512 MB); beyond, score directly.
    use_profiles_ = hosts * steps <= (std::size_t{1} << 26);
    cpu_.assign(use_profiles_ ? hosts * steps : 0, 0.0);
    mem_.assign(use_profiles_ ? hosts * steps : 0, 0.0);
  }
  last_step_ = step;
}

std::size_t IncrementalTeacher::pick(const ClusterState& cluster, const Workload& workload, std::int32_t vm,
                                     std::int64_t step, const std::vector<std::int32_t>& candidates,
                                     std::vector<double>& scores) {
  sync(cluster, workload, step);
  if (!use_profiles_) return direct_.pick(cluster, workload, vm, step, candidates, scores);
  const auto v = static_cast<std::size_t>(vm);
  const std::int64_t horizon = std::max<std::int64_t>(1, workload.departure_step(v) - step);
  const auto n = static_cast<std::size_t>(horizon);
  new_cpu_.assign(n, 0.0);
  new_mem_.assign(n, 0.0);
  add_usage(workload, v, step, horizon, new_cpu_.data(), new_mem_.data());
  const DimMask dims = cluster.dims();
  // Steps past the end of the replay hold no placed VM.
  const std::size_t in_range = std::min(n, steps_ - std::min(steps_, static_cast<std::size_t>(step)));
  scores.resize(candidates.size());
  std::size_t best = 0;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const auto h = static_cast<std::size_t>(candidates[c]);
    const double* cpu = cpu_.data() + h * steps_ + static_cast<std::size_t>(step);
    const double* mem = mem_.data() + h * steps_ + static_cast<std::size_t>(step);
    double cpu_peak = 0, mem_peak = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const double hc = t < in_range ? cpu[t] : 0.0;
      const double hm = t < in_range ? mem[t] : 0.0;
      cpu_peak = std::max(cpu_peak, hc + new_cpu_[t]);
      mem_peak = std::max(mem_peak, hm + new_mem_[t]);
    }
    const Resources& cap = cluster.capacity(candidates[c]);
    const double x = has_dim(dims, kCpu) && cap[kCpu] > 0 ? cpu_peak / cap[kCpu] : 0.0;
    const double y = has_dim(dims, kMem) && cap[kMem] > 0 ? mem_peak / cap[kMem] : 0.0;
    scores[c] = std::sqrt(x * x + y * y);
    if (scores[c] < scores[best] && !same_score(scores[c], scores[best])) best = c;
  }
  return best;
}

void IncrementalTeacher::placed(const Workload& workload, std::int32_t vm, std::int32_t host, std::int64_t step) {
  if (!use_profiles_ || &workload != workload_) return;
  const auto v = static_cast<std::size_t>(vm);
  const std::int64_t end = std::min<std::int64_t>(workload.departure_step(v), static_cast<std::int64_t>(steps_));
  if (end <= step) return;
  const std::size_t base = static_cast<std::size_t>(host) * steps_ + static_cast<std::size_t>(step);
  add_usage(workload, v, step, end - step, cpu_.data() + base, mem_.data() + base);
}

}  // namespace fleetopt::fireplace
