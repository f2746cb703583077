// The service's Prometheus metrics, rendered in the text exposition format
// (version 0.0.4): counters, gauges and one latency histogram per route.
// Written here rather than with prometheus-cpp, which Debian does not ship.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace fleetopt::service {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    1.0};

  void observe_request(const std::string& route, const std::string& method, int status, double seconds);
  void count_decision(const std::string& policy, const std::string& outcome);
  void count_error(const std::string& kind);

  struct Gauges {
    std::int64_t hosts = 0, placements = 0, conflicts = 0;
    std::string backend;
  };
  // The whole exposition; gauges are read at scrape time.
  std::string render(const Gauges& gauges) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // route, method, status
  std::map<std::string, Histogram> latency_;                                     // by route
  std::map<std::pair<std::string, std::string>, std::uint64_t> decisions_;       // policy, outcome
  std::map<std::string, std::uint64_t> errors_;
};

// Escapes a label value for the exposition format (\\, \", \n).
std::string prometheus_label(const std::string& value);

}  // namespace fleetopt::service
