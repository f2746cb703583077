// The libFuzzer entry point of one target: fuzz_NAME is built from this file
// with FLEETOPT_FUZZ_ENTRY=NAME (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/targets.h"

#ifndef FLEETOPT_FUZZ_ENTRY
#error "define FLEETOPT_FUZZ_ENTRY to the target's name"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fleetopt::fuzz::FLEETOPT_FUZZ_ENTRY(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
