#include "fleetopt/fireplace/features.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/prefetch.h"
#include "fleetopt/fireplace/usage_reader.h"

namespace fleetopt::fireplace {
namespace {

float ratio(double x, double cap) { return cap > 0 ? static_cast<float>(x / cap) : 0.f; }

// The candidates are a few random hosts of what may be a large fleet, so
// their rows are cold in cache; absolute() would meet the misses of one
// host after another. Requesting every candidate's lines first, in the order
// their addresses become known (the host's rows, then its VM list, then its
// VMs), lets the misses overlap. The rows built are the same.
void prefetch_candidates(const PlacementContext& ctx, const std::vector<std::int32_t>& candidates) {
  const ClusterState& cluster = ctx.cluster;
  for (std::int32_t h : candidates) {
    prefetch_object(cluster.capacity(h));
    prefetch_object(cluster.reserved(h));
    prefetch_object(cluster.used(h));
    prefetch_object(cluster.pending(h));
    prefetch_object(cluster.vms_on(h));
    if (ctx.history != nullptr) ctx.history->prefetch(h);
  }
  for (std::int32_t h : candidates) {
    const auto& vms = cluster.vms_on(h);
    prefetch_span(vms.data(), vms.size() * sizeof(std::int32_t));
  }
  for (std::int32_t h : candidates) {
    for (std::int32_t vm : cluster.vms_on(h)) prefetch_object(ctx.workload.instances[static_cast<std::size_t>(vm)]);
  }
}

}  // namespace

DimMask usage_resources(const Workload& workload) {
  if (!has_dim(workload.dims, kMem)) return dim_bit(kCpu);
  // No shapes at all: usage is not replayed from a trace but reported (the
  // decision service's live fleet), for every dimension it has.
  if (workload.shapes.empty()) return kCpuMem;
  for (const UsageShape& s : workload.shapes) {
    if (has_dim(s.dims, kMem)) return kCpuMem;
  }
  return dim_bit(kCpu);
}

std::vector<std::string> resource_names(DimMask resources) {
  std::vector<std::string> names;
  for (int d : {kCpu, kMem}) {
    if (has_dim(resources, d)) names.emplace_back(kDimNames[static_cast<std::size_t>(d)]);
  }
  return names;
}

constexpr std::array<int, 4> kCpuPercentiles = {10, 25, 50, 75};

HistoryWindows feature_history_windows() {
  return {{kWindows.begin(), kWindows.end()}, {kCpuPercentiles.begin(), kCpuPercentiles.end()}};
}

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> host;
    for (int w : kWindows) {
      for (const char* s : {"cpu_p10", "cpu_p25", "cpu_p50", "cpu_p75", "cpu_p100", "cpu_mean",
                            "mem_p100", "mem_mean", "peak_plus_request_l2"}) {
        host.push_back(fmt::format("w{}_{}", w, s));
      }
    }
    for (const char* s : {"reserved_cpu", "reserved_mem", "vm_count", "pending_cpu", "pending_mem",
                          "live_cpu_last", "live_mem_last", "live_cpu_peak", "live_mem_peak",
                          "live_peak_plus_request_l2"}) {
      host.emplace_back(s);
    }
    std::vector<std::string> all = host;
    all.emplace_back("request_cpu");
    all.emplace_back("request_mem");
    for (const auto& h : host) all.push_back("rel_" + h);
    return all;
  }();
  return names;
}

