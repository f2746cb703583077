#include "fleetopt/placement/host_history.h"

#include <algorithm>
#include <cmath>

#include "fleetopt/core/prefetch.h"

namespace fleetopt {

HostHistory::HostHistory(std::size_t hosts, int steps, HistoryWindows summary)
    : steps_(steps < 1 ? 1 : steps),
      cpu_(hosts * static_cast<std::size_t>(steps_)),
      mem_(hosts * static_cast<std::size_t>(steps_)),
      sorted_cpu_(hosts * static_cast<std::size_t>(steps_)),
      state_(hosts) {
  for (int& w : summary.windows) w = std::clamp(w, 1, steps_);
  summary_spec_ = std::move(summary);
  summary_floats_ = summary_spec_.windows.size() * static_cast<std::size_t>(summary_spec_.floats_per_window());
  if (summary_spec_.empty()) summary_floats_ = 0;
  summary_.assign(hosts * summary_floats_, 0.f);
  scratch_.assign((summary_spec_.windows.size() + 1) * static_cast<std::size_t>(steps_), 0.f);
  scratch_n_.assign(summary_spec_.windows.size(), 0);
  scratch_rows_.assign(summary_spec_.windows.size(), nullptr);
}

namespace {

// Ascending with NaN last: a total order, so a NaN sample cannot break the
// insertion's binary search.
bool cpu_before(float a, float b) { return !std::isnan(a) && (std::isnan(b) || a < b); }

}  // namespace

void window_statistics(const float* sorted_cpu, const float* mem_newest_first, int n,
                       std::span<const int> cpu_percentiles, float* out) {
  float cpu_sum = 0, mem_sum = 0, mem_peak = 0;
  for (int i = 0; i < n; ++i) {
    cpu_sum += sorted_cpu[i];
    mem_sum += mem_newest_first[i];
    mem_peak = std::max(mem_peak, mem_newest_first[i]);
  }
  for (int p : cpu_percentiles) *out++ = nearest_rank(sorted_cpu, n, p);
  *out++ = sorted_cpu[n - 1];
  *out++ = cpu_sum / static_cast<float>(n);
  *out++ = mem_peak;
  *out++ = mem_sum / static_cast<float>(n);
}

float HostHistory::at(std::int32_t h, int back, int d) const {
  auto hh = static_cast<std::size_t>(h);
  int pos = state_[hh].head - 1 - back;
  while (pos < 0) pos += steps_;
  std::size_t i = hh * static_cast<std::size_t>(steps_) + static_cast<std::size_t>(pos);
  return d == kMem ? mem_[i] : cpu_[i];
}

void HostHistory::recent(std::int32_t h, int n, int d, std::vector<float>& out) const {
  out.resize(static_cast<std::size_t>(n));
  for (int b = 0; b < n; ++b) out[static_cast<std::size_t>(b)] = at(h, b, d);
}

void HostHistory::copy_recent(std::int32_t h, int n, int d, float* out) const {
  const auto hh = static_cast<std::size_t>(h);
  const float* row = (d == kMem ? mem_.data() : cpu_.data()) + hh * static_cast<std::size_t>(steps_);
  // Newest first: back from the head to the row's start, then back from its end.
  const int newest = state_[hh].head - 1;
  const int before_wrap = std::min(n, newest + 1);
  for (int b = 0; b < before_wrap; ++b) out[b] = row[newest - b];
  const float* end = row + steps_ - 1;
  for (int b = before_wrap; b < n; ++b) out[b] = end[before_wrap - b];
}

void HostHistory::copy_recent_cpu_sorted(std::int32_t h, int n, float* out) const {
  copy_recent_cpu_sorted(h, &n, &out, 1);
}

void HostHistory::copy_recent_cpu_sorted(std::int32_t h, const int* n, float* const* out, int windows) const {
  constexpr int kMaxWindows = 4;
  if (windows > kMaxWindows) {
    for (int w = 0; w < windows; w += kMaxWindows) copy_recent_cpu_sorted(h, n + w, out + w, std::min(kMaxWindows, windows - w));
    return;
  }
  const auto hh = static_cast<std::size_t>(h);
  const Ordered* row = sorted_cpu_.data() + hh * static_cast<std::size_t>(steps_);
  const std::uint32_t newest = state_[hh].pushes - 1;
  const int count = state_[hh].count;
  // Each window keeps, in order, the entries of its last n pushes; without a
  // branch per entry, which would mispredict as often as a sort's compares.
  // A window holding every sample is a plain copy.
  std::uint32_t span[kMaxWindows];
  float* dst[kMaxWindows];
  float discard;
  int partial = 0;
  for (int w = 0; w < windows; ++w) {
    if (n[w] >= count) {
      for (int i = 0; i < count; ++i) out[w][i] = row[i].cpu;
    } else {
      span[partial] = static_cast<std::uint32_t>(n[w]);
      dst[partial++] = out[w];
    }
  }
  for (int i = 0; i < count; ++i) {
    const std::uint32_t age = newest - row[i].push;
    const float v = row[i].cpu;
    for (int w = 0; w < partial; ++w) {
      const bool keep = age < span[w];
      *(keep ? dst[w] : &discard) = v;
      dst[w] += keep ? 1 : 0;
    }
  }
}

void HostHistory::prefetch(std::int32_t h) const {
  const auto hh = static_cast<std::size_t>(h);
  const std::size_t row = hh * static_cast<std::size_t>(steps_);
  prefetch_object(state_[hh]);
  if (summary_floats_ > 0) {
    prefetch_span(summary(h), summary_floats_ * sizeof(float));
    return;
  }
  prefetch_span(mem_.data() + row, static_cast<std::size_t>(steps_) * sizeof(float));
  prefetch_span(sorted_cpu_.data() + row, static_cast<std::size_t>(steps_) * sizeof(Ordered));
}

void HostHistory::push(std::int32_t h, float cpu, float mem) {
  auto hh = static_cast<std::size_t>(h);
  State& state = state_[hh];
  std::size_t i = hh * static_cast<std::size_t>(steps_) + static_cast<std::size_t>(state.head);
  cpu_[i] = cpu;
  mem_[i] = mem;
  state.head = (state.head + 1) % steps_;

  Ordered* row = sorted_cpu_.data() + hh * static_cast<std::size_t>(steps_);
  Ordered* end = row + state.count;
  const std::uint32_t push = state.pushes++;
  if (state.count == steps_) {
    // The sample pushed steps_ pushes ago leaves the window.
    const std::uint32_t leaving = push - static_cast<std::uint32_t>(steps_);
    end = std::remove_if(row, end, [&](const Ordered& o) { return o.push == leaving; });
  } else {
    ++state.count;
  }
  Ordered* at = std::upper_bound(row, end, cpu, [](float v, const Ordered& o) { return cpu_before(v, o.cpu); });
  std::move_backward(at, end, end + 1);
  *at = Ordered{cpu, push};
  if (summary_floats_ > 0) summarise(hh);
}

void HostHistory::summarise(std::size_t hh) {
  const auto h = static_cast<std::int32_t>(hh);
  const int count = state_[hh].count;
  const std::size_t windows = summary_spec_.windows.size();
  std::vector<int>& n = scratch_n_;
  std::vector<float*>& sorted = scratch_rows_;
  int widest = 0;
  for (std::size_t w = 0; w < windows; ++w) {
    n[w] = std::min(summary_spec_.windows[w], count);
    sorted[w] = scratch_.data() + w * static_cast<std::size_t>(steps_);
    widest = std::max(widest, n[w]);
  }
  copy_recent_cpu_sorted(h, n.data(), sorted.data(), static_cast<int>(windows));
  float* mem = scratch_.data() + windows * static_cast<std::size_t>(steps_);
  copy_recent(h, widest, kMem, mem);
  float* out = summary_.data() + hh * summary_floats_;
  for (std::size_t w = 0; w < windows; ++w, out += summary_spec_.floats_per_window()) {
    window_statistics(sorted[w], mem, n[w], summary_spec_.cpu_percentiles, out);
  }
}

}  // namespace fleetopt
