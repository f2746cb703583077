#include "fleetopt/trace/planetlab.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {

SeriesTrace read_planetlab(const std::string& dir, ReadReport* report) {
  ReportSink sink(report);
  std::size_t hidden = 0;
  std::vector<std::string> files = text::list_files(dir, &hidden);
  if (hidden > 0) sink->count("hidden_files_skipped", static_cast<std::int64_t>(hidden));
  SeriesTrace trace;
  trace.name = "planetlab:" + dir;
  trace.step_seconds = 300;
  trace.dims = dim_bit(kCpu);
  trace.has_sizes = false;

  std::vector<float> series;
  std::vector<std::size_t> lengths;
  for (const std::string& name : files) {
    const std::string path = text::join_path(dir, name);
    const std::string data = text::read_file(path);
    series.clear();
    text::Lines lines(data);
    std::string_view line;
    std::size_t pending_blank = 0;  // blank lines not yet known to be inside the series
    std::size_t first_blank_line = 0;
    while (lines.next(line)) {
      std::string_view token = text::trim(line);
      if (token.empty()) {
        if (pending_blank == 0) first_blank_line = lines.line_no();
        ++pending_blank;
        continue;
      }
      long long percent = 0;
      if (!parse_int64(token, percent)) {
        throw InputError::at(path, lines.line_no(),
                             fmt::format("expected an integer CPU percentage, got '{}'", token));
      }
      if (percent < 0 || percent > 100) {
        throw InputError::at(path, lines.line_no(),
                             fmt::format("CPU percentage {} is outside [0, 100]", percent));
      }
      if (pending_blank > 0) {
        if (series.empty()) {
          throw InputError::at(path, first_blank_line, "blank line before the first sample");
        }
        sink->count("gap_steps_held", static_cast<std::int64_t>(pending_blank));
        sink->warn(path, first_blank_line,
                   fmt::format("{} blank line(s): previous value held", pending_blank));
        series.insert(series.end(), pending_blank, series.back());
        pending_blank = 0;
      }
      series.push_back(static_cast<float>(percent) / 100.0f);
    }
    if (series.empty()) {
      sink->count("empty_files_skipped");
      sink->warn(path, 1, "empty file skipped");
      continue;
    }
    trace.add_series(name, 0, Resources{}, series, static_cast<std::uint32_t>(series.size()));
    lengths.push_back(series.size());
  }
  if (trace.size() == 0) throw InputError(fmt::format("{}: no PlanetLab series found", dir));
  const std::size_t longest = *std::max_element(lengths.begin(), lengths.end());
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] < longest) {
      sink->count("short_series");
      sink->warn(text::join_path(dir, trace.ids[i]), lengths[i],
                 fmt::format("{} samples where the longest series has {}: kept shorter",
                             lengths[i], longest));
    }
  }
  return trace;
}

}  // namespace fleetopt
