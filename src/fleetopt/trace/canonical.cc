#include "fleetopt/trace/canonical.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <bit>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/trace/defaults.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

using nlohmann::json;

std::int64_t life_steps(const Instance& inst, double step) {
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil((inst.departure - inst.arrival) / step - 1e-9)));
}

// Buffered writer over an AtomicFile (every write checked, OutputError naming
// the file on failure).
class Output {
 public:
  explicit Output(std::string path) : file_(std::move(path)) {}
  fmt::memory_buffer& buffer() { return buffer_; }
  void flush_if_large() {
    if (buffer_.size() > (1 << 20)) flush();
  }
  void close() {
    flush();
    file_.commit();
  }

 private:
  void flush() {
    file_.write(std::string_view(buffer_.data(), buffer_.size()));
    buffer_.clear();
  }
  AtomicFile file_;
  fmt::memory_buffer buffer_;
};

// The dimensions in dims, plus any other non-zero one.
json resources_json(const Resources& r, DimMask dims) {
  json j = json::object();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d) || r[d] != 0) j[std::string(kDimNames[static_cast<std::size_t>(d)])] = r[d];
  }
  return j;
}

Resources resources_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw InputError::field(where, "expected an object of resource sizes");
  Resources r;
  for (const auto& [key, value] : j.items()) {
    auto d = dim_from_name(key);
    if (!d) {
      throw InputError::field(where + "." + key, "unknown resource (known: cpu, mem, disk, net, gpu)");
    }
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0) {
      throw InputError::field(where + "." + key, "expected a finite non-negative number");
    }
    r[*d] = value.get<double>();
  }
  return r;
}

double number_field(const json& j, const char* key, double fallback, const std::string& path) {
  if (!j.contains(key)) return fallback;
  const json& v = j.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    throw InputError::field(fmt::format("{}: {}", path, key), "expected a finite number");
  }
  return v.get<double>();
}

struct UsageRow {
  std::uint32_t instance;
  std::uint32_t step;
  std::uint32_t line;
  DimMask given;
  std::array<double, kMaxDims> value;
};

double cell(std::string_view token, const std::string& path, std::size_t line, std::string_view what) {
  double v = 0;
  if (!parse_double(token, v)) {
    throw InputError::at(path, line, fmt::format("{}: expected a finite number, got '{}'", what,
                                                 text::trim(token)));
  }
  return v;
}

std::vector<int> resource_columns(const std::vector<std::string_view>& header,
                                  const std::vector<std::string>& fixed, const std::string& path) {
  std::vector<int> dim_of(header.size(), -1);
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string_view h = text::trim(header[i]);
    if (std::find(fixed.begin(), fixed.end(), h) != fixed.end()) continue;
    auto d = dim_from_name(h);
    if (!d) {
      throw InputError::at(path, 1, fmt::format("unknown column '{}' (known: {}, cpu, mem, disk, "
                                                "net, gpu)", h, fmt::join(fixed, ", ")));
    }
    if (std::find(dim_of.begin(), dim_of.end(), *d) != dim_of.end()) {
      throw InputError::at(path, 1, fmt::format("column '{}' appears twice", h));
    }
    dim_of[i] = *d;
  }
  for (const std::string& name : fixed) {
    if (name != "tags" && text::find_column(header, name) == std::string_view::npos) {
      throw InputError::at(path, 1, fmt::format("missing column '{}'", name));
    }
  }
  return dim_of;
}

