// Azure 2017 VM arrivals (Resource Central, re-binned by
// huaweicloud/trace_generation_rnn): per split, `<split>.flavors.txt` lines
// `<t> f,f,|,f,...` (flavours arrived since the previous line; `|` ends a
// tenant batch), `<split>.durations.c<NNN>.txt` with the same layout and a
// duration code per VM (`U<bin>` finished, `C<bin>` still running at the
// censoring time NNN s), `flavor_map.txt` (`vcpu,memGB letter`) and
// `duration_bins.txt` (`seconds bin`: the bin of each 300 s duration).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/trace/defaults.h"
#include "fleetopt/trace/read_report.h"
#include "fleetopt/trace/series_trace.h"

namespace fleetopt {

struct Azure2017Vm {
  double line_start = 0;      // the previous line's time: arrivals lie in [line_start, line_end)
  double line_end = 0;
  std::uint32_t batch = 0;    // tenant batch, numbered over the split
  std::uint8_t flavor = 0;    // index into Azure2017Trace::flavors
  std::uint8_t duration_bin = 0;
  bool censored = false;
};

struct Azure2017Trace {
  std::string split;
  std::vector<Flavor> flavors;       // flavor_map.txt, weight = VMs read of that flavour
  std::vector<double> bin_lower;     // seconds; bin b covers [bin_lower[b], bin_upper[b])
  std::vector<double> bin_upper;
  bool has_durations = false;        // the train split has flavours only
  double censor_time = 0;            // from the durations file name
  double start = 0;                  // the first line's time minus one line interval
  std::vector<Azure2017Vm> vms;      // file order
};

// Reads one split. Reading stops after the line that crosses `max_seconds`
// past the start or holds the `max_vms`-th VM (0: no limit), so a small
// window of a big split reads little. Flavour/duration lines must pair 1:1
// (same time, same token layout); unknown flavours, bins or malformed tokens
// are InputErrors at file:line. Empty tokens are skipped ("empty_tokens").
Azure2017Trace read_azure2017(const std::string& dir, const std::string& split,
                              double max_seconds, std::size_t max_vms, ReadReport* report);

struct Azure2017Options {
  std::uint64_t seed = 1;
  double hours = 0;       // window from the split's start; 0: up to the censoring time
  std::size_t max_vms = 0;
  double step_seconds = 300;
};

// Joining rule (deterministic in seed; every VM draws from three streams in
// file order, so a window or limit keeps the draws of the VMs it keeps):
// - arrival: one uniform time per tenant batch inside its line's interval;
// - size: the flavour's vCPU and memory;
// - lifetime: U<bin> a uniform value in the bin (cut so the VM ends before
//   the censoring time; at least 1 s); C<bin> runs to the end of the window;
// - usage: shape = a uniform pick among `shapes` (null: usage = request),
//   phase uniform over that shape; usage = fraction x request.
// default_host 32 cores / 128 GB.
Workload azure2017_workload(const Azure2017Trace& trace, SeriesTrace* shapes,
                            const Azure2017Options& opts, ReadReport* report);

}  // namespace fleetopt
