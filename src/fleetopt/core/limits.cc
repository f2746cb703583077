#include "fleetopt/core/limits.h"

#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::limits {

void check_range(double value, double lo, double hi, const std::string& what) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    throw InputError::field(what, fmt::format("must lie in [{}, {}], got {}", lo, hi, value));
  }
}

void check_count(std::int64_t value, std::int64_t lo, std::int64_t hi, const std::string& what) {
  if (value < lo || value > hi) {
    throw InputError::field(what, fmt::format("must lie in [{}, {}], got {}", lo, hi, value));
  }
}

void check_range_at(double value, double lo, double hi, const std::string& file, std::size_t line,
                    const std::string& what) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    throw InputError::at(file, line, fmt::format("{}: must lie in [{:g}, {:g}], got {:g}", what, lo, hi, value));
  }
}

}  // namespace fleetopt::limits