void read_usage(const std::string& path, Workload& w,
                const std::unordered_map<std::string, std::uint32_t>& index, ReadReport& report) {
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> f;
  std::string storage;
  if (!lines.next(line) || text::is_blank(line)) return;  // an empty usage file: no usage
  if (!text::split_csv(line, f, storage)) throw InputError::at(path, 1, "unterminated quote");
  std::vector<std::string> header_copy(f.begin(), f.end());
  std::vector<std::string_view> header_views(header_copy.begin(), header_copy.end());
  std::vector<int> dim_of = resource_columns(header_views, {"id", "time"}, path);
  for (int d : dim_of) {
    if (d >= 0 && !has_dim(w.dims, d)) {
      throw InputError::at(path, 1, fmt::format("usage column '{}' has no request column in "
                                                "instances.csv", kDimNames[static_cast<std::size_t>(d)]));
    }
  }
  const std::size_t id_col = text::find_column(header_views, "id");
  const std::size_t time_col = text::find_column(header_views, "time");
  std::vector<UsageRow> rows;
  std::int64_t outside = 0;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    const std::size_t n = lines.line_no();
    if (!text::split_csv(line, f, storage)) throw InputError::at(path, n, "unterminated quote");
    if (f.size() != header_views.size()) {
      throw InputError::at(path, n, fmt::format("expected {} fields, found {}", header_views.size(),
                                                f.size()));
    }
    auto it = index.find(std::string(text::trim(f[id_col])));
    if (it == index.end()) {
      throw InputError::at(path, n, fmt::format("unknown instance id '{}'", text::trim(f[id_col])));
    }
    const Instance& inst = w.instances[it->second];
    double time = cell(f[time_col], path, n, "time");
    double k = std::floor((time - inst.arrival) / w.step_seconds + 0.5);
    if (k < 0 || k >= static_cast<double>(life_steps(inst, w.step_seconds))) {
      ++outside;
      report.warn(path, n, fmt::format("time {} is outside the life of '{}' [{}, {}): skipped", time,
                                       text::trim(f[id_col]), inst.arrival, inst.departure));
      continue;
    }
    UsageRow row{it->second, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(n), 0, {}};
    for (std::size_t c = 0; c < f.size(); ++c) {
      if (dim_of[c] < 0 || text::is_blank(f[c])) continue;
      double v = cell(f[c], path, n, header_copy[c]);
      if (v < 0) throw InputError::at(path, n, fmt::format("{}: negative usage {}", header_copy[c], v));
      limits::check_amount_at(v, path, n, header_copy[c]);
      const double request = inst.request[dim_of[c]];
      if (request == 0 && v > 0) {
        throw InputError::at(path, n, fmt::format("{}: usage {} on a zero request", header_copy[c], v));
      }
      if (v > limits::kMaxUsageOverRequest * request) {
        throw InputError::at(path, n, fmt::format("{}: usage {} is over {} times the request {} of '{}'",
                                                  header_copy[c], v, limits::kMaxUsageOverRequest, request,
                                                  text::trim(f[id_col])));
      }
      row.value[static_cast<std::size_t>(dim_of[c])] = v;
      row.given |= dim_bit(dim_of[c]);
    }
    rows.push_back(row);
  }
  if (outside > 0) report.count("usage_rows_outside_lifetime", outside);
  std::stable_sort(rows.begin(), rows.end(), [](const UsageRow& a, const UsageRow& b) {
    return a.instance != b.instance ? a.instance < b.instance : a.step < b.step;
  });
  std::int64_t merged = 0, held = 0, backfilled = 0;
  std::vector<std::vector<float>> series;
  {
    // Workload::add_shape reserves exactly, so reserve the total up front.
    std::size_t total = 0;
    for (std::size_t begin = 0, end = 0; begin < rows.size(); begin = end) {
      DimMask dims = 0;
      while (end < rows.size() && rows[end].instance == rows[begin].instance) dims |= rows[end++].given;
      total += static_cast<std::size_t>(life_steps(w.instances[rows[begin].instance], w.step_seconds)) *
               static_cast<std::size_t>(std::popcount(static_cast<unsigned>(dims)));
    }
    w.samples.reserve(total);
  }
  for (std::size_t begin = 0; begin < rows.size();) {
    std::size_t end = begin;
    DimMask dims = 0;
    while (end < rows.size() && rows[end].instance == rows[begin].instance) dims |= rows[end++].given;
    Instance& inst = w.instances[rows[begin].instance];
    if (dims == 0) {
      begin = end;
      continue;
    }
    const auto length = static_cast<std::size_t>(life_steps(inst, w.step_seconds));
    series.clear();
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(dims, d)) continue;
      std::vector<double> sum(length, 0.0);
      std::vector<std::uint32_t> hits(length, 0);
      for (std::size_t r = begin; r < end; ++r) {
        if (!has_dim(rows[r].given, d)) continue;
        sum[rows[r].step] += rows[r].value[static_cast<std::size_t>(d)];
        ++hits[rows[r].step];
      }
      std::size_t first = 0;
      while (hits[first] == 0) ++first;
      std::vector<float> fractions(length);
      const double request = inst.request[d];
      double value = sum[first] / hits[first];
      for (std::size_t k = 0; k < length; ++k) {
        if (hits[k] > 0) {
          merged += hits[k] - 1;
          value = sum[k] / hits[k];
        } else if (k < first) {
          ++backfilled;
        } else {
          ++held;
        }
        fractions[k] = request > 0 ? static_cast<float>(value / request) : 0.0f;
      }
      series.push_back(std::move(fractions));
    }
    inst.shape = w.add_shape(dims, series);
    inst.phase = 0;
    begin = end;
  }
  report.count("samples_merged", merged);
  report.count("gap_steps_held", held);
  report.count("leading_steps_backfilled", backfilled);
}

}  // namespace

