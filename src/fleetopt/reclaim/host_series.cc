#include "fleetopt/reclaim/host_series.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/trace/alibaba2018.h"
#include "fleetopt/trace/bitbrains.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt::reclaim {
namespace {

constexpr double kStep = 300;

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void parse_vm_range(const std::string& text, int& lo, int& hi) {
  const auto dash = text.find('-');
  long long a = 0, b = 0;
  bool ok = dash == std::string::npos ? parse_int64(text, a) && (b = a, true)
                                      : parse_int64(text.substr(0, dash), a) && parse_int64(text.substr(dash + 1), b);
  if (!ok || a < 0 || b < a || b > 1'000'000) {
    throw InputError::field("@vms", fmt::format("expected A-B with 0 <= A <= B, got '{}'", text));
  }
  lo = static_cast<int>(a);
  hi = static_cast<int>(b);
}

// Checks one host's values wherever they came from; `where` names file:line.
void check_capacity(double cap, const std::string& file, std::size_t line, const char* what) {
  limits::check_amount_at(cap, file, line, what);
  if (cap <= 0) throw InputError::at(file, line, fmt::format("{}: capacity must be positive, got {}", what, cap));
}

}  // namespace

HostSet load_bitbrains_hosts(const std::string& dir, const std::vector<std::string>& months, int vm_lo,
                             int vm_hi, ReadReport* report) {
  ReportSink sink(report);
  if (months.empty()) throw InputError::field("@months", "no month given");
  // VM number -> host under construction; std::map keeps VM-number order.
  std::map<long long, HostSeries> by_vm;
  for (const std::string& month : months) {
    const std::string month_dir = text::join_path(dir, month);
    if (!text::is_directory(month_dir)) throw InputError(fmt::format("{}: no such month folder", month_dir));
    const SeriesTrace trace = read_bitbrains(month_dir, &*sink);
    for (std::size_t i = 0; i < trace.size(); ++i) {
      long long vm = 0;
      if (!parse_int64(trace.ids[i], vm) || vm < vm_lo || vm > vm_hi) continue;
      HostSeries& h = by_vm[vm];
      h.id = trace.ids[i];
      const UsageShape& s = trace.shapes[i];
      const double size[kResources] = {trace.sizes[i][kCpu], trace.sizes[i][kMem]};
      for (int r = 0; r < kResources; ++r) {
        h.capacity[static_cast<std::size_t>(r)] = std::max(h.capacity[static_cast<std::size_t>(r)], size[r]);
        auto& use = h.use[static_cast<std::size_t>(r)];
        for (std::uint32_t k = 0; k < s.length; ++k) {
          use.push_back(static_cast<float>(trace.samples[s.offset + std::size_t{k} * s.stride + static_cast<std::size_t>(r)] *
                                           size[r]));
        }
      }
    }
  }
  HostSet set;
  set.name = fmt::format("bitbrains-hosts:{}@months={}@vms={}-{}", dir, fmt::join(months, ","), vm_lo, vm_hi);
  set.step_seconds = kStep;
  for (auto& [vm, h] : by_vm) set.hosts.push_back(std::move(h));
  if (set.hosts.empty()) throw InputError(fmt::format("{}: no Bitbrains VM numbered {}-{}", dir, vm_lo, vm_hi));
  sink->note(fmt::format("{}: {} VMs as hosts; months joined end to end", set.name, set.hosts.size()));
  return set;
}

