#include "fleetopt/trace/azure_functions.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/trace/defaults.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

using Key = std::string;  // owner \t app [\t function]

std::string find_prefix(const std::string& dir) {
  std::vector<std::string> found;
  for (const std::string& name : text::list_files(dir)) {
    const std::string suffix = "_inv.csv";
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      found.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  if (found.size() != 1) {
    throw InputError(fmt::format("{}: expected exactly one *_inv.csv file, found {}", dir,
                                 found.size()));
  }
  return found.front();
}

std::size_t require_column(const std::vector<std::string_view>& header, std::string_view name,
                           const std::string& path) {
  std::size_t i = text::find_column(header, name);
  if (i == std::string_view::npos) {
    throw InputError::at(path, 1, fmt::format("missing column '{}' in the header", name));
  }
  return i;
}

double stat(std::string_view token, const std::string& path, std::size_t line,
            std::string_view what) {
  double v = 0;
  if (!parse_double(token, v)) {
    throw InputError::at(path, line, fmt::format("{}: expected a finite number, got '{}'", what,
                                                 text::trim(token)));
  }
  if (v < 0) throw InputError::at(path, line, fmt::format("{}: negative value {}", what, v));
  // Durations (ms), memory (MB) and daily counts alike: beyond 1e9 is a unit
  // or parse error, and left unchecked it overflows the derived costs.
  limits::check_amount_at(v, path, line, std::string(what));
  return v;
}

// Calls row(fields, line) for every data line after checking the count.
template <typename F>
void for_rows(const std::string& path, const std::string& data, std::size_t columns, F row) {
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> f;
  lines.next(line);  // header
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    text::split(line, ',', f);
    if (f.size() != columns) {
      throw InputError::at(path, lines.line_no(), fmt::format("expected {} comma-separated fields, "
                                                              "found {}", columns, f.size()));
    }
    row(f, lines.line_no());
  }
}

std::vector<std::string_view> header_of(const std::string& path, const std::string& data) {
  text::Lines lines(data);
  std::string_view line;
  if (!lines.next(line) || text::is_blank(line)) throw InputError::at(path, 1, "empty file");
  std::vector<std::string_view> header;
  text::split(line, ',', header);
  return header;
}

}  // namespace

