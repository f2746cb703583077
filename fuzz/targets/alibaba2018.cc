// alibaba2018:DIR -- machine_usage.csv [=== machine_meta.csv], then the
// workload built from the machine series.
#include "fleetopt/trace/alibaba2018.h"
#include "fleetopt/trace/series_trace.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void alibaba2018(std::string_view input) {
  static const char* const kFiles[] = {"machine_usage.csv", "machine_meta.csv"};
  const auto parts = split_parts(input, 2);
  const std::string dir = fresh_dir();
  for (std::size_t i = 0; i < parts.size(); ++i) write_file(dir, kFiles[i], parts[i]);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(workload_from_series(read_alibaba2018(dir, 300, &report), SeriesWorkloadOptions{}, &report));
  });
}

}  // namespace fleetopt::fuzz
