// Predicted peak of a host's summed usage from its recent history, the
// industry practice for overcommitted placement (Google, "Take it to the
// limit: peak prediction-driven resource overcommitment", EuroSys 2021;
// Resource Central-style percentile predictors): N-sigma, a high percentile
// of the window, and the max of several predictors. Series are fractions of
// the host's capacity, oldest first.
#pragma once

#include <vector>

namespace fleetopt {

// mean + n x standard deviation (population) of the series; 0 when empty.
double peak_nsigma(const std::vector<float>& series, double n);
// The q-quantile (q in [0, 1], nearest rank: the smallest value with at
// least q of the series at or below it); 0 when empty.
double peak_percentile(const std::vector<float>& series, double q);
// max(N-sigma, percentile, the latest value): each predictor covers the
// others' blind spots (a flat series with one burst; a noisy one).
double peak_max(const std::vector<float>& series, double n, double q);

}  // namespace fleetopt
