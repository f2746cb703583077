#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace fleetopt {

InputError InputError::at(const std::string& file, std::size_t line, const std::string& message) {
  return InputError(fmt::format("{}:{}: {}", file, line, message));
}

InputError InputError::field(const std::string& field, const std::string& message) {
  return InputError(fmt::format("{}: {}", field, message));
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_double(std::string_view token, double& out) {
  token = trim(token);
  if (token.empty()) return false;
  if (token.front() == '+') token.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size() || !std::isfinite(value)) {
    return false;
  }
  out = value;
  return true;
}

bool parse_int64(std::string_view token, long long& out) {
  token = trim(token);
  if (token.empty()) return false;
  if (token.front() == '+') token.remove_prefix(1);
  long long value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) return false;
  out = value;
  return true;
}

const char* exit_code_name(int code) {
  switch (code) {
    case kExitOk: return "ok";
    case kExitInternal: return "internal_error";
    case kExitBadInput: return "bad_input";
    case kExitInfeasible: return "infeasible";
    case kExitOutput: return "output_error";
    case kExitResources: return "resources_exhausted";
    case kExitInterrupted: return "interrupted";
    default: return "error";
  }
}

}  // namespace fleetopt
