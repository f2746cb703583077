// KL-UCB confidence bounds for Bernoulli means (Garivier & Cappé 2011), the
// optimism the constrained bandit builds its linear program on.
#pragma once

namespace fleetopt::faas {

// kl(p, q) = p ln(p/q) + (1-p) ln((1-p)/(1-q)), with 0 ln 0 = 0; +inf when q
// sits on 0 or 1 and p does not.
double bernoulli_kl(double p, double q);

// With `mean` estimated from `samples` draws and exploration level
// log_t / samples (log_t = ln t at slot t):
//   upper = max{q in [mean, 1] : samples * kl(mean, q) <= log_t}
//   lower = min{q in [0, mean] : samples * kl(mean, q) <= log_t}
// No samples gives the trivial bound (1, resp. 0); log_t <= 0 gives the mean.
// Accurate to about 1e-12; the returned upper bound never falls below the
// exact one by more than that (Newton approaches the root from outside).
double kl_upper_bound(double mean, double samples, double log_t);
double kl_lower_bound(double mean, double samples, double log_t);

}  // namespace fleetopt::faas
