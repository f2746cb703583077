// One entry point for every workload source:
//
//   READER:PATH[@KEY=VALUE]...
//
// e.g. planetlab:planetlab/20110303@static=1, bitbrains:@vms=100@seed=3,
// azure2017:azure-2017-arrivals@split=test@shapes=bitbrains@hours=24,
// canonical:my-trace-dir, synthetic:@vms=500@seed=1. An empty PATH means the
// reader's default folder under the data dir; a relative PATH that does not
// exist as given is looked up under the data dir; "$DATA/" or "@/" at its
// start means the data dir. PATH may not contain '@'. docs/traces.md lists
// every reader and option.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt {

struct WorkloadSpec {
  std::string reader;
  std::string path;                            // as written (may be empty)
  std::map<std::string, std::string> options;  // @KEY=VALUE
  std::string text;

  // Throws InputError on a malformed spec (empty reader, an option without
  // '=', an empty or repeated key). Does not check reader or option names.
  static WorkloadSpec parse(const std::string& text);
};

struct LoadOptions {
  std::string data_dir;  // "" -> fleetopt::data_dir()
};

struct WorkloadReaderInfo {
  std::string name;
  std::string default_path;  // under the data dir; "" if PATH is required or unused
  std::string summary;
  std::vector<std::string> options;
};
// The readers load_workload knows, in documentation order.
const std::vector<WorkloadReaderInfo>& workload_readers();

// Loads the workload a spec names: sorted by arrival, validated, default_host
// set. Unknown readers or options are InputErrors listing the known ones.
Workload load_workload(const std::string& spec, const LoadOptions& opts, ReadReport* report);

// Resolves a trace PATH as load_workload does (see the grammar above);
// throws InputError naming both places looked at when it exists in neither.
std::string resolve_trace_path(const std::string& path, const std::string& data_dir);

}  // namespace fleetopt
