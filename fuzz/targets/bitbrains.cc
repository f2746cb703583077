// bitbrains:DIR -- one file per VM (parts 1.csv, 2.csv, ...; at most 8), then
// the workload built from the series with the trace's own sizes.
#include <fmt/format.h>

#include "fleetopt/trace/bitbrains.h"
#include "fleetopt/trace/series_trace.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void bitbrains(std::string_view input) {
  const auto parts = split_parts(input, 8);
  const std::string dir = fresh_dir();
  for (std::size_t i = 0; i < parts.size(); ++i) write_file(dir, fmt::format("{}.csv", i + 1), parts[i]);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(workload_from_series(read_bitbrains(dir, &report), SeriesWorkloadOptions{}, &report));
  });
}

}  // namespace fleetopt::fuzz
