// azurefunctions:DIR -- 1000_inv.csv [=== 1000_run.csv [=== 1000_mem.csv]]:
// the trace reader and its workload, then the bandit's reading of the same
// files and a small placement instance built from them.
#include "fleetopt/faas/azure_functions.h"
#include "fleetopt/trace/azure_functions.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void azure_functions(std::string_view input) {
  static const char* const kFiles[] = {"1000_inv.csv", "1000_run.csv", "1000_mem.csv"};
  const auto parts = split_parts(input, 3);
  const std::string dir = fresh_dir();
  for (std::size_t i = 0; i < parts.size(); ++i) write_file(dir, kFiles[i], parts[i]);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(azure_functions_workload(read_azure_functions(dir, &report), &report));
  });
  expect_input_errors_only([&] {
    faas::AzureInstanceOptions opts;
    opts.classes = 2;
    opts.nodes = 3;
    (void)faas::build_azure_instance(faas::read_azure_functions(dir), opts);
  });
}

}  // namespace fleetopt::fuzz
