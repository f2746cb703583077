#include "fleetopt/trace/alibaba2018.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

constexpr std::int64_t kMaxSteps = std::int64_t{1} << 22;
constexpr float kMissing = -1.0f;

struct Sample {
  std::int64_t step;
  float cpu;  // kMissing when the field was empty
  float mem;
};

struct Machine {
  std::string id;
  std::size_t first_line = 0;
  std::vector<Sample> samples;
  Resources size;
  bool has_meta = false;
};

double percent_field(std::string_view token, const std::string& path, std::size_t line,
                     const char* what, bool& empty, ReadReport& report) {
  empty = text::is_blank(token);
  if (empty) return 0;
  double value = 0;
  if (!parse_double(token, value)) {
    throw InputError::at(path, line, fmt::format("{}: expected a finite number, got '{}'", what,
                                                 text::trim(token)));
  }
  if (value < 0) throw InputError::at(path, line, fmt::format("{}: negative value {}", what, value));
  if (value > 100) {
    report.count("percent_above_100_clamped");
    value = 100;
  }
  return value;
}

long long int_field(std::string_view token, const std::string& path, std::size_t line,
                    const char* what) {
  long long value = 0;
  if (!parse_int64(token, value)) {
    throw InputError::at(path, line, fmt::format("{}: expected an integer, got '{}'", what,
                                                 text::trim(token)));
  }
  if (value < 0) throw InputError::at(path, line, fmt::format("{}: negative value {}", what, value));
  return value;
}

bool numeric_id_less(const std::string& a, const std::string& b) {
  auto number = [](const std::string& s) {
    long long n = 0;
    std::size_t us = s.rfind('_');
    std::string_view tail = us == std::string::npos ? std::string_view(s)
                                                    : std::string_view(s).substr(us + 1);
    return parse_int64(tail, n) ? n : std::numeric_limits<long long>::max();
  };
  long long na = number(a), nb = number(b);
  return na != nb ? na < nb : a < b;
}

void read_meta(const std::string& path, std::map<std::string, Machine, std::less<>>& machines,
               ReadReport& report) {
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    text::split(line, ',', f);
    if (lines.line_no() == 1 && text::trim(f[0]) == "machine_id") continue;
    if (f.size() != 7) {
      throw InputError::at(path, lines.line_no(),
                           fmt::format("expected 7 comma-separated fields, found {}", f.size()));
    }
    auto it = machines.find(text::trim(f[0]));
    if (it == machines.end()) continue;  // a machine without usage samples
    if (text::is_blank(f[4]) || text::is_blank(f[5])) {
      report.count("meta_rows_without_size");
      continue;
    }
    double cpu = static_cast<double>(int_field(f[4], path, lines.line_no(), "cpu_num"));
    double mem = 0;
    if (!parse_double(f[5], mem) || mem < 0) {
      throw InputError::at(path, lines.line_no(),
                           fmt::format("mem_size: expected a non-negative number, got '{}'",
                                       text::trim(f[5])));
    }
    Machine& m = it->second;
    if (m.has_meta && (m.size[kCpu] != cpu || m.size[kMem] != mem)) {
      report.count("meta_size_changes");
      report.warn(path, lines.line_no(), fmt::format("{} changes size; the largest is used", m.id));
    }
    m.size[kCpu] = std::max(m.size[kCpu], cpu);
    m.size[kMem] = std::max(m.size[kMem], mem);
    m.has_meta = m.size[kCpu] > 0 && m.size[kMem] > 0;
  }
}

// Averages the samples of each step and fills the gaps of one dimension.
void fill_dimension(const std::vector<Sample>& samples, std::int64_t first, std::size_t steps,
                    bool cpu_dim, std::vector<float>& out, std::size_t slot, ReadReport& report) {
  std::vector<double> sum(steps, 0.0);
  std::vector<std::uint32_t> hits(steps, 0);
  for (const Sample& s : samples) {
    float v = cpu_dim ? s.cpu : s.mem;
    if (v == kMissing) continue;
    auto k = static_cast<std::size_t>(s.step - first);
    sum[k] += v;
    ++hits[k];
  }
  std::size_t first_hit = steps;
  for (std::size_t k = 0; k < steps; ++k) {
    if (hits[k] > 0) {
      first_hit = k;
      break;
    }
  }
  if (first_hit == steps) return;
  std::int64_t merged = 0, held = 0;
  float value = static_cast<float>(sum[first_hit] / hits[first_hit]);
  for (std::size_t k = 0; k < steps; ++k) {
    if (hits[k] > 0) {
      merged += hits[k] - 1;
      value = static_cast<float>(sum[k] / hits[k]);
    } else if (k > first_hit) {
      ++held;
    }
    out[2 * k + slot] = value;
  }
  if (cpu_dim) report.count("samples_merged", merged);  // the same rows for both dims
  report.count("gap_steps_held", held);
  report.count("leading_steps_backfilled", static_cast<std::int64_t>(first_hit));
}

}  // namespace

