// Usage-only traces (PlanetLab, Bitbrains, Alibaba 2018) record how much a
// VM used, not when it arrived or how big it was. Their readers return a
// SeriesTrace, one usage series per VM on a common time axis; this file turns
// one into a Workload with seeded, documented arrivals, lifetimes and sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/core/resources.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt {

struct SeriesTrace {
  std::string name;
  double step_seconds = 300;
  DimMask dims = dim_bit(kCpu);  // dimensions every series stores
  bool has_sizes = false;        // sizes[] hold the trace's own requests

  std::vector<std::string> ids;
  std::vector<std::int64_t> first_step;  // step of sample 0 on the common axis
  std::vector<Resources> sizes;          // parallel to ids when has_sizes
  std::vector<UsageShape> shapes;        // series i is shapes[i]
  std::vector<float> samples;            // fractions of the request, interleaved by dim
  std::vector<HostSpec> hosts;           // machines the trace names, if any

  std::size_t size() const { return ids.size(); }
  std::uint32_t length(std::size_t i) const { return shapes[i].length; }
  // One past the last step any series covers.
  std::int64_t end_step() const;

  // Appends a series; `interleaved` holds length * popcount(dims) samples.
  void add_series(std::string id, std::int64_t first, const Resources& size,
                  const std::vector<float>& interleaved, std::uint32_t length);
};

// The series whose id ends in a number N with first <= N <= last (Bitbrains
// "101", Alibaba 2018 "m_1932"), in their order: to split one trace's VMs or
// machines into a training and a test set. Ids without a trailing number are
// left out ("unnumbered_series_skipped"); none in range is an InputError.
SeriesTrace select_series(const SeriesTrace& trace, long long first, long long last, ReadReport* report);

struct SeriesWorkloadOptions {
  std::uint64_t seed = 1;
  // Every VM runs over its whole series (the CloudSim setting) instead of a
  // seeded part of it.
  bool static_vms = false;
  // Use the trace's own sizes when it has them; otherwise the flavour mix.
  bool trace_sizes = true;
  // 0: every series; else a seeded subset of this many series.
  std::size_t max_vms = 0;
  // Lifetimes cover a uniform share in [min_life_share, 1] of the series.
  double min_life_share = 0.25;
  Resources default_host = make_resources(32, 128);
};

// Builds the workload. Dynamic (default): per VM, lifetime = a uniform share
// in [min_life_share, 1] of its series (rounded to whole steps, at least 1),
// start uniform over the remaining room, and usage read from the series at
// that point (phase = start offset). Static: arrival at the series' first
// step, departure after its last. Sizes: the trace's (Bitbrains, Alibaba
// 2018 meta) or a seeded draw from default_flavor_mix(). Deterministic in seed.
Workload workload_from_series(SeriesTrace trace, const SeriesWorkloadOptions& opts,
                              ReadReport* report);

// Keeps instances arriving before start + hours (departures cut to that end,
// counted as "departures_cut_at_window") and then at most max_vms of them by
// arrival. hours <= 0 and max_vms == 0 mean no limit.
void apply_window(Workload& w, double hours, std::size_t max_vms, ReadReport* report);

}  // namespace fleetopt