Workload read_canonical(const std::string& dir, ReadReport* report) {
  ReportSink sink(report);
  Workload w;
  w.name = "canonical:" + dir;
  json meta = json::object();
  const std::string meta_path = text::join_path(dir, "workload.json");
  if (text::exists(meta_path)) {
    meta = read_json_file(meta_path);
    if (!meta.is_object()) throw InputError::field(meta_path, "expected a JSON object");
    if (meta.contains("format") && meta["format"] != "fleetopt-workload") {
      throw InputError::field(meta_path + ": format", "expected \"fleetopt-workload\"");
    }
    if (meta.contains("name")) {
      if (!meta["name"].is_string()) throw InputError::field(meta_path + ": name", "expected a string");
      w.name = meta["name"].get<std::string>();
    }
  } else {
    sink->note(meta_path + " not found: step 300 s, start/end from the instances");
  }
  w.step_seconds = number_field(meta, "step_seconds", 300, meta_path);
  limits::check_range(w.step_seconds, limits::kMinStepSeconds, limits::kMaxStepSeconds, meta_path + ": step_seconds");

  const std::string inst_path = text::join_path(dir, "instances.csv");
  const std::string data = text::read_file(inst_path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> f;
  std::string storage;
  if (!lines.next(line) || text::is_blank(line)) throw InputError::at(inst_path, 1, "empty file");
  if (!text::split_csv(line, f, storage)) throw InputError::at(inst_path, 1, "unterminated quote");
  std::vector<std::string> header_copy(f.begin(), f.end());
  std::vector<std::string_view> header(header_copy.begin(), header_copy.end());
  std::vector<int> dim_of = resource_columns(header, {"id", "arrival", "departure", "tags"}, inst_path);
  w.dims = 0;
  for (int d : dim_of) {
    if (d >= 0) w.dims |= dim_bit(d);
  }
  if (w.dims == 0) throw InputError::at(inst_path, 1, "no resource columns (cpu, mem, ...)");
  const std::size_t id_col = text::find_column(header, "id");
  const std::size_t arr_col = text::find_column(header, "arrival");
  const std::size_t dep_col = text::find_column(header, "departure");
  const std::size_t tag_col = text::find_column(header, "tags");
  std::unordered_map<std::string, std::uint32_t> index;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    const std::size_t n = lines.line_no();
    if (!text::split_csv(line, f, storage)) throw InputError::at(inst_path, n, "unterminated quote");
    if (f.size() != header.size()) {
      throw InputError::at(inst_path, n, fmt::format("expected {} fields, found {}", header.size(),
                                                     f.size()));
    }
    std::string id(text::trim(f[id_col]));
    if (id.empty()) throw InputError::at(inst_path, n, "empty id");
    if (!index.emplace(id, static_cast<std::uint32_t>(w.instances.size())).second) {
      throw InputError::at(inst_path, n, fmt::format("duplicate id '{}'", id));
    }
    Instance inst;
    inst.arrival = cell(f[arr_col], inst_path, n, "arrival");
    inst.departure = cell(f[dep_col], inst_path, n, "departure");
    limits::check_time_at(inst.arrival, inst_path, n, "arrival");
    limits::check_time_at(inst.departure, inst_path, n, "departure");
    if (inst.departure <= inst.arrival) {
      throw InputError::at(inst_path, n, fmt::format("departure {} is not after arrival {}",
                                                     inst.departure, inst.arrival));
    }
    for (std::size_t c = 0; c < f.size(); ++c) {
      if (dim_of[c] < 0) continue;
      double v = cell(f[c], inst_path, n, header_copy[c]);
      if (v < 0) throw InputError::at(inst_path, n, fmt::format("{}: negative size {}", header_copy[c], v));
      limits::check_amount_at(v, inst_path, n, header_copy[c]);
      inst.request[dim_of[c]] = v;
    }
    w.instances.push_back(inst);
    w.ids.push_back(std::move(id));
    w.tags.emplace_back(tag_col == std::string_view::npos ? std::string_view() : f[tag_col]);
  }
  if (w.instances.empty()) throw InputError::at(inst_path, 2, "no instances");

  const std::string usage_path = text::join_path(dir, "usage.csv");
  if (text::exists(usage_path)) read_usage(usage_path, w, index, *sink);

  double first = w.instances.front().arrival, last = w.instances.front().departure;
  std::vector<Resources> requests;
  for (const Instance& inst : w.instances) {
    first = std::min(first, inst.arrival);
    last = std::max(last, inst.departure);
    requests.push_back(inst.request);
  }
  w.start = number_field(meta, "start", first, meta_path);
  w.end = number_field(meta, "end", last, meta_path);
  if (w.start > first) throw InputError::field(meta_path + ": start", "is after the first arrival");
  if (!(w.end > w.start)) {
    throw InputError::field(meta_path + ": end", fmt::format("{} is not after start {}", w.end, w.start));
  }
  if (w.end - w.start > limits::kMaxHorizonSeconds) {
    throw InputError::field(meta_path + ": end", fmt::format("the workload would span {:.0f} days; the limit is {:.0f}",
                                                             (w.end - w.start) / 86400,
                                                             limits::kMaxHorizonSeconds / 86400));
  }
  if (meta.contains("default_host")) {
    w.default_host = resources_from_json(meta["default_host"], meta_path + ": default_host");
  } else {
    w.default_host = grow_host_to_fit(default_vm_host(), w.dims, requests);
  }
  if (meta.contains("hosts")) {
    const json& hosts = meta["hosts"];
    if (!hosts.is_array()) throw InputError::field(meta_path + ": hosts", "expected an array");
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      const std::string where = fmt::format("{}: hosts[{}]", meta_path, i);
      if (!hosts[i].is_object() || !hosts[i].contains("id") || !hosts[i]["id"].is_string() ||
          !hosts[i].contains("capacity")) {
        throw InputError::field(where, "expected {\"id\": string, \"capacity\": {...}}");
      }
      w.hosts.push_back({hosts[i]["id"].get<std::string>(),
                         resources_from_json(hosts[i]["capacity"], where + ".capacity")});
    }
  }
  w.sort_by_arrival();
  w.validate();
  return w;
}

