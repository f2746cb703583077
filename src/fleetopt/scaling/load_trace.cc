#include "fleetopt/scaling/load_trace.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/trace/azure_functions.h"
#include "fleetopt/trace/text_file.h"
#include "fleetopt/trace/workload_spec.h"
#include "fleetopt/trace/worldcup98.h"

namespace fleetopt::scaling {
namespace {

constexpr double kMaxRate = 1e7;      // requests per second
constexpr double kMaxClients = 1e6;
constexpr std::size_t kMaxSteps = 1'000'000;

class Options {
 public:
  Options(const WorkloadSpec& spec, std::vector<std::string> known) : spec_(spec) {
    for (const auto& [key, value] : spec.options) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        throw InputError::field("workload", fmt::format("unknown option '{}' for {} (known: {})", key, spec.reader,
                                                        fmt::join(known, ", ")));
      }
    }
  }
  bool has(const std::string& key) const { return spec_.options.count(key) > 0; }
  double number(const std::string& key, double fallback, double lo, double hi) const {
    if (!has(key)) return fallback;
    double v = 0;
    const std::string& text = spec_.options.at(key);
    if (!parse_double(text, v) || v < lo || v > hi) {
      throw InputError::field("workload option " + key, fmt::format("expected a number in [{}, {}], got '{}'", lo, hi, text));
    }
    return v;
  }
  std::string text(const std::string& key, const std::string& fallback) const {
    return has(key) ? spec_.options.at(key) : fallback;
  }

 private:
  const WorkloadSpec& spec_;
};

void rescale_to_peak(LoadTrace& t, double peak) {
  if (t.values.empty()) throw InputError::field("workload", t.name + ": no steps, @peak cannot rescale it");
  double max = *std::max_element(t.values.begin(), t.values.end());
  if (max <= 0) throw InputError::field("workload", t.name + ": the trace is all zero, @peak cannot rescale it");
  for (double& v : t.values) v *= peak / max;
}

// rates:FILE  -- CSV "time_seconds,requests", requests counted per step.
LoadTrace read_rates(const std::string& path, const Options& o) {
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> f;
  if (!lines.next(line)) throw InputError::at(path, 1, "empty file");
  text::split(line, ',', f);
  if (f.size() != 2 || text::trim(f[0]) != "time_seconds" || text::trim(f[1]) != "requests") {
    throw InputError::at(path, 1, "expected the header 'time_seconds,requests'");
  }
  std::vector<double> times, counts;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    const std::size_t n = lines.line_no();
    text::split(line, ',', f);
    if (f.size() != 2) throw InputError::at(path, n, fmt::format("expected 2 fields, found {}", f.size()));
    double t = 0, r = 0;
    if (!parse_double(f[0], t)) throw InputError::at(path, n, "time_seconds: expected a finite number");
    if (!parse_double(f[1], r) || r < 0) throw InputError::at(path, n, "requests: expected a finite number >= 0");
    limits::check_time_at(t, path, n, "time_seconds");
    if (!times.empty() && t <= times.back()) throw InputError::at(path, n, "time_seconds must increase");
    if (times.size() >= 2) {
      const double step = times[1] - times[0];
      if (std::abs((t - times.back()) - step) > 1e-6 * std::max(1.0, step)) {
        throw InputError::at(path, n, fmt::format("steps must be equal: {} s here, {} s before", t - times.back(), step));
      }
    }
    if (times.size() >= kMaxSteps) throw InputError::at(path, n, fmt::format("more than {} steps", kMaxSteps));
    times.push_back(t);
    counts.push_back(r);
  }
  if (times.size() < 2) throw InputError::at(path, lines.line_no(), "needs at least two rows (the step is their distance)");
  LoadTrace trace;
  trace.name = "rates:" + path;
  trace.kind = LoadKind::kOpen;
  trace.step_seconds = times[1] - times[0];
  limits::check_range(trace.step_seconds, limits::kMinStepSeconds, limits::kMaxStepSeconds, path + ": step");
  for (double c : counts) trace.values.push_back(c / trace.step_seconds);
  if (o.has("peak")) rescale_to_peak(trace, o.number("peak", 0, 1e-9, kMaxRate));
  for (double v : trace.values) limits::check_range(v, 0, kMaxRate, path + ": request rate");
  return trace;
}

