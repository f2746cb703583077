#include "fleetopt/placement/host_history.h"

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
  int pos = head_[hh] - 1;
  for (int b = 0; b < n; ++b) {
    if (pos < 0) pos += steps_;
    out[b] = row[pos--];
  }
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
