// alibaba2023:DIR -- the pod list [=== the node list].
#include "fleetopt/trace/alibaba2023.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void alibaba2023(std::string_view input) {
  const Alibaba2023Options opts;
  const auto parts = split_parts(input, 2);
  const std::string dir = fresh_dir();
  write_file(dir, opts.pods_file, parts[0]);
  if (parts.size() > 1) write_file(dir, opts.nodes_file, parts[1]);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(read_alibaba2023(dir, opts, &report));
  });
}

}  // namespace fleetopt::fuzz
