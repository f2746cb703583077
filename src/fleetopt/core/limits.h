// Plausibility limits, named in one place. Every reader and option checks its
// values against these where it reads them, and the error names the file and
// line or the option. They are far beyond any real trace or fleet (the
// largest public trace spans 92 days; the largest cell in the Borg papers is
// ~12,000 machines), so they only stop inputs that would otherwise hang,
// exhaust memory or silently produce nonsense. docs/reliability.md lists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fleetopt::limits {

// Time.
inline constexpr double kMinStepSeconds = 1;
inline constexpr double kMaxStepSeconds = 86'400;              // one day
inline constexpr double kMaxAbsTimeSeconds = 1e10;             // ~317 years from the epoch
inline constexpr double kMaxHorizonSeconds = 2 * 366 * 86'400.0;  // a workload spans at most ~2 years
inline constexpr std::int64_t kMaxSteps = 2'000'000;           // simulated steps of one workload

// Sizes.
inline constexpr double kMaxResourceAmount = 1e9;       // one resource of one VM or host (cores, GB, ...)
inline constexpr std::int64_t kMaxInstances = 10'000'000;
// A usage sample at most this many times its request: bursting beyond a
// request is real, a thousandfold is a unit error (and keeps the stored
// float fraction finite).
inline constexpr double kMaxUsageOverRequest = 1'000;
inline constexpr std::int64_t kMaxHosts = 1'000'000;    // hosts of one simulated fleet
inline constexpr std::int64_t kMaxCandidates = 1'000'000;  // candidate hosts per decision (also capped at the fleet)

// Searches.
inline constexpr std::int64_t kMaxSearchStates = 100'000'000;
inline constexpr double kDefaultMemoryBudgetBytes = 2.0 * (1ull << 30);  // a search stops past this estimate
inline constexpr double kMaxCost = 1e6;  // a cost coefficient (bandit reject cost); Bernoulli costs are <= 1

// Throws InputError("WHAT: must lie in [LO, HI], got V") unless lo <= value <= hi
// and value is finite.
void check_range(double value, double lo, double hi, const std::string& what);
void check_count(std::int64_t value, std::int64_t lo, std::int64_t hi, const std::string& what);
// The same for a value read at FILE:LINE: "FILE:LINE: WHAT: ...".
void check_range_at(double value, double lo, double hi, const std::string& file, std::size_t line,
                    const std::string& what);
// A timestamp (seconds) and a resource amount read at FILE:LINE.
inline void check_time_at(double t, const std::string& file, std::size_t line, const std::string& what) {
  check_range_at(t, -kMaxAbsTimeSeconds, kMaxAbsTimeSeconds, file, line, what);
}
inline void check_amount_at(double x, const std::string& file, std::size_t line, const std::string& what) {
  check_range_at(x, 0, kMaxResourceAmount, file, line, what);
}

}  // namespace fleetopt::limits
