// azure2017:DIR@split=test -- flavor_map.txt === duration_bins.txt ===
// test.flavors.txt [=== test.durations.c2591400.txt [=== a PlanetLab usage
// shape]], then the workload joined from them.
#include "fleetopt/trace/azure2017.h"
#include "fleetopt/trace/planetlab.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void azure2017(std::string_view input) {
  static const char* const kFiles[] = {"flavor_map.txt", "duration_bins.txt", "test.flavors.txt",
                                       "test.durations.c2591400.txt", "shapes/s1"};
  const auto parts = split_parts(input, 5);
  const std::string dir = fresh_dir();
  for (std::size_t i = 0; i < parts.size(); ++i) write_file(dir, kFiles[i], parts[i]);
  expect_input_errors_only([&] {
    ReadReport report;
    const Azure2017Trace trace = read_azure2017(dir, "test", 0, 0, &report);
    Azure2017Options opts;
    if (parts.size() < 5) {
      touch_workload(azure2017_workload(trace, nullptr, opts, &report));
    } else {
      SeriesTrace shapes = read_planetlab(dir + "/shapes", &report);
      touch_workload(azure2017_workload(trace, &shapes, opts, &report));
    }
  });
}

}  // namespace fleetopt::fuzz
