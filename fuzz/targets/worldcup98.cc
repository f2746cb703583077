// worldcup98:FILE -- requests per minute, then the one-service workload.
#include "fleetopt/trace/worldcup98.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void worldcup98(std::string_view input) {
  const std::string path = write_file(fresh_dir(), "wc98_per_minute.csv", input);
  expect_input_errors_only([&] {
    ReadReport report;
    touch_workload(load_series_workload(read_worldcup98(path, &report), 16, 32));
  });
}

}  // namespace fleetopt::fuzz
