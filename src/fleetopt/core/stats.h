// Small statistics helpers shared by metrics and reports.
#pragma once

#include <cstdint>
#include <vector>

namespace fleetopt {

// Nearest-rank percentile (p in [0, 100]) of values; sorts a copy. 0 if empty.
double percentile(std::vector<double> values, double p);
// In-place variant for large vectors (reorders values).
double percentile_inplace(std::vector<double>& values, double p);
double mean(const std::vector<double>& values);
double stddev(const std::vector<double>& values);
double median(std::vector<double> values);

}  // namespace fleetopt
