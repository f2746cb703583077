// PlanetLab (CloudSim's workload/planetlab): one file per VM, one integer a
// line = CPU use in percent every 5 minutes, 288 lines = one day.
#pragma once

#include <string>

#include "fleetopt/trace/read_report.h"
#include "fleetopt/trace/series_trace.h"

namespace fleetopt {

// Reads every regular file of `dir` (sorted by name; hidden files skipped) as
// one CPU series, fraction = percent / 100, all starting at step 0.
// Quirks: a blank line is a missing sample, held from the previous one
// ("gap_steps_held"); blank lines at the end are ignored; a file shorter than
// the others is kept as a shorter series ("short_series", warned); an empty
// file is skipped ("empty_files_skipped", warned). A value that is not an
// integer in [0, 100] is an InputError at file:line.
SeriesTrace read_planetlab(const std::string& dir, ReadReport* report);

}  // namespace fleetopt
