// canonical:DIR -- the input is workload.json beside a fixed, valid
// instances.csv and usage.csv.
#include "fleetopt/trace/canonical.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void canonical_json(std::string_view input) {
  static const std::string dir = [] {
    std::string d = process_dir();
    write_file(d, "instances.csv",
               "id,arrival,departure,cpu,mem,gpu,tags\n"
               "a,0,3600,4,16,0,flavor=m\n"
               "b,600,1800,2,8,1,\"x=1;y=2\"\n"
               "c,1200,7200,0.5,1,0,\n");
    write_file(d, "usage.csv",
               "id,time,cpu,mem\n"
               "a,0,1,8\n"
               "a,900,3.5,\n"
               "b,600,2,4\n"
               "c,1500,0.25,1\n");
    return d;
  }();
  write_file(dir, "workload.json", input);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(read_canonical(dir, &report));
  });
}

}  // namespace fleetopt::fuzz