void FeatureBuilder::absolute(const PlacementContext& ctx, std::int32_t host, float* row) {
  const ClusterState& cluster = ctx.cluster;
  const HostHistory* history = ctx.history;
  const Resources& request = ctx.request;
  const Resources& cap = cluster.capacity(host);
  const float req_cpu = ratio(request[kCpu], cap[kCpu]);
  // Memory left out: its inputs are 0 at the source, so every memory feature
  // is 0 and each L2 norm is the CPU term alone.
  const double mem_on = use_mem_ ? 1.0 : 0.0;
  const float req_mem = ratio(mem_on * request[kMem], cap[kMem]);
  const float pend_cpu = ratio(cluster.pending(host)[kCpu], cap[kCpu]);
  const float pend_mem = ratio(mem_on * cluster.pending(host)[kMem], cap[kMem]);

  int available = history != nullptr ? std::min(history->count(host), kHistorySteps) : 0;
  const bool from_history = available > 0;
  float* out = row;
  // Per window: the CPU percentiles, peak and mean, memory's peak and mean
  // (the history's summary layout), then the peak-plus-request L2 norm.
  auto window_features = [&](const float* stats) {
    for (std::size_t i = 0; i < kCpuPercentiles.size() + 2; ++i) *out++ = stats[i];
    const float cpu_peak = stats[kCpuPercentiles.size()];
    const float mem_peak = use_mem_ ? stats[kCpuPercentiles.size() + 2] : 0.f;
    *out++ = mem_peak;
    *out++ = use_mem_ ? stats[kCpuPercentiles.size() + 3] : 0.f;
    const float c = cpu_peak + pend_cpu + req_cpu;
    const float m = mem_peak + pend_mem + req_mem;
    *out++ = std::sqrt(c * c + m * m);
  };
  if (from_history && summaries_) {
    // Kept by the history on each push: nothing to compute here.
    const float* stats = history->summary(host);
    for (std::size_t w = 0; w < kWindows.size(); ++w, stats += kCpuPercentiles.size() + 4) window_features(stats);
  } else {
    std::array<float, kHistorySteps> recent_mem{};
    if (!from_history) {
      // No usage seen yet: the current observation is the whole history.
      for (auto& window : cpu_) window[0] = ratio(cluster.used(host)[kCpu], cap[kCpu]);
      recent_mem[0] = ratio(mem_on * cluster.used(host)[kMem], cap[kMem]);
      available = 1;
    } else {
      if (use_mem_) history->copy_recent(host, available, kMem, recent_mem.data());
      // Each window's CPU samples in ascending order, kept so by the history.
      std::array<int, kWindows.size()> n;
      std::array<float*, kWindows.size()> dst;
      for (std::size_t w = 0; w < kWindows.size(); ++w) {
        n[w] = std::min(kWindows[w], available);
        dst[w] = cpu_[w].data();
      }
      history->copy_recent_cpu_sorted(host, n.data(), dst.data(), static_cast<int>(kWindows.size()));
    }
    for (std::size_t window = 0; window < kWindows.size(); ++window) {
      std::array<float, kCpuPercentiles.size() + 4> stats;
      window_statistics(cpu_[window].data(), recent_mem.data(), std::min(kWindows[window], available), kCpuPercentiles,
                        stats.data());
      window_features(stats.data());
    }
  }
  *out++ = ratio(cluster.reserved(host)[kCpu], cap[kCpu]);
  *out++ = ratio(mem_on * cluster.reserved(host)[kMem], cap[kMem]);
  *out++ = static_cast<float>(cluster.vm_count(host));
  *out++ = pend_cpu;
  *out++ = pend_mem;

  // Live load: only what each VM on the host used before this step.
  double last_cpu = 0, last_mem = 0, peak_cpu = 0, peak_mem = 0;
  for (std::int32_t vm : cluster.vms_on(host)) {
    const auto j = static_cast<std::size_t>(vm);
    const Instance& inst = ctx.workload.instances[j];
    const std::int64_t age = ctx.step - ctx.workload.arrival_step(j);
    if (age <= 0) {
      last_cpu += inst.request[kCpu];
      last_mem += inst.request[kMem];
      peak_cpu += inst.request[kCpu];
      peak_mem += inst.request[kMem];
      continue;
    }
    const std::int64_t n = std::min<std::int64_t>(age, kLiveSteps);
    const UsageReader::PeakAndLast u = UsageReader(ctx.workload, j, age - n).scan(n);
    last_cpu += u.last_cpu;
    last_mem += u.last_mem;
    peak_cpu += u.peak_cpu;
    peak_mem += u.peak_mem;
  }
  const float live_peak_cpu = ratio(peak_cpu, cap[kCpu]);
  const float live_peak_mem = ratio(mem_on * peak_mem, cap[kMem]);
  *out++ = ratio(last_cpu, cap[kCpu]);
  *out++ = ratio(mem_on * last_mem, cap[kMem]);
  *out++ = live_peak_cpu;
  *out++ = live_peak_mem;
  *out++ = std::hypot(live_peak_cpu + req_cpu, live_peak_mem + req_mem);
  *out++ = req_cpu;
  *out++ = req_mem;
}

void FeatureBuilder::build(const PlacementContext& ctx, const std::vector<std::int32_t>& candidates,
                           std::vector<float>& rows) {
  const std::size_t k = candidates.size();
  rows.resize(k * kNumFeatures);
  if (k == 0) return;
  if (ctx.history != checked_history_) {
    checked_history_ = ctx.history;
    summaries_ = ctx.history != nullptr && ctx.history->summary_windows() == feature_history_windows();
  }
  if (k > 1) prefetch_candidates(ctx, candidates);
  std::array<float, kHostFeatures> mean{};
  for (std::size_t c = 0; c < k; ++c) {
    float* row = rows.data() + c * kNumFeatures;
    absolute(ctx, candidates[c], row);
    for (int f = 0; f < kHostFeatures; ++f) mean[static_cast<std::size_t>(f)] += row[f];
  }
  for (float& m : mean) m /= static_cast<float>(k);
  for (std::size_t c = 0; c < k; ++c) {
    float* row = rows.data() + c * kNumFeatures;
    for (int f = 0; f < kHostFeatures; ++f) {
      row[kAbsoluteFeatures + f] = row[f] - mean[static_cast<std::size_t>(f)];
    }
  }
}

}  // namespace fleetopt::fireplace
