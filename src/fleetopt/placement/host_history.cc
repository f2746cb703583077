#include "fleetopt/placement/host_history.h"

#include <algorithm>

#include "fleetopt/core/prefetch.h"

namespace fleetopt {

HostHistory::HostHistory(std::size_t hosts, int steps)
    : steps_(steps < 1 ? 1 : steps),
      cpu_(hosts * static_cast<std::size_t>(steps_)),
      mem_(hosts * static_cast<std::size_t>(steps_)),
      head_(hosts, 0),
      count_(hosts, 0) {}

float HostHistory::at(std::int32_t h, int back, int d) const {
  auto hh = static_cast<std::size_t>(h);
  int pos = head_[hh] - 1 - back;
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
  const int newest = head_[hh] - 1;
  const int before_wrap = std::min(n, newest + 1);
  for (int b = 0; b < before_wrap; ++b) out[b] = row[newest - b];
  const float* end = row + steps_ - 1;
  for (int b = before_wrap; b < n; ++b) out[b] = end[before_wrap - b];
}

void HostHistory::prefetch(std::int32_t h) const {
  const auto hh = static_cast<std::size_t>(h);
  const std::size_t row = hh * static_cast<std::size_t>(steps_);
  const std::size_t bytes = static_cast<std::size_t>(steps_) * sizeof(float);
  prefetch_span(&head_[hh], sizeof(int));
  prefetch_span(&count_[hh], sizeof(int));
  prefetch_span(cpu_.data() + row, bytes);
  prefetch_span(mem_.data() + row, bytes);
}

void HostHistory::push(std::int32_t h, float cpu, float mem) {
  auto hh = static_cast<std::size_t>(h);
  std::size_t i = hh * static_cast<std::size_t>(steps_) + static_cast<std::size_t>(head_[hh]);
  cpu_[i] = cpu;
  mem_[i] = mem;
  head_[hh] = (head_[hh] + 1) % steps_;
  if (count_[hh] < steps_) ++count_[hh];
}

}  // namespace fleetopt
