// The fuzz targets: one entry function per reader or grammar, each in
// fuzz/targets/NAME.cc. X(NAME) lists them for the libFuzzer binaries
// (fuzz_NAME) and for the corpus replay (fuzz/corpus/NAME/,
// fuzz/regressions/NAME/).
#pragma once

#include <string_view>

#define FLEETOPT_FUZZ_TARGETS(X) \
  X(canonical_csv)               \
  X(canonical_json)              \
  X(cluster_json)                \
  X(plan_input)                  \
  X(bandit_instance)             \
  X(fireplace_model)             \
  X(planetlab)                   \
  X(bitbrains)                   \
  X(azure2017)                   \
  X(alibaba2018)                 \
  X(alibaba2023)                 \
  X(azure_functions)             \
  X(worldcup98)                  \
  X(policy_spec)                 \
  X(workload_spec)               \
  X(load_trace)

namespace fleetopt::fuzz {

#define FLEETOPT_FUZZ_DECLARE(name) void name(std::string_view input);
FLEETOPT_FUZZ_TARGETS(FLEETOPT_FUZZ_DECLARE)
#undef FLEETOPT_FUZZ_DECLARE

}  // namespace fleetopt::fuzz
