// The exit codes of every fleetopt command (docs/reliability.md has the table).
// Each error class maps to one code, so scripts can tell bad input from an
// infeasible answer from a failed write.
#pragma once

#include <stdexcept>
#include <string>

namespace fleetopt {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,    // a bug: an internal check failed
  kExitBadInput = 2,    // a malformed file, option or value (InputError)
  kExitInfeasible = 3,  // valid input, but no feasible result (printed anyway)
  kExitOutput = 4,      // an output could not be written (OutputError); the old file survives
  kExitResources = 5,   // out of memory, or a search past its memory budget (ResourceError)
  kExitInterrupted = 130,
};

// An output file or directory could not be written.
class OutputError : public std::runtime_error {
 public:
  explicit OutputError(const std::string& message) : std::runtime_error(message) {}
};

// A computation would exceed a stated resource budget (memory, states).
class ResourceError : public std::runtime_error {
 public:
  explicit ResourceError(const std::string& message) : std::runtime_error(message) {}
};

// Short machine-readable name of a code, used in --json errors.
const char* exit_code_name(int code);

}  // namespace fleetopt