std::vector<double> worldcup_minutes(const std::string& path) {
  ReadReport report;
  return read_worldcup98_series(path, &report);
}

// The vScale paper's mapping: each day of the trace becomes `minutes`
// minutes, its total requests become concurrent clients (the busiest day -> N).
LoadTrace worldcup_days(const std::string& path, const Options& o) {
  const std::vector<double> per_minute = worldcup_minutes(path);
  const double clients = o.number("clients", 2000, 1, kMaxClients);
  const double minutes = o.number("minutes", 5, 1, 1440);
  std::vector<double> daily;
  for (std::size_t m = 0; m < per_minute.size(); m += 1440) {
    const std::size_t end = std::min(per_minute.size(), m + 1440);
    if (end - m < 1440 / 2) break;  // a partial last day would read as a quiet day
    daily.push_back(std::accumulate(per_minute.begin() + static_cast<std::ptrdiff_t>(m),
                                    per_minute.begin() + static_cast<std::ptrdiff_t>(end), 0.0) *
                    1440.0 / static_cast<double>(end - m));
  }
  if (daily.empty()) {
    throw InputError(fmt::format("{}: {} minutes, not half a day: no day to map", path, per_minute.size()));
  }
  const double max = *std::max_element(daily.begin(), daily.end());
  LoadTrace trace;
  trace.name = fmt::format("worldcup98-days:{} ({} days x {} min, peak {} clients)", path, daily.size(), minutes, clients);
  trace.kind = LoadKind::kClosed;
  trace.step_seconds = 60;
  for (double d : daily) {
    const double level = std::max(1.0, std::round(d / max * clients));
    for (int k = 0; k < static_cast<int>(minutes); ++k) trace.values.push_back(level);
  }
  return trace;
}

// Native per-minute request rate of days A..B (1-based), open loop.
LoadTrace worldcup_native(const std::string& path, const Options& o) {
  const std::vector<double> per_minute = worldcup_minutes(path);
  const std::string days = o.text("days", "");
  std::size_t first = 0, last = per_minute.size() / 1440;
  if (!days.empty()) {
    long long a = 0, b = 0;
    const auto dash = days.find('-');
    const bool ok = dash == std::string::npos ? parse_int64(days, a) && (b = a, true)
                                              : parse_int64(days.substr(0, dash), a) && parse_int64(days.substr(dash + 1), b);
    if (!ok || a < 1 || b < a || static_cast<std::size_t>(b) > per_minute.size() / 1440) {
      throw InputError::field("workload option days", fmt::format("expected A-B within 1-{}, got '{}'",
                                                                  per_minute.size() / 1440, days));
    }
    first = static_cast<std::size_t>(a - 1);
    last = static_cast<std::size_t>(b);
  }
  LoadTrace trace;
  trace.name = fmt::format("worldcup98:{} days {}-{}", path, first + 1, last);
  trace.kind = LoadKind::kOpen;
  trace.step_seconds = 60;
  for (std::size_t m = first * 1440; m < std::min(per_minute.size(), last * 1440); ++m) {
    trace.values.push_back(per_minute[m] / 60.0);
  }
  if (trace.values.empty()) {
    throw InputError(fmt::format("{}: {} minutes, not one whole day", path, per_minute.size()));
  }
  if (o.has("peak")) rescale_to_peak(trace, o.number("peak", 0, 1e-9, kMaxRate));
  return trace;
}

