// Alibaba cluster-trace-v2018: machine_usage.csv (machine_id, time_stamp,
// cpu_util_percent, mem_util_percent, mem_gps, mkpi, net_in, net_out,
// disk_io_percent; no header) and machine_meta.csv (machine_id, time_stamp,
// failure_domain_1, failure_domain_2, cpu_num, mem_size, status).
#pragma once

#include <string>

#include "fleetopt/trace/read_report.h"
#include "fleetopt/trace/series_trace.h"

namespace fleetopt {

// Machines become instances: one CPU + memory series per machine, fractions =
// util percent / 100, binned to `step_seconds` steps from time 0 (samples in
// one step averaged, "samples_merged"), each series from the machine's first
// to its last sampled step. Rules, each counted:
// - an empty cpu_util_percent or mem_util_percent is a missing sample of that
//   dimension ("empty_fields"); steps with no sample hold the previous value
//   ("gap_steps_held"), steps before a dimension's first sample take that
//   first value ("leading_steps_backfilled");
// - a percentage above 100 is clamped ("percent_above_100_clamped");
// - sizes come from machine_meta.csv when the file is there: cpu_num cores
//   and mem_size (normalised to 100 in the public trace) read as GB; the
//   machine also becomes a HostSpec. A machine without a meta row is skipped
//   ("machines_without_meta_skipped"); without the file, has_sizes is false.
// Columns other than the first four are not read. Malformed numbers, wrong
// column counts and negative values are InputErrors at file:line.
SeriesTrace read_alibaba2018(const std::string& dir, double step_seconds, ReadReport* report);

}  // namespace fleetopt
