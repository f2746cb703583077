#include "fleetopt/service/metrics.h"

#include <fmt/format.h>

namespace fleetopt::service {

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metrics::observe_request(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  Histogram& h = latency_[route];
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  if (b < kBuckets.size()) ++h.buckets[b];
  ++h.count;
  h.sum += seconds;
}

void Metrics::count_decision(const std::string& policy, const std::string& outcome) {
  std::lock_guard lock(mu_);
  ++decisions_[{policy, outcome}];
}

void Metrics::count_error(const std::string& kind) {
  std::lock_guard lock(mu_);
  ++errors_[kind];
}

std::string Metrics::render(const Gauges& g) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP fleetopt_http_requests_total HTTP requests served, by route, method and status.\n";
  out += "# TYPE fleetopt_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("fleetopt_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       prometheus_label(route), prometheus_label(method), status, n);
  }
  out += "# HELP fleetopt_http_request_duration_seconds Time from request parsed to response ready, by route.\n";
  out += "# TYPE fleetopt_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = prometheus_label(route);
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += h.buckets[b];
      out += fmt::format("fleetopt_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r,
                         kBuckets[b], cumulative);
    }
    out += fmt::format("fleetopt_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r, h.count);
    out += fmt::format("fleetopt_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, h.sum);
    out += fmt::format("fleetopt_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.count);
  }
  out += "# HELP fleetopt_decisions_total Placement decisions, by policy and outcome.\n";
  out += "# TYPE fleetopt_decisions_total counter\n";
  for (const auto& [key, n] : decisions_) {
    out += fmt::format("fleetopt_decisions_total{{policy=\"{}\",outcome=\"{}\"}} {}\n", prometheus_label(key.first),
                       prometheus_label(key.second), n);
  }
  out += "# HELP fleetopt_errors_total Requests refused, by kind.\n";
  out += "# TYPE fleetopt_errors_total counter\n";
  for (const auto& [kind, n] : errors_) {
    out += fmt::format("fleetopt_errors_total{{kind=\"{}\"}} {}\n", prometheus_label(kind), n);
  }
  out += "# HELP fleetopt_hosts Hosts registered.\n# TYPE fleetopt_hosts gauge\n";
  out += fmt::format("fleetopt_hosts {}\n", g.hosts);
  out += "# HELP fleetopt_placements Placements holding a reservation.\n# TYPE fleetopt_placements gauge\n";
  out += fmt::format("fleetopt_placements {}\n", g.placements);
  out += "# HELP fleetopt_store_conflicts_total Decisions retried because another replica committed first.\n";
  out += "# TYPE fleetopt_store_conflicts_total counter\n";
  out += fmt::format("fleetopt_store_conflicts_total {}\n", g.conflicts);
  out += "# HELP fleetopt_info The store backend.\n# TYPE fleetopt_info gauge\n";
  out += fmt::format("fleetopt_info{{backend=\"{}\"}} 1\n", prometheus_label(g.backend));
  return out;
}

}  // namespace fleetopt::service