// Per-minute invocations of one application (the busiest by default) of the
// Azure Functions 2019 trace, open loop.
LoadTrace azure_app(const std::string& dir, const Options& o) {
  ReadReport report;
  AzureFunctionsTrace t = read_azure_functions(dir, &report);
  std::map<std::string, std::vector<double>> per_app;
  for (const AzureFunction& f : t.functions) {
    auto& series = per_app[f.app];
    series.resize(t.minutes, 0.0);
    for (std::size_t m = 0; m < f.invocations.size() && m < t.minutes; ++m) series[m] += f.invocations[m];
  }
  if (per_app.empty()) throw InputError::field("workload", dir + ": no functions");
  std::string app = o.text("app", "busiest");
  if (app == "busiest") {
    double best = -1;
    for (const auto& [name, series] : per_app) {
      double total = std::accumulate(series.begin(), series.end(), 0.0);
      if (total > best) {
        best = total;
        app = name;
      }
    }
  } else if (!per_app.count(app)) {
    throw InputError::field("workload option app", fmt::format("no application '{}' in {}", app, dir));
  }
  LoadTrace trace;
  trace.name = fmt::format("azurefunctions-app:{} app {}", dir, app.substr(0, 12));
  trace.kind = LoadKind::kOpen;
  trace.step_seconds = 60;
  for (double v : per_app[app]) trace.values.push_back(v / 60.0);
  if (o.has("peak")) rescale_to_peak(trace, o.number("peak", 0, 1e-9, kMaxRate));
  return trace;
}

}  // namespace

double LoadTrace::at(double t) const {
  if (values.empty()) return 0;
  auto k = static_cast<std::ptrdiff_t>(std::floor(t / step_seconds));
  k = std::clamp<std::ptrdiff_t>(k, 0, static_cast<std::ptrdiff_t>(values.size()) - 1);
  return values[static_cast<std::size_t>(k)];
}

LoadTrace load_trace(const std::string& spec_text, const LoadTraceOptions& options) {
  const WorkloadSpec spec = WorkloadSpec::parse(spec_text);
  const std::string data = data_dir(options.data_dir);
  auto path_or = [&](const std::string& fallback) {
    return resolve_trace_path(spec.path.empty() ? fallback : spec.path, data);
  };
  LoadTrace trace;
  if (spec.reader == "rates") {
    if (spec.path.empty()) throw InputError::field("workload", "rates:FILE needs a file");
    trace = read_rates(resolve_trace_path(spec.path, data), Options(spec, {"peak"}));
  } else if (spec.reader == "worldcup98-days") {
    trace = worldcup_days(path_or("worldcup98/wc98_per_minute.csv"), Options(spec, {"clients", "minutes"}));
  } else if (spec.reader == "worldcup98") {
    trace = worldcup_native(path_or("worldcup98/wc98_per_minute.csv"), Options(spec, {"days", "peak"}));
  } else if (spec.reader == "azurefunctions-app") {
    trace = azure_app(path_or("azure-functions-2019"), Options(spec, {"app", "peak"}));
  } else if (spec.reader == "shift" || spec.reader == "constant") {
    if (!spec.path.empty()) throw InputError::field("workload", spec.reader + " takes no PATH");
    const bool shift = spec.reader == "shift";
    Options o(spec, shift ? std::vector<std::string>{"minutes", "clients"}
                          : std::vector<std::string>{"minutes", "clients", "rate"});
    const double minutes = o.number("minutes", shift ? 120 : 60, 1, 1e6);
    trace.step_seconds = 60;
    if (!shift && o.has("rate")) {
      if (o.has("clients")) throw InputError::field("workload", "constant: give @rate or @clients, not both");
      trace.kind = LoadKind::kOpen;
      trace.values.assign(static_cast<std::size_t>(minutes), o.number("rate", 0, 0, kMaxRate));
    } else {
      trace.kind = LoadKind::kClosed;
      trace.values.assign(static_cast<std::size_t>(minutes), std::round(o.number("clients", 1000, 1, kMaxClients)));
    }
    if (shift) {
      // Half way, the request mix turns from application-heavy to
      // database-heavy (the default app's "report" class leans on the DB).
      trace.mix_change_step = trace.values.size() / 2;
      trace.mix_after = {0.2, 0.8};
    }
    trace.name = spec_text;
  } else {
    throw InputError::field("workload", fmt::format("unknown load reader '{}' (known: rates, worldcup98-days, "
                                                    "worldcup98, azurefunctions-app, shift, constant)",
                                                    spec.reader));
  }
  if (trace.values.empty()) throw InputError::field("workload", spec_text + ": no steps");
  return trace;
}

}  // namespace fleetopt::scaling
