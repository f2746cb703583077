// --workload SPEC: WorkloadSpec::parse, then load_workload. Only the
// synthetic reader runs (with @vms <= 50 and at most 2,000 steps, so an input
// cannot ask for a long run); the other readers get an empty data directory,
// so their option checks and path errors run but no file is read.
#include <algorithm>

#include "fleetopt/trace/workload_spec.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {
namespace {

double number_or(const WorkloadSpec& spec, const std::string& key, double fallback) {
  auto it = spec.options.find(key);
  double v = fallback;
  if (it != spec.options.end() && !parse_double(it->second, v)) return fallback;  // the reader says why
  return v;
}

bool small_enough(const WorkloadSpec& spec) {
  const double vms = number_or(spec, "vms", 100);
  const double hours = number_or(spec, "hours", 24);
  const double step = number_or(spec, "step", 300);
  const double shapes = number_or(spec, "shapes", 256);
  if (vms > 50 || shapes > 50 || !(step > 0)) return false;
  return hours * 3600 / step <= 2000;
}

}  // namespace

void workload_spec(std::string_view input) {
  const std::string text(input);
  expect_input_errors_only([&] {
    const WorkloadSpec spec = WorkloadSpec::parse(text);
    if (spec.reader == "synthetic" && !small_enough(spec)) return;
    if (spec.reader != "synthetic" && !spec.path.empty()) return;  // would read the fuzzer's choice of file
    LoadOptions opts;
    opts.data_dir = fresh_dir();
    ReadReport report;
    touch_workload(load_workload(text, opts, &report));
  });
}

}  // namespace fleetopt::fuzz
