#include "fleetopt/trace/bitbrains.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

constexpr double kStep = 300;
constexpr std::size_t kColumns = 11;
constexpr std::int64_t kMaxSteps = std::int64_t{1} << 22;  // ~40 years of 5-min steps
constexpr double kKbPerGb = 1024.0 * 1024.0;

struct Row {
  double time;
  std::size_t line;
  double cores;
  double cpu_percent;
  double mem_provisioned_kb;
  double mem_used_kb;
};

struct VmSeries {
  std::string id;
  double first_time = 0;
  Resources size;
  std::vector<float> interleaved;  // cpu, mem per step
  std::uint32_t length = 0;
};

double field(std::string_view token, const std::string& path, std::size_t line, const char* what) {
  double value = 0;
  if (!parse_double(token, value)) {
    throw InputError::at(path, line, fmt::format("{}: expected a finite number, got '{}'", what,
                                                 text::trim(token)));
  }
  if (value < 0) {
    throw InputError::at(path, line, fmt::format("{}: negative value {}", what, value));
  }
  return value;
}

bool read_rows(const std::string& path, std::vector<Row>& rows, ReadReport& report) {
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> fields;
  rows.clear();
  bool header_seen = false;
  std::int64_t offline = 0, blank = 0;
  while (lines.next(line)) {
    if (text::is_blank(line)) {
      ++blank;
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      if (line.find("Timestamp") != std::string_view::npos) continue;
      report.count("missing_header");
      report.warn(path, lines.line_no(), "no header line; reading the first line as data");
    }
    text::split(line, ';', fields);
    if (fields.size() != kColumns) {
      throw InputError::at(path, lines.line_no(),
                           fmt::format("expected {} ';'-separated fields, found {}", kColumns,
                                       fields.size()));
    }
    Row r;
    r.time = field(fields[0], path, lines.line_no(), "Timestamp");
    r.line = lines.line_no();
    r.cores = field(fields[1], path, lines.line_no(), "CPU cores");
    r.cpu_percent = field(fields[4], path, lines.line_no(), "CPU usage [%]");
    r.mem_provisioned_kb = field(fields[5], path, lines.line_no(), "Memory capacity provisioned");
    r.mem_used_kb = field(fields[6], path, lines.line_no(), "Memory usage");
    if (r.cores == 0 || r.mem_provisioned_kb == 0) {
      ++offline;
      continue;
    }
    rows.push_back(r);
  }
  report.count("offline_rows_skipped", offline);
  if (blank > 0) report.count("blank_lines_skipped", blank);
  return header_seen;
}

bool series_from_rows(const std::string& path, std::vector<Row>& rows, VmSeries& vm,
                      ReadReport& report) {
  if (rows.empty()) return false;
  // The column says [ms] but the values are epoch seconds; convert only if a
  // file really is in milliseconds.
  if (rows.front().time > 1e11) {
    for (Row& r : rows) r.time /= 1000.0;
    report.count("timestamps_in_ms");
    report.warn(path, 2, "timestamps look like milliseconds: converted to seconds");
  }
  // Before any step arithmetic: a stamp of 1e28 s would overflow the step count.
  for (const Row& r : rows) limits::check_time_at(r.time, path, r.line, "Timestamp (seconds)");
  double first = std::numeric_limits<double>::infinity(), last = -first;
  std::int64_t out_of_order = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    first = std::min(first, rows[i].time);
    last = std::max(last, rows[i].time);
    if (i > 0 && rows[i].time < rows[i - 1].time) ++out_of_order;
  }
  if (out_of_order > 0) report.count("rows_out_of_time_order", out_of_order);
  const std::int64_t steps = static_cast<std::int64_t>(std::floor((last - first) / kStep + 0.5)) + 1;
  if (steps > kMaxSteps) {
    throw InputError(fmt::format("{}: timestamps span {} s, more than {} steps of {} s", path,
                                 last - first, kMaxSteps, kStep));
  }
  double max_cores = 0, max_mem = 0;
  for (const Row& r : rows) {
    max_cores = std::max(max_cores, r.cores);
    max_mem = std::max(max_mem, r.mem_provisioned_kb);
  }
  std::vector<double> cpu_sum(static_cast<std::size_t>(steps), 0.0);
  std::vector<double> mem_sum(static_cast<std::size_t>(steps), 0.0);
  std::vector<std::uint32_t> hits(static_cast<std::size_t>(steps), 0);
  for (const Row& r : rows) {
    auto k = static_cast<std::size_t>(std::floor((r.time - first) / kStep + 0.5));
    cpu_sum[k] += r.cpu_percent / 100.0 * r.cores;
    mem_sum[k] += r.mem_used_kb;
    ++hits[k];
  }
  vm.first_time = first;
  vm.size = make_resources(max_cores, max_mem / kKbPerGb);
  vm.length = static_cast<std::uint32_t>(steps);
  vm.interleaved.assign(static_cast<std::size_t>(steps) * 2, 0.0f);
  std::int64_t merged = 0, held = 0, cpu_clamped = 0, mem_clamped = 0;
  float cpu = 0, mem = 0;
  for (std::size_t k = 0; k < static_cast<std::size_t>(steps); ++k) {
    if (hits[k] == 0) {
      ++held;
    } else {
      merged += hits[k] - 1;
      double c = cpu_sum[k] / hits[k] / max_cores;
      double m = mem_sum[k] / hits[k] / max_mem;
      if (c > 1) {
        ++cpu_clamped;
        c = 1;
      }
      if (m > 1) {
        ++mem_clamped;
        m = 1;
      }
      cpu = static_cast<float>(c);
      mem = static_cast<float>(m);
    }
    vm.interleaved[2 * k] = cpu;
    vm.interleaved[2 * k + 1] = mem;
  }
  report.count("samples_merged", merged);
  report.count("gap_steps_held", held);
  report.count("cpu_above_request_clamped", cpu_clamped);
  report.count("mem_above_request_clamped", mem_clamped);
  return true;
}

