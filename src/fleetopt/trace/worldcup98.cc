#include "fleetopt/trace/worldcup98.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/trace/defaults.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
long long days_from_civil(long long y, long long m, long long d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, long long& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

bool parse_datetime(std::string_view s, double& seconds) {
  s = text::trim(s);
  long long y, mo, d, h, mi, se;
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, se)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  seconds = static_cast<double>(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se);
  return true;
}

LoadSeries read_worldcup98(const std::string& path, ReadReport* report) {
  ReportSink sink(report);
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> f;
  LoadSeries series;
  series.name = "worldcup98:" + path;
  series.step_seconds = 60;
  std::vector<bool> seen;
  std::int64_t merged = 0, empty = 0;
  bool first_row = true;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    const std::size_t n = lines.line_no();
    text::split(line, ',', f);
    if (n == 1 && text::trim(f[0]) == "period") continue;
    if (f.size() != 2) {
      throw InputError::at(path, n, fmt::format("expected 2 comma-separated fields, found {}",
                                                f.size()));
    }
    double t = 0;
    long long epoch = 0;
    if (parse_int64(f[0], epoch)) {
      t = static_cast<double>(epoch);
    } else if (!parse_datetime(f[0], t)) {
      throw InputError::at(path, n, fmt::format("period: expected 'YYYY-MM-DD HH:MM:SS' or epoch "
                                                "seconds, got '{}'", text::trim(f[0])));
    }
    limits::check_time_at(t, path, n, "period");
    if (first_row) {
      series.start = std::floor(t / 60) * 60;
      first_row = false;
    }
    if (t < series.start) {
      throw InputError::at(path, n, "time goes backwards (before the first row)");
    }
    const auto minute = static_cast<std::size_t>((t - series.start) / 60);
    if (minute + 1 < series.values.size()) {
      throw InputError::at(path, n, "time goes backwards");
    }
    if (static_cast<double>(minute) * 60 > limits::kMaxHorizonSeconds) {
      throw InputError::at(path, n, fmt::format("{:.0f} days after the first row; a trace spans at most {:.0f}",
                                                static_cast<double>(minute) / 1440, limits::kMaxHorizonSeconds / 86400));
    }
    double count = 0;
    bool is_empty = text::is_blank(f[1]);
    if (is_empty) {
      ++empty;
    } else if (!parse_double(f[1], count) || count < 0) {
      throw InputError::at(path, n, fmt::format("count: expected a non-negative number, got '{}'",
                                                text::trim(f[1])));
    }
    if (minute < series.values.size()) {  // same minute as the previous row
      if (!is_empty) {
        if (seen[minute]) ++merged;
        series.values[minute] += count;
        seen[minute] = true;
      }
      continue;
    }
    series.values.resize(minute + 1, 0.0);
    seen.resize(minute + 1, false);
    series.values[minute] = count;
    seen[minute] = !is_empty;
  }
  if (series.values.empty()) throw InputError::at(path, std::max<std::size_t>(1, lines.line_no()), "no rows");
  std::int64_t held = 0;
  std::size_t first_seen = 0;
  while (first_seen < seen.size() && !seen[first_seen]) ++first_seen;
  if (first_seen == seen.size()) throw InputError::at(path, 2, "no counts");
  for (std::size_t m = 0; m < series.values.size(); ++m) {
    if (seen[m]) continue;
    ++held;
    series.values[m] = m > first_seen ? series.values[m - 1] : series.values[first_seen];
  }
  if (merged > 0) sink->count("rows_in_same_minute_summed", merged);
  if (empty > 0) sink->count("empty_counts", empty);
  sink->count("gap_minutes_held", held);
  return series;
}

std::vector<double> read_worldcup98_series(const std::string& path, ReadReport* report) {
  return read_worldcup98(path, report).values;
}

Workload load_series_workload(const LoadSeries& series, double cpu, double mem) {
  if (!(cpu > 0) || !(mem >= 0) || !std::isfinite(cpu) || !std::isfinite(mem)) {
    throw InputError::field("cpu/mem", "the service needs a positive cpu and non-negative mem");
  }
  if (series.values.empty()) throw InputError(series.name + ": empty series");
  Workload w;
  w.name = series.name;
  w.step_seconds = series.step_seconds;
  w.start = 0;
  w.end = static_cast<double>(series.values.size()) * series.step_seconds;
  w.dims = kCpuMem;
  double peak = *std::max_element(series.values.begin(), series.values.end());
  std::vector<float> shape(series.values.size());
  for (std::size_t i = 0; i < shape.size(); ++i) {
    shape[i] = peak > 0 ? static_cast<float>(series.values[i] / peak) : 0.0f;
  }
  Instance inst;
  inst.arrival = 0;
  inst.departure = w.end;
  inst.request = make_resources(cpu, mem);
  inst.shape = w.add_shape(dim_bit(kCpu), {shape});
  w.instances.push_back(inst);
  w.ids.push_back("service");
  w.tags.push_back("");
  w.default_host = grow_host_to_fit(make_resources(32, 128), w.dims, {inst.request});
  return w;
}

}  // namespace fleetopt
