// planetlab:DIR -- one file per VM (parts vm00, vm01, ...; at most 16), then
// the workload built from the series, dynamic and static.
#include <fmt/format.h>

#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/series_trace.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void planetlab(std::string_view input) {
  const auto parts = split_parts(input, 16);
  const std::string dir = fresh_dir();
  for (std::size_t i = 0; i < parts.size(); ++i) write_file(dir, fmt::format("vm{:02}", i), parts[i]);
  expect_input_errors_only([&] {
    ReadReport report;
    const SeriesTrace trace = read_planetlab(dir, &report);
    SeriesWorkloadOptions opts;
    touch_workload(workload_from_series(trace, opts, &report));
    opts.static_vms = true;
    touch_workload(workload_from_series(trace, opts, &report));
  });
}

}  // namespace fleetopt::fuzz
