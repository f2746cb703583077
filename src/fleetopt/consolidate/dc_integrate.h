// A simulated step's energy and SLA time, host by host, from each host's
// state at the step's start and the migrations' events during it -- and
// the pipeline that integrates step k on a second core while the policy
// decides step k + 1. The integral reads nothing the next decision
// changes (a record of the step, the setup), and the steps are integrated
// in order into the same sums, so the totals are the same bits as
// integrating inline; it was a tenth of an IQR or MAD pair's day.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#include "fleetopt/consolidate/dc_sim.h"

namespace fleetopt::consolidate {

// (host, time, change in demanded MIPS, change in VM count, change in demand
// capped at one core per VM); a host's events apply in this tuple's order.
using StepEvent = std::tuple<std::int32_t, double, double, std::int32_t, double>;

// What the integral of one step reads. Each on cache lines of its own: the
// policy's thread fills one while the worker reads the other, and a shared
// line (the vectors' ends, bumped by every event) would bounce between
// the cores.
struct alignas(64) StepRecord {
  std::vector<double> start_demand, start_capped;  // per host, at the step's start
  std::vector<std::int32_t> start_count;
  std::vector<StepEvent> events;  // any order
  bool counted = false;           // false: the step is outside the metrics' window
};

struct StepTotals {
  double energy_j = 0, active_time = 0, violation_time = 0;  // host-seconds for the times
  std::vector<double> active_hosts;  // per counted step: mean hosts running
};

class StepIntegrator {
 public:
  // threaded: integrate on a worker thread (else, or where no thread can
  // be started, inline in submit).
  StepIntegrator(const DcSetup& setup, const CloudSimQuirks& quirks, bool threaded);
  ~StepIntegrator();
  StepIntegrator(const StepIntegrator&) = delete;
  StepIntegrator& operator=(const StepIntegrator&) = delete;

  // A record to fill for the next step (its vectors keep their old contents
  // and sizes); waits while the worker still reads it.
  StepRecord& next();
  // The record from next() is complete.
  void submit();
  // Waits for every submitted step; the totals.
  StepTotals finish();

 private:
  void integrate(StepRecord& record);
  void work();

  // The worker's own (on lines of their own, see StepRecord).
  struct alignas(64) Work {
    StepTotals totals;
    std::vector<StepEvent> sorted;
    std::vector<std::size_t> event_start, event_fill;
  };
  const DcSetup& setup_;
  CloudSimQuirks quirks_;
  std::array<StepRecord, 2> records_;
  Work work_;
  alignas(64) std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t submitted_ = 0, done_ = 0;  // steps; record i % 2 holds step i
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace fleetopt::consolidate