HostSet compose_hosts(const HostSet& vms, double cores, double mem_gb) {
  limits::check_range(cores, 1e-9, limits::kMaxResourceAmount, "@cores");
  limits::check_range(mem_gb, 1e-9, limits::kMaxResourceAmount, "@mem");
  HostSet set;
  set.name = fmt::format("composed({}x{}):{}", cores, mem_gb, vms.name);
  set.step_seconds = vms.step_seconds;
  std::vector<std::array<double, kResources>> free;
  std::vector<std::vector<std::size_t>> members;
  for (std::size_t v = 0; v < vms.hosts.size(); ++v) {
    const HostSeries& vm = vms.hosts[v];
    if (vm.capacity[kResCpu] > cores || vm.capacity[kResMem] > mem_gb) {
      throw InputError(fmt::format("VM {} ({} cores, {} GB) does not fit a {}x{} machine", vm.id,
                                   vm.capacity[kResCpu], vm.capacity[kResMem], cores, mem_gb));
    }
    std::size_t m = 0;
    while (m < free.size() && (free[m][kResCpu] < vm.capacity[kResCpu] || free[m][kResMem] < vm.capacity[kResMem])) ++m;
    if (m == free.size()) {
      free.push_back({cores, mem_gb});
      members.emplace_back();
    }
    free[m][kResCpu] -= vm.capacity[kResCpu];
    free[m][kResMem] -= vm.capacity[kResMem];
    members[m].push_back(v);
  }
  for (std::size_t m = 0; m < members.size(); ++m) {
    HostSeries h;
    h.id = fmt::format("machine{}", m);
    h.capacity = {cores, mem_gb};
    std::size_t len = 0;
    for (std::size_t v : members[m]) len = std::max(len, vms.hosts[v].steps());
    for (int r = 0; r < kResources; ++r) {
      auto& use = h.use[static_cast<std::size_t>(r)];
      use.assign(len, 0.0f);
      for (std::size_t v : members[m]) {
        const auto& u = vms.hosts[v].use[static_cast<std::size_t>(r)];
        for (std::size_t k = 0; k < u.size(); ++k) use[k] += u[k];
      }
    }
    set.hosts.push_back(std::move(h));
  }
  return set;
}

HostSet load_alibaba2018_hosts(const std::string& dir, std::size_t max_hosts, ReadReport* report) {
  ReportSink sink(report);
  const SeriesTrace trace = read_alibaba2018(dir, kStep, &*sink);
  if (!trace.has_sizes) throw InputError(fmt::format("{}: machine_meta.csv is needed for machine sizes", dir));
  HostSet set;
  set.name = "alibaba2018-hosts:" + dir;
  set.step_seconds = kStep;
  for (std::size_t i = 0; i < trace.size() && (max_hosts == 0 || set.hosts.size() < max_hosts); ++i) {
    HostSeries h;
    h.id = trace.ids[i];
    h.capacity = {trace.sizes[i][kCpu], trace.sizes[i][kMem]};
    if (h.capacity[kResCpu] <= 0 || h.capacity[kResMem] <= 0) {
      sink->count("machines_without_size_skipped");
      continue;
    }
    const UsageShape& s = trace.shapes[i];
    for (int r = 0; r < kResources; ++r) {
      auto& use = h.use[static_cast<std::size_t>(r)];
      for (std::uint32_t k = 0; k < s.length; ++k) {
        use.push_back(static_cast<float>(trace.samples[s.offset + std::size_t{k} * s.stride + static_cast<std::size_t>(r)] *
                                         h.capacity[static_cast<std::size_t>(r)]));
      }
    }
    set.hosts.push_back(std::move(h));
  }
  if (set.hosts.empty()) throw InputError(fmt::format("{}: no machine with a size", dir));
  return set;
}

