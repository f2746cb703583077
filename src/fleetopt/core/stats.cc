#include "fleetopt/core/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fleetopt {

double percentile_inplace(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  std::size_t k = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  if (k >= values.size()) k = values.size() - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

double percentile(std::vector<double> values, double p) { return percentile_inplace(values, p); }

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double stddev(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  double m = mean(values);
  double s = 0;
  for (double x : values) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(values.size()));
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace fleetopt