AzureFunctionsTrace read_azure_functions(const std::string& dir, ReadReport* report) {
  ReportSink sink(report);
  const std::string prefix = text::join_path(dir, find_prefix(dir));
  AzureFunctionsTrace trace;
  std::map<Key, std::size_t> by_function;
  std::map<Key, std::vector<std::size_t>> by_app;

  const std::string inv_path = prefix + "_inv.csv";
  {
    const std::string data = text::read_file(inv_path);
    auto header = header_of(inv_path, data);
    const std::size_t fcol = require_column(header, "HashFunction", inv_path);
    const std::size_t acol = require_column(header, "HashApp", inv_path);
    const std::size_t ocol = require_column(header, "HashOwner", inv_path);
    std::vector<std::size_t> minute_cols;
    for (std::size_t i = 0; i < header.size(); ++i) {
      std::string_view h = text::trim(header[i]);
      if (h.rfind("minute_", 0) == 0) h.remove_prefix(7);
      long long m = 0;
      if (parse_int64(h, m) && m >= 1) minute_cols.push_back(i);
    }
    if (minute_cols.empty()) throw InputError::at(inv_path, 1, "no minute columns");
    trace.minutes = minute_cols.size();
    std::int64_t empty = 0;
    for_rows(inv_path, data, header.size(), [&](const auto& f, std::size_t n) {
      AzureFunction fn;
      fn.function = std::string(text::trim(f[fcol]));
      fn.app = std::string(text::trim(f[acol]));
      fn.owner = std::string(text::trim(f[ocol]));
      Key key = fn.owner + '\t' + fn.app + '\t' + fn.function;
      if (!by_function.emplace(key, trace.functions.size()).second) {
        throw InputError::at(inv_path, n, fmt::format("function {} listed twice", fn.function));
      }
      by_app[fn.owner + '\t' + fn.app].push_back(trace.functions.size());
      fn.invocations.reserve(minute_cols.size());
      for (std::size_t c : minute_cols) {
        long long v = 0;
        if (text::is_blank(f[c])) {
          ++empty;
        } else if (!parse_int64(f[c], v) || v < 0 || v > 0xFFFFFFFFLL) {
          throw InputError::at(inv_path, n, fmt::format("{}: expected a non-negative integer "
                                                        "count, got '{}'", text::trim(header[c]),
                                                        text::trim(f[c])));
        }
        fn.invocations.push_back(static_cast<std::uint32_t>(v));
      }
      trace.functions.push_back(std::move(fn));
    });
    if (empty > 0) sink->count("empty_invocation_fields", empty);
  }
  if (trace.functions.empty()) throw InputError::at(inv_path, 2, "no functions");
  for (const auto& [app, members] : by_app) {
    for (std::size_t i : members) {
      trace.functions[i].functions_in_app = static_cast<std::uint32_t>(members.size());
    }
  }

  std::int64_t unmatched = 0;
  const std::string run_path = prefix + "_run.csv";
  if (text::exists(run_path)) {
    const std::string data = text::read_file(run_path);
    auto header = header_of(run_path, data);
    const std::size_t fcol = require_column(header, "HashFunction", run_path);
    const std::size_t acol = require_column(header, "HashApp", run_path);
    const std::size_t ocol = require_column(header, "HashOwner", run_path);
    const std::array<const char*, 4> names = {"Count", "Average", "Minimum", "Maximum"};
    const std::array<const char*, 7> pct = {"0", "1", "25", "50", "75", "99", "100"};
    std::array<std::size_t, 4> cols{};
    std::array<std::size_t, 7> pcols{};
    for (std::size_t i = 0; i < 4; ++i) cols[i] = require_column(header, names[i], run_path);
    for (std::size_t i = 0; i < 7; ++i) {
      pcols[i] = require_column(header, std::string("percentile_Average_") + pct[i], run_path);
    }
    for_rows(run_path, data, header.size(), [&](const auto& f, std::size_t n) {
      Key key = std::string(text::trim(f[ocol])) + '\t' + std::string(text::trim(f[acol])) + '\t' +
                std::string(text::trim(f[fcol]));
      auto it = by_function.find(key);
      if (it == by_function.end()) {
        ++unmatched;
        return;
      }
      AzureFunction& fn = trace.functions[it->second];
      if (fn.has_durations) throw InputError::at(run_path, n, "function listed twice");
      fn.has_durations = true;
      FunctionDurations& d = fn.durations;
      d.count = stat(f[cols[0]], run_path, n, "Count");
      d.average = stat(f[cols[1]], run_path, n, "Average");
      d.minimum = stat(f[cols[2]], run_path, n, "Minimum");
      d.maximum = stat(f[cols[3]], run_path, n, "Maximum");
      for (std::size_t i = 0; i < 7; ++i) d.percentiles[i] = stat(f[pcols[i]], run_path, n, header[pcols[i]]);
    });
  } else {
    sink->note(run_path + " not found: no duration statistics");
  }

  const std::string mem_path = prefix + "_mem.csv";
  if (text::exists(mem_path)) {
    const std::string data = text::read_file(mem_path);
    auto header = header_of(mem_path, data);
    const std::size_t acol = require_column(header, "HashApp", mem_path);
    const std::size_t ocol = require_column(header, "HashOwner", mem_path);
    const std::size_t ccol = require_column(header, "SampleCount", mem_path);
    const std::size_t avcol = require_column(header, "AverageAllocatedMb", mem_path);
    const std::array<const char*, 8> pct = {"1", "5", "25", "50", "75", "95", "99", "100"};
    std::array<std::size_t, 8> pcols{};
    for (std::size_t i = 0; i < 8; ++i) {
      pcols[i] = require_column(header, std::string("AverageAllocatedMb_pct") + pct[i], mem_path);
    }
    for_rows(mem_path, data, header.size(), [&](const auto& f, std::size_t n) {
      Key key = std::string(text::trim(f[ocol])) + '\t' + std::string(text::trim(f[acol]));
      auto it = by_app.find(key);
      if (it == by_app.end()) {
        ++unmatched;
        return;
      }
      AppMemory m;
      m.sample_count = stat(f[ccol], mem_path, n, "SampleCount");
      m.average = stat(f[avcol], mem_path, n, "AverageAllocatedMb");
      for (std::size_t i = 0; i < 8; ++i) m.percentiles[i] = stat(f[pcols[i]], mem_path, n, header[pcols[i]]);
      for (std::size_t i : it->second) {
        if (trace.functions[i].has_memory) throw InputError::at(mem_path, n, "app listed twice");
        trace.functions[i].has_memory = true;
        trace.functions[i].memory = m;
      }
    });
  } else {
    sink->note(mem_path + " not found: no memory statistics");
  }
  if (unmatched > 0) sink->count("unmatched_stat_rows", unmatched);
  std::int64_t no_dur = 0, no_mem = 0;
  for (const AzureFunction& fn : trace.functions) {
    no_dur += fn.has_durations ? 0 : 1;
    no_mem += fn.has_memory ? 0 : 1;
  }
  if (no_dur > 0) sink->count("functions_without_durations", no_dur);
  if (no_mem > 0) sink->count("functions_without_memory", no_mem);
  return trace;
}

