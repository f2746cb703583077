// FIFA World Cup 1998 web site, requests per minute (`period,count`, period
// "YYYY-MM-DD HH:MM:SS"). The autoscaling work reads it as a plain load
// series; as a Workload it is one service whose CPU follows the load.
#pragma once

#include <string>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt {

// A load series on a regular grid (e.g. requests per minute).
struct LoadSeries {
  std::string name;
  double start = 0;         // seconds since 1970-01-01 00:00 of the first value (trace clock)
  double step_seconds = 60;
  std::vector<double> values;
};

// Reads the per-minute counts. period may also be integer epoch seconds.
// Rules, each counted: minutes missing from the file hold the previous count
// ("gap_minutes_held"); rows falling in the same minute are summed
// ("rows_in_same_minute_summed"); an empty count is a missing minute. Time
// going backwards, bad dates or numbers, NaN and negative counts are
// InputErrors at file:line.
LoadSeries read_worldcup98(const std::string& path, ReadReport* report);
// Just the values (requests per minute, one per minute from the first row).
std::vector<double> read_worldcup98_series(const std::string& path, ReadReport* report);

// One instance "service" over the whole series (step = the series' step) with
// request `cpu` cores / `mem` GB; CPU use = request x load / peak load,
// memory at the request. default_host 32 cores / 128 GB, grown to fit.
Workload load_series_workload(const LoadSeries& series, double cpu, double mem);

// Seconds since 1970-01-01 of a "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DDTHH:MM:SS")
// time stamp taken as UTC; false if malformed.
bool parse_datetime(std::string_view text, double& seconds);

}  // namespace fleetopt