void write_canonical(const Workload& w, const std::string& target) {
  // Written into a fresh staging directory swapped in at the end: an
  // interrupted conversion leaves the old directory (or none), and no file of
  // an earlier conversion survives into the new one.
  AtomicDirectory staging(target);
  const std::string& dir = staging.staging();
  std::vector<int> dims;
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(w.dims, d)) dims.push_back(d);
  }
  auto id_of = [&](std::size_t i) {
    return w.ids.empty() ? fmt::format("i{}", i) : text::csv_field(w.ids[i]);
  };
  {
    Output out(text::join_path(dir, "instances.csv"));
    auto& b = out.buffer();
    fmt::format_to(std::back_inserter(b), "id,arrival,departure");
    for (int d : dims) fmt::format_to(std::back_inserter(b), ",{}", kDimNames[static_cast<std::size_t>(d)]);
    fmt::format_to(std::back_inserter(b), ",tags\n");
    for (std::size_t i = 0; i < w.size(); ++i) {
      const Instance& inst = w.instances[i];
      fmt::format_to(std::back_inserter(b), "{},{},{}", id_of(i), inst.arrival, inst.departure);
      for (int d : dims) fmt::format_to(std::back_inserter(b), ",{}", inst.request[d]);
      fmt::format_to(std::back_inserter(b), ",{}\n",
                     w.tags.empty() ? std::string() : text::csv_field(w.tags[i]));
      out.flush_if_large();
    }
    out.close();
  }
  DimMask stored = 0;
  for (const Instance& inst : w.instances) {
    if (inst.shape >= 0) stored |= w.shapes[static_cast<std::size_t>(inst.shape)].dims;
  }
  stored &= w.dims;
  if (stored != 0) {
    Output out(text::join_path(dir, "usage.csv"));
    auto& b = out.buffer();
    fmt::format_to(std::back_inserter(b), "id,time");
    for (int d : dims) {
      if (has_dim(stored, d)) fmt::format_to(std::back_inserter(b), ",{}", kDimNames[static_cast<std::size_t>(d)]);
    }
    b.push_back('\n');
    for (std::size_t i = 0; i < w.size(); ++i) {
      const Instance& inst = w.instances[i];
      if (inst.shape < 0) continue;
      const DimMask shape_dims = w.shapes[static_cast<std::size_t>(inst.shape)].dims;
      const std::string id = id_of(i);
      const std::int64_t steps = life_steps(inst, w.step_seconds);
      for (std::int64_t k = 0; k < steps; ++k) {
        fmt::format_to(std::back_inserter(b), "{},{}", id,
                       inst.arrival + static_cast<double>(k) * w.step_seconds);
        for (int d : dims) {
          if (!has_dim(stored, d)) continue;
          // Shapes hold floats, so float precision loses nothing real and
          // keeps the file short ("0.06", not "0.05999999865889549").
          if (has_dim(shape_dims, d)) {
            fmt::format_to(std::back_inserter(b), ",{}", static_cast<float>(w.usage(i, k, d)));
          }
          else b.push_back(',');
        }
        b.push_back('\n');
        out.flush_if_large();
      }
    }
    out.close();
  }
  json meta = {{"format", "fleetopt-workload"},
               {"version", 1},
               {"name", w.name},
               {"step_seconds", w.step_seconds},
               {"start", w.start},
               {"end", w.end},
               {"default_host", resources_json(w.default_host, w.dims)}};
  json hosts = json::array();
  for (const HostSpec& h : w.hosts) {
    hosts.push_back({{"id", h.id}, {"capacity", resources_json(h.capacity, w.dims)}});
  }
  if (!w.hosts.empty()) meta["hosts"] = hosts;
  {
    Output out(text::join_path(dir, "workload.json"));
    const std::string text = meta.dump(2) + "\n";
    out.buffer().append(text.data(), text.data() + text.size());
    out.close();
  }
  staging.commit();
}

}  // namespace fleetopt
