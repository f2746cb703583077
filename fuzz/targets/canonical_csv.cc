// canonical:DIR -- instances.csv [=== usage.csv [=== workload.json]].
#include "fleetopt/trace/canonical.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void canonical_csv(std::string_view input) {
  static const char* const kFiles[] = {"instances.csv", "usage.csv", "workload.json"};
  const auto parts = split_parts(input, 3);
  const std::string dir = fresh_dir();
  for (std::size_t i = 0; i < parts.size(); ++i) write_file(dir, kFiles[i], parts[i]);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(read_canonical(dir, &report));
    (void)report.text();
  });
}

}  // namespace fleetopt::fuzz
