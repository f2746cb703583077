// Azure Functions 2019 (AzurePublicDataset, sampled by vhive-serverless/
// invitro): `*_inv.csv` invocations per minute per function, `*_run.csv`
// execution-time statistics in ms per function, `*_mem.csv` allocated-memory
// statistics in MB per application.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/core/workload.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt {

struct FunctionDurations {  // milliseconds
  double count = 0, average = 0, minimum = 0, maximum = 0;
  // percentile_Average_{0,1,25,50,75,99,100}
  std::array<double, 7> percentiles{};
};

struct AppMemory {  // MB
  double sample_count = 0, average = 0;
  // AverageAllocatedMb_pct{1,5,25,50,75,95,99,100}
  std::array<double, 8> percentiles{};
};

struct AzureFunction {
  std::string function, app, owner;  // hashes
  std::vector<std::uint32_t> invocations;  // per minute
  bool has_durations = false;
  FunctionDurations durations;
  bool has_memory = false;
  AppMemory memory;                // of the function's app
  std::uint32_t functions_in_app = 1;
};

struct AzureFunctionsTrace {
  std::size_t minutes = 0;
  std::vector<AzureFunction> functions;  // in the invocation file's order
};

// Reads `<prefix>_inv.csv`, `<prefix>_run.csv` and `<prefix>_mem.csv` from
// dir (prefix: the one shared *_inv.csv, e.g. "1000"). Columns are found by
// header name (minute columns: "minute_N" or "N", in file order); rows join
// on (HashOwner, HashApp, HashFunction) for durations and (HashOwner,
// HashApp) for memory, in any order. Rules, each counted: an empty
// invocation count is read as 0 ("empty_invocation_fields"); functions
// without duration or memory statistics are kept but flagged
// ("functions_without_durations", "functions_without_memory"); statistics
// rows for functions not in the invocation file are ignored
// ("unmatched_stat_rows"). Duplicate functions, bad numbers, NaN and
// negatives are InputErrors at file:line.
AzureFunctionsTrace read_azure_functions(const std::string& dir, ReadReport* report);

// Functions as instances over the whole day (step 60 s): CPU usage follows
// invocations: busy cores in minute m = invocations[m] x average duration /
// 60 s (one core per running execution); request cpu = the peak of that
// (at least 0.01 cores), shape = busy / request. Memory request = the app's
// AverageAllocatedMb_pct100 / 1024 GB, split evenly among its functions,
// used at the request. Functions lacking duration or memory statistics are
// left out ("functions_dropped"). default_host 32 cores / 128 GB, not grown:
// the trace's heavy tail (a few functions peak at thousands of busy cores)
// would make it meaningless; such functions are counted and warned
// ("functions_larger_than_default_host").
Workload azure_functions_workload(const AzureFunctionsTrace& trace, ReadReport* report);

}  // namespace fleetopt
