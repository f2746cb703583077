#include "fleetopt/trace/alibaba2023.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

// Column positions found by header name, so extra or reordered columns work.
class Header {
 public:
  Header(const std::string& path, std::string_view line, std::vector<std::string> required) {
    std::vector<std::string_view> f;
    text::split(line, ',', f);
    for (const std::string& name : required) {
      auto it = std::find_if(f.begin(), f.end(),
                             [&](std::string_view x) { return text::trim(x) == name; });
      if (it == f.end()) {
        throw InputError::at(path, 1, fmt::format("missing column '{}' in the header", name));
      }
      index_[name] = static_cast<std::size_t>(it - f.begin());
    }
    columns_ = f.size();
  }
  std::size_t operator[](const std::string& name) const { return index_.at(name); }
  std::size_t columns() const { return columns_; }

 private:
  std::map<std::string, std::size_t> index_;
  std::size_t columns_ = 0;
};

double number(std::string_view token, const std::string& path, std::size_t line,
              std::string_view what) {
  double value = 0;
  if (!parse_double(token, value)) {
    throw InputError::at(path, line, fmt::format("{}: expected a finite number, got '{}'", what,
                                                 text::trim(token)));
  }
  if (value < 0) throw InputError::at(path, line, fmt::format("{}: negative value {}", what, value));
  return value;
}

std::optional<double> optional_number(std::string_view token, const std::string& path,
                                      std::size_t line, std::string_view what) {
  if (text::is_blank(token)) return std::nullopt;
  return number(token, path, line, what);
}

void check_columns(const std::vector<std::string_view>& f, const Header& h, const std::string& path,
                   std::size_t line) {
  if (f.size() != h.columns()) {
    throw InputError::at(path, line, fmt::format("expected {} comma-separated fields, found {}",
                                                 h.columns(), f.size()));
  }
}

}  // namespace

std::vector<HostSpec> read_alibaba2023_nodes(const std::string& path, ReadReport* report) {
  ReportSink sink(report);
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  if (!lines.next(line) || text::is_blank(line)) throw InputError::at(path, 1, "empty file");
  Header h(path, line, {"sn", "cpu_milli", "memory_mib", "gpu"});
  std::vector<std::string_view> f;
  std::vector<HostSpec> hosts;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    text::split(line, ',', f);
    check_columns(f, h, path, lines.line_no());
    HostSpec host;
    host.id = std::string(text::trim(f[h["sn"]]));
    if (host.id.empty()) throw InputError::at(path, lines.line_no(), "empty node name (sn)");
    host.capacity = make_resources(number(f[h["cpu_milli"]], path, lines.line_no(), "cpu_milli") / 1000,
                                   number(f[h["memory_mib"]], path, lines.line_no(), "memory_mib") / 1024,
                                   0, 0, number(f[h["gpu"]], path, lines.line_no(), "gpu"));
    hosts.push_back(std::move(host));
  }
  if (hosts.empty()) throw InputError::at(path, 2, "no nodes");
  return hosts;
}

