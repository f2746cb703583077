// `fleetopt scale --load SPEC`: READER[@KEY=VALUE]... === FILE. The file is
// given to the file readers (rates:FILE, worldcup98-days:FILE,
// worldcup98:FILE); other readers (shift, constant, ...) get the first part as
// their whole spec, with an empty data directory.
#include "fleetopt/scaling/load_trace.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void load_trace(std::string_view input) {
  const auto parts = split_parts(input, 2);
  std::string head(parts[0]);
  while (!head.empty() && (head.back() == '\n' || head.back() == '\r')) head.pop_back();
  const std::string dir = fresh_dir();
  const std::string file = write_file(dir, "trace.csv", parts.size() > 1 ? parts[1] : std::string_view());
  const std::size_t at = head.find('@');
  const std::string reader = head.substr(0, at);
  std::string spec = head;
  if (reader == "rates" || reader == "worldcup98-days" || reader == "worldcup98") {
    spec = reader + ":" + file + (at == std::string::npos ? "" : head.substr(at));
  }
  expect_input_errors_only([&] {
    scaling::LoadTraceOptions opts;
    opts.data_dir = dir + "/data";
    const scaling::LoadTrace trace = scaling::load_trace(spec, opts);
    (void)trace.at(trace.duration_s() / 2);
  });
}

}  // namespace fleetopt::fuzz
