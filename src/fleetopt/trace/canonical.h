// The canonical workload format, so users can bring their own traces: a
// directory with
//   instances.csv  id,arrival,departure,<resource columns>[,tags]
//   usage.csv      id,time,<resource columns>      (optional)
//   workload.json  {"format":"fleetopt-workload","version":1,"name":...,
//                   "step_seconds":300,"start":0,"end":86400,
//                   "default_host":{"cpu":32,"mem":128},
//                   "hosts":[{"id":"h1","capacity":{"cpu":..}}]}  (optional)
// Resource columns are named after the dimensions (cpu, mem, disk, net, gpu;
// cores, GB, GB, Mbit/s, devices) and may come in any order. Times are
// seconds. Usage values are absolute (not fractions); an empty usage field
// means "at the request". docs/traces.md has the full rules.
#pragma once

#include <string>

#include "fleetopt/core/workload.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt {

// Reads a canonical workload directory. Usage rows map to step
// k = round((time - arrival) / step_seconds) of their instance; rows in the
// same step are averaged ("samples_merged"), steps without a row hold the
// previous value ("gap_steps_held", before the first row: that row's value,
// "leading_steps_backfilled"), rows outside the instance's life are skipped
// ("usage_rows_outside_lifetime", warned). Missing workload.json: step 300 s,
// start/end from the instances, default host 32 cores / 128 GB grown to fit.
// Unknown columns or ids, duplicate ids, bad numbers, NaN, negative sizes,
// departure <= arrival and usage on a zero request are InputErrors at
// file:line.
Workload read_canonical(const std::string& dir, ReadReport* report);

// Writes w into dir (created if needed): every instance with a usage shape
// gets one usage row per step of its life, values at float precision (that
// of the shapes). Throws InputError if it cannot.
void write_canonical(const Workload& w, const std::string& dir);

}  // namespace fleetopt