Workload read_alibaba2023(const std::string& dir, const Alibaba2023Options& opts,
                          ReadReport* report) {
  ReportSink sink(report);
  if (!(opts.step_seconds > 0)) throw InputError::field("step", "must be positive");
  const std::string path = text::join_path(dir, opts.pods_file);
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  if (!lines.next(line) || text::is_blank(line)) throw InputError::at(path, 1, "empty file");
  Header h(path, line,
           {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "qos", "pod_phase",
            "creation_time", "deletion_time", "scheduled_time"});
  const std::size_t spec_column = [&] {
    std::vector<std::string_view> f;
    text::split(line, ',', f);
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (text::trim(f[i]) == "gpu_spec") return i;
    }
    return f.size();
  }();

  Workload w;
  w.name = "alibaba2023:" + dir;
  w.step_seconds = opts.step_seconds;
  w.dims = kCpuMem | dim_bit(kGpu);
  std::vector<std::string_view> f;
  std::vector<std::size_t> never_deleted;  // indices into w.instances
  double last_time = 0;
  std::int64_t zero_life = 0, never_scheduled = 0, dropped = 0;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    text::split(line, ',', f);
    const std::size_t n = lines.line_no();
    check_columns(f, h, path, n);
    std::string_view name = text::trim(f[h["name"]]);
    if (name.empty()) throw InputError::at(path, n, "empty pod name");
    double cpu = number(f[h["cpu_milli"]], path, n, "cpu_milli") / 1000;
    double mem = number(f[h["memory_mib"]], path, n, "memory_mib") / 1024;
    double num_gpu = number(f[h["num_gpu"]], path, n, "num_gpu");
    double gpu_milli = number(f[h["gpu_milli"]], path, n, "gpu_milli");
    if (gpu_milli > 1000) {
      throw InputError::at(path, n, fmt::format("gpu_milli {} is above 1000", gpu_milli));
    }
    double gpu = num_gpu == 1 ? gpu_milli / 1000 : num_gpu;
    auto created = optional_number(f[h["creation_time"]], path, n, "creation_time");
    if (!created) throw InputError::at(path, n, "empty creation_time");
    auto deleted = optional_number(f[h["deletion_time"]], path, n, "deletion_time");
    auto scheduled = optional_number(f[h["scheduled_time"]], path, n, "scheduled_time");
    limits::check_time_at(*created, path, n, "creation_time");
    if (deleted) limits::check_time_at(*deleted, path, n, "deletion_time");
    if (scheduled) limits::check_time_at(*scheduled, path, n, "scheduled_time");
    std::string_view phase = text::trim(f[h["pod_phase"]]);
    if (!scheduled) {
      ++never_scheduled;
      if (!opts.include_pending) {
        ++dropped;
        continue;
      }
    }
    last_time = std::max({last_time, *created, deleted.value_or(0), scheduled.value_or(0)});
    Instance inst;
    inst.arrival = *created;
    inst.request = make_resources(cpu, mem, 0, 0, gpu);
    if (!deleted) {
      never_deleted.push_back(w.instances.size());
      inst.departure = inst.arrival;  // set once the trace's last time is known
    } else if (*deleted <= *created) {
      ++zero_life;
      sink->warn(path, n, fmt::format("pod {} deleted at {} but created at {}: 1-second life",
                                      name, *deleted, *created));
      inst.departure = inst.arrival + 1;
    } else {
      inst.departure = *deleted;
    }
    std::string tag = fmt::format("qos={};phase={}", text::trim(f[h["qos"]]), phase);
    if (spec_column < f.size() && !text::is_blank(f[spec_column])) {
      tag += fmt::format(";gpu_spec={}", text::trim(f[spec_column]));
    }
    w.instances.push_back(inst);
    w.ids.emplace_back(name);
    w.tags.push_back(std::move(tag));
  }
  if (w.instances.empty()) throw InputError::at(path, lines.line_no(), "no pods");
  for (std::size_t i : never_deleted) {
    Instance& inst = w.instances[i];
    inst.departure = std::max(last_time, inst.arrival + 1);
  }
  std::int64_t at_end = 0;
  for (const Instance& inst : w.instances) at_end += inst.departure == last_time ? 1 : 0;
  sink->count("zero_lifetime_pods", zero_life);
  sink->count("pods_never_deleted", static_cast<std::int64_t>(never_deleted.size()));
  sink->count("pods_never_scheduled", never_scheduled);
  sink->count("pods_running_at_trace_end", at_end);
  if (dropped > 0) sink->count("pending_pods_dropped", dropped);

  w.start = 0;
  for (const Instance& inst : w.instances) {
    w.start = std::min(w.start, inst.arrival);
    w.end = std::max(w.end, inst.departure);
  }
  const std::string nodes_path = text::join_path(dir, opts.nodes_file);
  if (text::exists(nodes_path)) {
    w.hosts = read_alibaba2023_nodes(nodes_path, &*sink);
    // The most common node type (first seen wins a tie) is the default host.
    std::map<std::array<double, kMaxDims>, std::pair<std::size_t, std::size_t>> seen;
    for (std::size_t i = 0; i < w.hosts.size(); ++i) {
      auto& [count, first] = seen.try_emplace(w.hosts[i].capacity.v, 0, i).first->second;
      ++count;
    }
    std::size_t best_count = 0, best_first = 0;
    for (const auto& [cap, cf] : seen) {
      if (cf.first > best_count || (cf.first == best_count && cf.second < best_first)) {
        best_count = cf.first;
        best_first = cf.second;
      }
    }
    w.default_host = w.hosts[best_first].capacity;
  } else {
    sink->note(nodes_path + " not found: default host 128 cores / 1024 GB / 8 GPUs");
    w.default_host = make_resources(128, 1024, 0, 0, 8);
  }
  w.sort_by_arrival();
  return w;
}

}  // namespace fleetopt