Workload azure_functions_workload(const AzureFunctionsTrace& trace, ReadReport* report) {
  ReportSink sink(report);
  Workload w;
  w.name = "azurefunctions";
  w.step_seconds = 60;
  w.start = 0;
  w.end = static_cast<double>(trace.minutes) * 60;
  w.dims = kCpuMem;
  std::vector<float> busy(trace.minutes);
  // Workload::add_shape reserves exactly, so reserve the total up front.
  w.samples.reserve(trace.functions.size() * trace.minutes);
  std::int64_t dropped = 0, larger_than_host = 0;
  w.default_host = default_vm_host();
  for (const AzureFunction& fn : trace.functions) {
    if (!fn.has_durations || !fn.has_memory) {
      ++dropped;
      continue;
    }
    const double seconds_per_call = fn.durations.average / 1000.0;
    double peak = 0;
    for (std::size_t m = 0; m < trace.minutes; ++m) {
      double cores = fn.invocations[m] * seconds_per_call / 60.0;
      busy[m] = static_cast<float>(cores);
      peak = std::max(peak, cores);
    }
    const double cpu = std::max(peak, 0.01);
    for (float& b : busy) b = static_cast<float>(b / cpu);
    Instance inst;
    inst.arrival = 0;
    inst.departure = w.end;
    inst.request = make_resources(cpu, fn.memory.percentiles[7] / 1024.0 / fn.functions_in_app);
    inst.shape = w.add_shape(dim_bit(kCpu), {busy});
    w.instances.push_back(inst);
    w.ids.push_back(fn.function);
    w.tags.push_back("app=" + fn.app + ";owner=" + fn.owner);
    if (!inst.request.fits_within(w.default_host, w.dims)) {
      ++larger_than_host;
      sink->warn(fmt::format("function {} needs {} at its peak, more than the default host {}",
                             fn.function, format_resources(inst.request, w.dims),
                             format_resources(w.default_host, w.dims)));
    }
  }
  if (dropped > 0) sink->count("functions_dropped", dropped);
  if (larger_than_host > 0) sink->count("functions_larger_than_default_host", larger_than_host);
  if (w.instances.empty()) throw InputError("azurefunctions: no function has both duration and "
                                            "memory statistics");
  return w;
}

}  // namespace fleetopt
