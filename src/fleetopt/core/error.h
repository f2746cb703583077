// The one error type for bad input: it carries where the problem is (file and
// line, or a field path) so every front end can print a useful message.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fleetopt {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}

  // "FILE:LINE: message"
  static InputError at(const std::string& file, std::size_t line, const std::string& message);
  // "FIELD: message", e.g. field "hosts[3].capacity.cpu"
  static InputError field(const std::string& field, const std::string& message);
};

// Thrown by a feature that lives in the libtorch build of the tool
// (fleetopt-torch): neural nets cost ~1 s and ~165 MB to load, so the plain
// `fleetopt` never loads them and re-runs such a command in fleetopt-torch.
class NeedsTorch : public std::runtime_error {
 public:
  explicit NeedsTorch(const std::string& feature) : std::runtime_error(feature) {}
};

// Strict number parsing for readers: the whole token must be a finite number.
// Returns false (no throw) so readers can attach file and line themselves.
bool parse_double(std::string_view token, double& out);
bool parse_int64(std::string_view token, long long& out);

}  // namespace fleetopt