// "12.csv" before "100.csv"; names without a number after all numbered ones.
bool numeric_name_less(const std::string& a, const std::string& b) {
  auto number = [](const std::string& s) {
    long long n = 0;
    std::string_view stem(s);
    stem = stem.substr(0, stem.find('.'));
    return parse_int64(stem, n) ? n : std::numeric_limits<long long>::max();
  };
  long long na = number(a), nb = number(b);
  if (na != nb) return na < nb;
  return a < b;
}

}  // namespace

SeriesTrace read_bitbrains(const std::string& dir, ReadReport* report) {
  return read_bitbrains(dir, BitbrainsIds{}, report);
}

SeriesTrace read_bitbrains(const std::string& dir, const BitbrainsIds& ids, ReadReport* report) {
  ReportSink sink(report);
  std::size_t hidden = 0;
  std::vector<std::string> files;
  for (std::string& name : text::list_files(dir, &hidden)) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0) {
      files.push_back(std::move(name));
    } else {
      sink->count("non_csv_files_skipped");
    }
  }
  std::sort(files.begin(), files.end(), numeric_name_less);
  if (!ids.all()) {
    std::vector<std::string> kept;
    for (std::string& name : files) {
      long long n = 0;
      if (!parse_int64(std::string_view(name).substr(0, name.size() - 4), n)) {
        sink->count("unnumbered_files_skipped");
        sink->warn(text::join_path(dir, name), 1, "not named N.csv: no VM number to select by @ids; skipped");
      } else if (n < ids.first || n > ids.last) {
        sink->count("files_outside_ids");
      } else {
        kept.push_back(std::move(name));
      }
    }
    if (kept.empty()) {
      throw InputError(fmt::format("{}: no Bitbrains file N.csv with {} <= N <= {}", dir, ids.first, ids.last));
    }
    files = std::move(kept);
  }

  std::vector<VmSeries> vms;
  std::vector<Row> rows;
  for (const std::string& name : files) {
    const std::string path = text::join_path(dir, name);
    bool had_header = read_rows(path, rows, *sink);
    VmSeries vm;
    vm.id = name.substr(0, name.size() - 4);
    if (!series_from_rows(path, rows, vm, *sink)) {
      sink->count("files_without_usable_rows");
      sink->warn(path, 1, had_header ? "no row with a provisioned VM: file skipped"
                                     : "empty file skipped");
      continue;
    }
    vms.push_back(std::move(vm));
  }
  if (vms.empty()) throw InputError(fmt::format("{}: no Bitbrains series found", dir));

  double origin = vms.front().first_time;
  for (const VmSeries& vm : vms) origin = std::min(origin, vm.first_time);
  SeriesTrace trace;
  trace.name = "bitbrains:" + dir;
  if (!ids.all()) trace.name += fmt::format("@ids={}-{}", ids.first, ids.last);
  trace.step_seconds = kStep;
  trace.dims = kCpuMem;
  trace.has_sizes = true;
  for (VmSeries& vm : vms) {
    auto first = static_cast<std::int64_t>(std::floor((vm.first_time - origin) / kStep + 0.5));
    trace.add_series(std::move(vm.id), first, vm.size, vm.interleaved, vm.length);
  }
  sink->note(fmt::format("{}: time 0 = epoch second {:.0f}", trace.name, origin));
  return trace;
}

}  // namespace fleetopt