HostSet read_host_series_csv(const std::string& path, ReadReport* report) {
  ReportSink sink(report);
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> fields;
  std::string storage;
  HostSet set;
  set.name = "host-series:" + path;
  set.step_seconds = kStep;
  bool header = false;
  std::map<std::string, std::size_t, std::less<>> index;
  std::int64_t clamped = 0;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    const std::size_t no = lines.line_no();
    if (!text::split_csv(line, fields, storage)) throw InputError::at(path, no, "unterminated quote");
    if (!header) {
      header = true;
      if (fields.size() != 5 || text::trim(fields[0]) != "host") {
        throw InputError::at(path, no, "expected the header host,cpu_capacity,mem_capacity,cpu_used,mem_used");
      }
      continue;
    }
    if (fields.size() != 5) {
      throw InputError::at(path, no, fmt::format("expected 5 comma-separated fields, found {}", fields.size()));
    }
    static const char* kNames[] = {"host", "cpu_capacity", "mem_capacity", "cpu_used", "mem_used"};
    double v[5] = {};
    for (std::size_t c = 1; c < 5; ++c) {
      if (!parse_double(text::trim(fields[c]), v[c])) {
        throw InputError::at(path, no, fmt::format("{}: expected a finite number, got '{}'", kNames[c],
                                                   text::trim(fields[c])));
      }
      if (v[c] < 0) throw InputError::at(path, no, fmt::format("{}: negative value {}", kNames[c], v[c]));
    }
    const std::string id(text::trim(fields[0]));
    if (id.empty()) throw InputError::at(path, no, "host: empty id");
    auto [it, inserted] = index.try_emplace(id, set.hosts.size());
    if (inserted) {
      if (!set.hosts.empty() && set.hosts.size() >= static_cast<std::size_t>(limits::kMaxHosts)) {
        throw InputError::at(path, no, "too many hosts");
      }
      HostSeries h;
      h.id = id;
      set.hosts.push_back(std::move(h));
    } else if (it->second + 1 != set.hosts.size()) {
      throw InputError::at(path, no, fmt::format("host '{}': its rows must be contiguous", id));
    }
    HostSeries& h = set.hosts[it->second];
    for (int r = 0; r < kResources; ++r) {
      const auto ri = static_cast<std::size_t>(r);
      const double cap = v[1 + r], used = v[3 + r];
      check_capacity(cap, path, no, kNames[1 + r]);
      if (inserted) {
        h.capacity[ri] = cap;
      } else if (cap != h.capacity[ri]) {
        throw InputError::at(path, no, fmt::format("{}: host '{}' changed capacity from {} to {}", kNames[1 + r],
                                                   id, h.capacity[ri], cap));
      }
      if (used > kMaxUseOverCapacity * cap) {
        throw InputError::at(path, no, fmt::format("{}: use {} is more than {}x the capacity {} (wrong unit?)",
                                                   kNames[3 + r], used, kMaxUseOverCapacity, cap));
      }
      double u = used;
      if (u > cap) {
        ++clamped;
        u = cap;
      }
      h.use[ri].push_back(static_cast<float>(u));
    }
    if (h.steps() > static_cast<std::size_t>(limits::kMaxSteps)) throw InputError::at(path, no, "too many steps");
  }
  if (!header) throw InputError::at(path, 1, "empty file: expected a header and at least one row");
  if (set.hosts.empty()) throw InputError::at(path, 2, "no rows after the header");
  if (clamped > 0) sink->count("use_above_capacity_clamped", clamped);
  return set;
}

HostSet load_hosts(const std::string& spec_text, const std::string& data_dir_flag, ReadReport* report) {
  std::string text = spec_text;
  if (text == "bitbrains-3m") text = "bitbrains-hosts:";
  if (text == "composed") text = "composed:";
  if (text == "alibaba2018") text = "alibaba2018-hosts:";
  const PlacerSpec spec = PlacerSpec::parse(text);
  const std::string data = data_dir(data_dir_flag);
  if (spec.name == "bitbrains-hosts" || spec.name == "composed") {
    const bool composed = spec.name == "composed";
    if (composed) {
      spec.check_options({"months", "vms", "cores", "mem"});
    } else {
      spec.check_options({"months", "vms"});
    }
    const std::string dir = spec.arg.empty() ? text::join_path(data, "bitbrains-rnd") : resolve_data_path(spec.arg, data_dir_flag);
    int lo = 101, hi = 200;
    parse_vm_range(spec.option("vms", "101-200"), lo, hi);
    HostSet vms = load_bitbrains_hosts(dir, split_list(spec.option("months", "2013-7,2013-8,2013-9")), lo, hi, report);
    if (!composed) return vms;
    double cores = 0, mem = 0;
    if (!parse_double(spec.option("cores", "32"), cores)) throw InputError::field("@cores", "expected a number");
    if (!parse_double(spec.option("mem", "128"), mem)) throw InputError::field("@mem", "expected a number");
    return compose_hosts(vms, cores, mem);
  }
  if (spec.name == "alibaba2018-hosts") {
    spec.check_options({"max"});
    const std::string dir = spec.arg.empty() ? text::join_path(data, "alibaba-2018") : resolve_data_path(spec.arg, data_dir_flag);
    const int max = spec.int_option("max", 0);
    if (max < 0) throw InputError::field("@max", "must be >= 0");
    return load_alibaba2018_hosts(dir, static_cast<std::size_t>(max), report);
  }
  if (spec.name == "host-series") {
    spec.check_options({});
    if (spec.arg.empty()) throw InputError::field("--hosts", "host-series:FILE needs a file");
    return read_host_series_csv(resolve_data_path(spec.arg, data_dir_flag), report);
  }
  throw InputError::field("--hosts", fmt::format("unknown host set '{}' (bitbrains-hosts:, composed:, "
                                                 "alibaba2018-hosts:, host-series:, bitbrains-3m, composed, alibaba2018)",
                                                 spec.name));
}

}  // namespace fleetopt::reclaim
