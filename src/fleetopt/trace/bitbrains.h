// Bitbrains GWA-T-12 "Rnd" (fastStorage-style files N.csv, one per VM): a
// header line, then `;`+tab separated rows of
//   Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ]; CPU usage [MHZ];
//   CPU usage [%]; Memory capacity provisioned [KB]; Memory usage [KB];
//   disk read/write [KB/s]; network rx/tx [KB/s]
// every ~300 s.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "fleetopt/trace/read_report.h"
#include "fleetopt/trace/series_trace.h"

namespace fleetopt {

// Reads every *.csv of `dir` (ordered by the number in the name) into CPU and
// memory series with the VM's real size (has_sizes). Rules, each counted:
// - "Timestamp [ms]" holds epoch seconds; a file whose stamps are really
//   milliseconds (> 1e11) is converted ("timestamps_in_ms").
// - A row with 0 CPU cores or 0 provisioned memory reports no VM: skipped
//   ("offline_rows_skipped").
// - Request = the largest CPU cores and provisioned memory of the VM's rows;
//   usage = CPU % x that row's cores, memory usage, as fractions of it.
// - Rows are binned to 300 s steps from the VM's first row; rows sharing a
//   step are averaged ("samples_merged"); empty steps hold the previous value
//   ("gap_steps_held"); fractions above 1 are clamped
//   ("cpu_above_request_clamped", "mem_above_request_clamped").
// - Series start at their own first step on the axis of the earliest VM.
// Malformed rows (column count, non-numbers, NaN, negatives) are InputErrors
// at file:line; a file with no usable row is skipped with a warning.
SeriesTrace read_bitbrains(const std::string& dir, ReadReport* report);

// The VMs N.csv with first <= N <= last (the `@ids=FIRST-LAST` option), so
// that one set of VMs can be read from several month folders (a time split:
// July's VMs 101-200 against September's). Files outside the range are not
// read ("files_outside_ids"); names without a number are skipped with a
// warning ("unnumbered_files_skipped"). No file in range is an InputError.
struct BitbrainsIds {
  long long first = 0;
  long long last = std::numeric_limits<long long>::max();
  bool all() const { return first == 0 && last == std::numeric_limits<long long>::max(); }
};
SeriesTrace read_bitbrains(const std::string& dir, const BitbrainsIds& ids, ReadReport* report);

}  // namespace fleetopt
