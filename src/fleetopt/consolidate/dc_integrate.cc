#include "fleetopt/consolidate/dc_integrate.h"

#include <algorithm>
#include <system_error>

namespace fleetopt::consolidate {

StepIntegrator::StepIntegrator(const DcSetup& setup, const CloudSimQuirks& quirks, bool threaded)
    : setup_(setup), quirks_(quirks) {
  if (!threaded) return;
  try {
    worker_ = std::thread([this] { work(); });
  } catch (const std::system_error&) {
    // No thread to be had (a process at its limit): integrate inline.
  }
}

StepIntegrator::~StepIntegrator() {
  if (worker_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
}

StepRecord& StepIntegrator::next() {
  if (worker_.joinable()) {
    // Record submitted_ % 2 last held step submitted_ - 2.
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return done_ + 1 >= submitted_; });
  }
  return records_[submitted_ % 2];
}

void StepIntegrator::submit() {
  if (!worker_.joinable()) {
    integrate(records_[submitted_ % 2]);
    ++submitted_;
    ++done_;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++submitted_;
  }
  changed_.notify_all();
}

StepTotals StepIntegrator::finish() {
  if (worker_.joinable()) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return done_ == submitted_; });
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  return std::move(work_.totals);
}

void StepIntegrator::work() {
  for (;;) {
    std::size_t step = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || done_ < submitted_; });
      if (done_ == submitted_) return;  // stopped, nothing pending
      step = done_;
    }
    integrate(records_[step % 2]);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++done_;
    }
    changed_.notify_all();
  }
}

void StepIntegrator::integrate(StepRecord& r) {
  if (!r.counted) return;
  const std::int32_t hosts = setup_.num_hosts();
  const double T = setup_.step_seconds;
  auto& [totals, sorted, event_start, event_fill] = work_;
  // Events in tuple order (host first), by a counting pass over hosts and a
  // sort of each host's few events -- the same order as sorting them all,
  // cheaper.
  event_start.assign(static_cast<std::size_t>(hosts) + 1, 0);
  event_fill.resize(static_cast<std::size_t>(hosts));
  for (const auto& ev : r.events) ++event_start[static_cast<std::size_t>(std::get<0>(ev)) + 1];
  for (std::size_t h = 1; h < event_start.size(); ++h) event_start[h] += event_start[h - 1];
  sorted.resize(r.events.size());
  std::copy(event_start.begin(), event_start.end() - 1, event_fill.begin());
  for (const auto& ev : r.events) sorted[event_fill[static_cast<std::size_t>(std::get<0>(ev))]++] = ev;
  for (std::size_t h = 0; h + 1 < event_start.size(); ++h) {
    if (event_start[h + 1] - event_start[h] > 1) {
      std::sort(sorted.begin() + static_cast<std::ptrdiff_t>(event_start[h]),
                sorted.begin() + static_cast<std::ptrdiff_t>(event_start[h + 1]));
    }
  }
  const double active_before = totals.active_time;
  std::size_t e = 0;
  for (std::int32_t h = 0; h < hosts; ++h) {
    const DcHostType& t = setup_.host(h);
    double req = r.start_demand[static_cast<std::size_t>(h)];
    double capped = r.start_capped[static_cast<std::size_t>(h)];
    std::int32_t count = r.start_count[static_cast<std::size_t>(h)];
    double prev = 0;
    // A VM gets at most one core (CloudSim caps each virtual PE at a
    // physical PE), and the host at most its MIPS; anything less than the
    // demand is an SLA violation of the host.
    auto integrate_until = [&](double until) {
      double dur = until - prev;
      if (dur <= 0 || count <= 0) return;
      double allocated = std::min(capped, t.mips());
      if (quirks_.zero_utilisation_off && allocated <= 1e-9) return;
      totals.active_time += dur;
      totals.energy_j += t.power->at(allocated / t.mips()) * dur;
      if (req > allocated * (1 + 1e-9) + 1e-9) totals.violation_time += dur;
    };
    while (e < sorted.size() && std::get<0>(sorted[e]) == h) {
      integrate_until(std::get<1>(sorted[e]));
      prev = std::max(prev, std::get<1>(sorted[e]));
      req += std::get<2>(sorted[e]);
      count += std::get<3>(sorted[e]);
      capped += std::get<4>(sorted[e]);
      ++e;
    }
    integrate_until(T);
  }
  totals.active_hosts.push_back((totals.active_time - active_before) / T);
}

}  // namespace fleetopt::consolidate