SeriesTrace read_alibaba2018(const std::string& dir, double step_seconds, ReadReport* report) {
  ReportSink sink(report);
  if (!(step_seconds >= 1) || !std::isfinite(step_seconds)) {
    throw InputError::field("step", "must be at least 1 second");
  }
  const std::string usage_path = text::join_path(dir, "machine_usage.csv");
  const std::string meta_path = text::join_path(dir, "machine_meta.csv");
  std::map<std::string, Machine, std::less<>> machines;
  {
    const std::string data = text::read_file(usage_path);
    text::Lines lines(data);
    std::string_view line;
    std::vector<std::string_view> f;
    std::int64_t empty_fields = 0;
    while (lines.next(line)) {
      if (text::is_blank(line)) continue;
      text::split(line, ',', f);
      if (lines.line_no() == 1 && text::trim(f[0]) == "machine_id") continue;
      if (f.size() != 9) {
        throw InputError::at(usage_path, lines.line_no(),
                             fmt::format("expected 9 comma-separated fields, found {}", f.size()));
      }
      std::string_view id = text::trim(f[0]);
      if (id.empty()) throw InputError::at(usage_path, lines.line_no(), "empty machine_id");
      long long t = int_field(f[1], usage_path, lines.line_no(), "time_stamp");
      bool cpu_empty = false, mem_empty = false;
      double cpu = percent_field(f[2], usage_path, lines.line_no(), "cpu_util_percent", cpu_empty, *sink);
      double mem = percent_field(f[3], usage_path, lines.line_no(), "mem_util_percent", mem_empty, *sink);
      empty_fields += (cpu_empty ? 1 : 0) + (mem_empty ? 1 : 0);
      auto step = static_cast<std::int64_t>(std::floor(static_cast<double>(t) / step_seconds));
      if (step >= kMaxSteps) {
        throw InputError::at(usage_path, lines.line_no(),
                             fmt::format("time_stamp {} is beyond {} steps", t, kMaxSteps));
      }
      auto it = machines.find(id);
      if (it == machines.end()) {
        it = machines.emplace(std::string(id), Machine{}).first;
        it->second.id = std::string(id);
        it->second.first_line = lines.line_no();
      }
      it->second.samples.push_back({step, cpu_empty ? kMissing : static_cast<float>(cpu / 100),
                                    mem_empty ? kMissing : static_cast<float>(mem / 100)});
    }
    sink->count("empty_fields", empty_fields);
  }
  if (machines.empty()) throw InputError(fmt::format("{}: no machine usage rows", usage_path));
  const bool have_meta = text::exists(meta_path);
  if (have_meta) read_meta(meta_path, machines, *sink);
  else sink->note(meta_path + " not found: machines have no sizes");

  std::vector<const Machine*> order;
  for (const auto& [id, m] : machines) order.push_back(&m);
  std::sort(order.begin(), order.end(),
            [](const Machine* a, const Machine* b) { return numeric_id_less(a->id, b->id); });

  SeriesTrace trace;
  trace.name = "alibaba2018:" + dir;
  trace.step_seconds = step_seconds;
  trace.dims = kCpuMem;
  trace.has_sizes = have_meta;
  std::vector<float> interleaved;
  for (const Machine* m : order) {
    if (have_meta && !m->has_meta) {
      sink->count("machines_without_meta_skipped");
      sink->warn(usage_path, m->first_line, fmt::format("machine {} has no size in {}: skipped",
                                                        m->id, meta_path));
      continue;
    }
    bool has_cpu = false, has_mem = false;
    std::int64_t first = kMaxSteps, last = -1;
    for (const Sample& s : m->samples) {
      has_cpu |= s.cpu != kMissing;
      has_mem |= s.mem != kMissing;
      if (s.cpu != kMissing || s.mem != kMissing) {
        first = std::min(first, s.step);
        last = std::max(last, s.step);
      }
    }
    if (!has_cpu || !has_mem) {
      sink->count("machines_without_cpu_or_mem_skipped");
      sink->warn(usage_path, m->first_line,
                 fmt::format("machine {} never reports {}: skipped", m->id,
                             has_cpu ? "mem_util_percent" : "cpu_util_percent"));
      continue;
    }
    auto steps = static_cast<std::size_t>(last - first + 1);
    interleaved.assign(steps * 2, 0.0f);
    fill_dimension(m->samples, first, steps, true, interleaved, 0, *sink);
    fill_dimension(m->samples, first, steps, false, interleaved, 1, *sink);
    trace.add_series(m->id, first, m->size, interleaved, static_cast<std::uint32_t>(steps));
    if (have_meta) trace.hosts.push_back({m->id, m->size});
  }
  if (trace.size() == 0) throw InputError(fmt::format("{}: no usable machine series", dir));
  return trace;
}

}  // namespace fleetopt
