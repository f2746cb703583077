// The real-trace driver: turns the Azure Functions 2019 sample (1,000
// functions over one day; files 1000_inv.csv, 1000_run.csv, 1000_mem.csv of
// the data directory's azure-functions-2019/) into a placement instance.
// The mapping is documented in docs/faas.md; in short:
//   classes   k-means (seeded k-means++) on (log duration, log memory) of the
//             functions, standardised; a class's duration and memory are the
//             invocation-weighted means of its functions.
//   arrivals  arrival_i = load * invocations_i / all invocations, which fixes
//             the slot length at (day * load / all invocations).
//   nodes     heterogeneous edge / regional / cloud machines (speed, latency,
//             prices per core-second and per GB-second, cores, memory),
//             jittered by the seed, sized so the fleet holds `headroom` times
//             the trace's average load.
//   cost      half response time (latency + duration / speed), half price
//             ((core price + GB price * GB) * seconds), each relative to the
//             class's worst node.
//   demand    busy cores and busy GB per slot, as fractions of the largest
//             such use over all (class, node) pairs; capacities in the same unit.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fleetopt/faas/instance.h"

namespace fleetopt::faas {

struct AzureFunction {
  std::string owner, app, function;  // hashes, as in the trace
  double invocations = 0;            // over the whole trace
  double duration_ms = 0;            // average duration
  double memory_mb = 0;              // average allocated memory of its app
};

struct AzureFunctionsTrace {
  std::vector<AzureFunction> functions;  // in all three files, invoked at least once
  int minutes = 0;                       // invocation columns in 1000_inv.csv
  std::size_t without_duration = 0;      // dropped: no line in 1000_run.csv
  std::size_t without_memory = 0;        // dropped: their app has no line in 1000_mem.csv, or 0 MB
  std::size_t never_invoked = 0;         // dropped: no invocation in the day
};

// Reads <directory>/<prefix>_{inv,run,mem}.csv with the trace module's
// reader (fleetopt/trace/azure_functions.h: InputError with file:line for a
// malformed line, the file name for a missing file or column) and keeps the
// functions that have durations, a positive app memory and an invocation.
AzureFunctionsTrace read_azure_functions(const std::string& directory);

struct AzureInstanceOptions {
  int classes = 5;
  int nodes = 10;
  std::uint64_t seed = 1;
  double arrival_load = 0.95;  // probability that a slot holds an arrival
  double headroom = 1.5;       // fleet capacity / average load
};

struct AzureInstance {
  Instance instance;
  nlohmann::json meta;  // the class profiles, the nodes and the units
};

AzureInstance build_azure_instance(const AzureFunctionsTrace& trace,
                                   const AzureInstanceOptions& options);

}  // namespace fleetopt::faas
