#include "fleetopt/placement/peak_prediction.h"

#include <algorithm>
#include <cmath>

namespace fleetopt {

double peak_nsigma(const std::vector<float>& series, double n) {
  if (series.empty()) return 0;
  double sum = 0, sq = 0;
  for (float x : series) {
    sum += x;
    sq += static_cast<double>(x) * x;
  }
  const double count = static_cast<double>(series.size());
  const double mean = sum / count;
  const double var = std::max(0.0, sq / count - mean * mean);
  return mean + n * std::sqrt(var);
}

double peak_percentile(const std::vector<float>& series, double q) {
  if (series.empty()) return 0;
  std::vector<float> v = series;
  const auto rank = static_cast<std::size_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size())));
  const std::size_t k = rank == 0 ? 0 : rank - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

double peak_max(const std::vector<float>& series, double n, double q) {
  if (series.empty()) return 0;
  return std::max({peak_nsigma(series, n), peak_percentile(series, q), static_cast<double>(series.back())});
}

}  // namespace fleetopt
