#include "fleetopt/trace/workload_spec.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include <fmt/format.h>

#include "fleetopt/core/data_dir.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/trace/alibaba2018.h"
#include "fleetopt/trace/alibaba2023.h"
#include "fleetopt/trace/azure2017.h"
#include "fleetopt/trace/azure_functions.h"
#include "fleetopt/trace/bitbrains.h"
#include "fleetopt/trace/canonical.h"
#include "fleetopt/trace/defaults.h"
#include "fleetopt/trace/planetlab.h"
#include "fleetopt/trace/series_trace.h"
#include "fleetopt/trace/synthetic.h"
#include "fleetopt/trace/text_file.h"
#include "fleetopt/trace/worldcup98.h"

namespace fleetopt {

WorkloadSpec WorkloadSpec::parse(const std::string& text) {
  WorkloadSpec spec;
  spec.text = text;
  std::string_view rest(text);
  std::size_t colon = rest.find(':');
  std::size_t at = rest.find('@');
  if (colon != std::string_view::npos && (at == std::string_view::npos || colon < at)) {
    spec.reader = std::string(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
    at = rest.find('@');
    spec.path = std::string(rest.substr(0, at));
  } else {
    spec.reader = std::string(rest.substr(0, at));
  }
  if (spec.reader.empty()) {
    throw InputError::field("workload", fmt::format("'{}': expected READER:PATH[@KEY=VALUE]...", text));
  }
  while (at != std::string_view::npos) {
    rest.remove_prefix(at + 1);
    at = rest.find('@');
    std::string_view item = rest.substr(0, at);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw InputError::field("workload", fmt::format("'{}': option '{}' is not KEY=VALUE", text, item));
    }
    std::string key(item.substr(0, eq));
    if (!spec.options.emplace(key, std::string(item.substr(eq + 1))).second) {
      throw InputError::field("workload", fmt::format("'{}': option '{}' given twice", text, key));
    }
  }
  return spec;
}

namespace {

// Typed access to the @KEY=VALUE options of one spec.
class Options {
 public:
  explicit Options(const WorkloadSpec& spec) : spec_(spec) {}

  void check(const std::vector<std::string>& known) const {
    for (const auto& [key, value] : spec_.options) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        throw InputError::field("workload", fmt::format("{}: unknown option '{}' (known: {})",
                                                        spec_.reader, key,
                                                        known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))));
      }
    }
  }
  bool has(const std::string& key) const { return spec_.options.count(key) > 0; }
  std::string text(const std::string& key, const std::string& fallback) const {
    auto it = spec_.options.find(key);
    return it == spec_.options.end() ? fallback : it->second;
  }
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed) const {
    std::string v = text(key, fallback);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      throw bad(key, v, fmt::format("one of {}", fmt::join(allowed, ", ")));
    }
    return v;
  }
  double number(const std::string& key, double fallback, double lo, double hi) const {
    if (!has(key)) return fallback;
    double v = 0;
    if (!parse_double(text(key, ""), v) || v < lo || v > hi) {
      throw bad(key, text(key, ""), fmt::format("a number in [{}, {}]", lo, hi));
    }
    return v;
  }
  // Counts (vms, shapes) are bounded by the instance limit; seeds are not.
  std::uint64_t integer(const std::string& key, std::uint64_t fallback,
                        long long max = limits::kMaxInstances) const {
    if (!has(key)) return fallback;
    long long v = 0;
    if (!parse_int64(text(key, ""), v) || v < 0) throw bad(key, text(key, ""), "a non-negative integer");
    if (v > max) throw bad(key, text(key, ""), fmt::format("an integer <= {}", max));
    return static_cast<std::uint64_t>(v);
  }
  std::uint64_t seed() const { return integer("seed", 1, std::numeric_limits<long long>::max()); }
  // FIRST-LAST (or one number N): the Bitbrains VMs N.csv to read.
  BitbrainsIds id_range(const std::string& key) const {
    BitbrainsIds ids;
    if (!has(key)) return ids;
    const std::string v = text(key, "");
    const auto dash = v.find('-');
    long long first = 0, last = 0;
    const bool ok = dash == std::string::npos
                        ? parse_int64(v, first) && (last = first, true)
                        : parse_int64(std::string_view(v).substr(0, dash), first) &&
                              parse_int64(std::string_view(v).substr(dash + 1), last);
    if (!ok || first < 0 || last < first) throw bad(key, v, "FIRST-LAST with 0 <= FIRST <= LAST (e.g. 101-200)");
    ids.first = first;
    ids.last = last;
    return ids;
  }
  bool flag(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    std::string v = text(key, "");
    if (v == "1" || v == "true" || v == "yes") return true;
    if (v == "0" || v == "false" || v == "no") return false;
    throw bad(key, v, "0 or 1");
  }

 private:
  InputError bad(const std::string& key, const std::string& value, const std::string& want) const {
    return InputError::field(fmt::format("workload {}@{}", spec_.reader, key),
                             fmt::format("expected {}, got '{}'", want, value));
  }
  const WorkloadSpec& spec_;
};

constexpr double kMaxHours = 1e6;

SeriesWorkloadOptions series_options(const Options& o, bool sizes_option) {
  SeriesWorkloadOptions s;
  s.seed = o.seed();
  s.static_vms = o.flag("static", false);
  s.max_vms = o.integer("vms", 0);
  s.min_life_share = o.number("min_life", 0.25, 1e-6, 1);
  if (sizes_option) s.trace_sizes = o.choice("sizes", "trace", {"trace", "flavors"}) == "trace";
  return s;
}

const std::vector<std::string> kSeriesOptions = {"seed", "static", "vms", "hours", "min_life"};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

using Loader = std::function<Workload(const WorkloadSpec&, const Options&, const std::string& path,
                                      const std::string& data_dir, ReadReport*)>;

struct Reader {
  WorkloadReaderInfo info;
  bool needs_path;  // false: PATH is unused (synthetic)
  Loader load;
};

const std::vector<Reader>& readers() {
  static const std::vector<Reader> list = {
      {{"planetlab", "planetlab/20110303",
        "PlanetLab CPU % per VM (CloudSim); sizes from the flavour mix, seeded lifetimes",
        kSeriesOptions},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         Workload w = workload_from_series(read_planetlab(path, r), series_options(o, false), r);
         apply_window(w, o.number("hours", 0, 0, kMaxHours), 0, r);
         return w;
       }},
      {{"bitbrains", "bitbrains-rnd/2013-7",
        "Bitbrains Rnd CPU + memory per VM with real sizes; seeded lifetimes; @ids=FIRST-LAST selects VMs",
        plus(kSeriesOptions, {"sizes", "ids"})},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         SeriesWorkloadOptions s = series_options(o, true);
         Workload w = workload_from_series(read_bitbrains(path, o.id_range("ids"), r), s, r);
         apply_window(w, o.number("hours", 0, 0, kMaxHours), 0, r);
         return w;
       }},
      {{"alibaba2018", "alibaba-2018",
        "Alibaba 2018 machines as instances (CPU + memory); machine_meta sizes; @ids=FIRST-LAST selects m_N",
        plus(kSeriesOptions, {"sizes", "step", "ids"})},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         SeriesTrace t = read_alibaba2018(path, o.number("step", 300, 1, 86400), r);
         if (o.has("ids")) {
           const BitbrainsIds ids = o.id_range("ids");
           t = select_series(t, ids.first, ids.last, r);
         }
         Workload w = workload_from_series(std::move(t), series_options(o, true), r);
         apply_window(w, o.number("hours", 0, 0, kMaxHours), 0, r);
         return w;
       }},
      {{"azure2017", "azure-2017-arrivals",
        "Azure 2017 arrivals, flavours and binned lifetimes, with PlanetLab, Bitbrains or Alibaba 2018 usage shapes",
        {"split", "shapes", "shapes_path", "shapes_ids", "seed", "hours", "vms"}},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path,
          const std::string& data_dir, ReadReport* r) {
         Azure2017Options a;
         a.seed = o.seed();
         a.hours = o.number("hours", 0, 0, kMaxHours);
         a.max_vms = o.integer("vms", 0);
         std::string split = o.choice("split", "test", {"train", "dev", "test"});
         std::string shapes = o.choice("shapes", "planetlab", {"planetlab", "bitbrains", "alibaba2018", "none"});
         if (o.has("shapes_path") && shapes == "none") {
           throw InputError::field("workload azure2017@shapes_path", "given with shapes=none");
         }
         if (o.has("shapes_ids") && shapes != "bitbrains" && shapes != "alibaba2018") {
           throw InputError::field("workload azure2017@shapes_ids",
                                   "selects Bitbrains VMs or Alibaba machines: needs shapes=bitbrains or alibaba2018");
         }
         Azure2017Trace trace = read_azure2017(path, split, a.hours * 3600, a.max_vms, r);
         if (shapes == "none") return azure2017_workload(trace, nullptr, a, r);
         SeriesTrace series;
         if (shapes == "planetlab") {
           series = read_planetlab(resolve_trace_path(o.text("shapes_path", "planetlab/20110303"), data_dir), r);
         } else if (shapes == "bitbrains") {
           series = read_bitbrains(resolve_trace_path(o.text("shapes_path", "bitbrains-rnd/2013-7"), data_dir),
                                   o.id_range("shapes_ids"), r);
         } else {
           // Whole machines' utilisation (5-minute means of the 10 s samples)
           // as the shapes of VMs: fraction of the machine = fraction of the VM.
           series = read_alibaba2018(resolve_trace_path(o.text("shapes_path", "alibaba-2018"), data_dir), 300, r);
           if (o.has("shapes_ids")) {
             const BitbrainsIds ids = o.id_range("shapes_ids");
             series = select_series(series, ids.first, ids.last, r);
           }
         }
         return azure2017_workload(trace, &series, a, r);
       }},
      {{"alibaba2023", "alibaba-gpu-2023",
        "Alibaba GPU 2023 pods (cpu, mem, gpu; usage = request) and nodes as hosts",
        {"pending", "pods", "nodes", "step", "hours", "vms"}},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         Alibaba2023Options a;
         a.include_pending = o.flag("pending", true);
         a.pods_file = o.text("pods", a.pods_file);
         a.nodes_file = o.text("nodes", a.nodes_file);
         a.step_seconds = o.number("step", 300, 1, 86400);
         Workload w = read_alibaba2023(path, a, r);
         apply_window(w, o.number("hours", 0, 0, kMaxHours), o.integer("vms", 0), r);
         return w;
       }},
      {{"azurefunctions", "azure-functions-2019",
        "Azure Functions 2019: functions as instances, CPU follows invocations x duration",
        {"hours", "vms"}},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         Workload w = azure_functions_workload(read_azure_functions(path, r), r);
         apply_window(w, o.number("hours", 0, 0, kMaxHours), o.integer("vms", 0), r);
         return w;
       }},
      {{"worldcup98", "worldcup98/wc98_per_minute.csv",
        "World Cup 98 requests per minute: one service whose CPU follows the request rate",
        {"cpu", "mem", "hours"}},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         Workload w = load_series_workload(read_worldcup98(path, r), o.number("cpu", 16, 1e-6, 1e6),
                                           o.number("mem", 32, 0, 1e7));
         apply_window(w, o.number("hours", 0, 0, kMaxHours), 0, r);
         return w;
       }},
      {{"canonical", "", "the documented CSV directory (instances.csv, usage.csv, workload.json)",
        {"hours", "vms"}},
       true,
       [](const WorkloadSpec&, const Options& o, const std::string& path, const std::string&,
          ReadReport* r) {
         Workload w = read_canonical(path, r);
         apply_window(w, o.number("hours", 0, 0, kMaxHours), o.integer("vms", 0), r);
         return w;
       }},
      {{"synthetic", "", "seeded diurnal VMs from the flavour mix (no data needed)",
        {"vms", "hours", "seed", "step", "shapes"}},
       false,
       [](const WorkloadSpec&, const Options& o, const std::string&, const std::string&,
          ReadReport*) {
         SyntheticOptions s;
         s.vms = o.integer("vms", 100);
         s.hours = o.number("hours", 24, 1e-3, 24 * 366);
         s.seed = o.seed();
         s.step_seconds = o.number("step", 300, 1, 86400);
         s.shapes = o.integer("shapes", 256);
         return make_synthetic(s);
       }},
  };
  return list;
}

}  // namespace

const std::vector<WorkloadReaderInfo>& workload_readers() {
  static const std::vector<WorkloadReaderInfo> infos = [] {
    std::vector<WorkloadReaderInfo> v;
    for (const Reader& r : readers()) v.push_back(r.info);
    return v;
  }();
  return infos;
}

std::string resolve_trace_path(const std::string& path, const std::string& data_dir) {
  const std::string resolved = resolve_data_path(path, data_dir);
  if (resolved != path) {
    if (!text::exists(resolved)) throw InputError(fmt::format("{}: not found", resolved));
    return resolved;
  }
  if (text::exists(path)) return path;
  if (!path.empty() && path.front() != '/') {
    const std::string under = text::join_path(fleetopt::data_dir(data_dir), path);
    if (text::exists(under)) return under;
    throw InputError(fmt::format("{}: not found (looked in the working directory and in the data "
                                 "dir as {})", path, under));
  }
  throw InputError(fmt::format("{}: not found", path));
}

Workload load_workload(const std::string& spec_text, const LoadOptions& opts, ReadReport* report) {
  ReportSink sink(report);
  WorkloadSpec spec = WorkloadSpec::parse(spec_text);
  const auto& list = readers();
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const Reader& r) { return r.info.name == spec.reader; });
  if (it == list.end()) {
    std::vector<std::string> names;
    for (const Reader& r : list) names.push_back(r.info.name);
    throw InputError::field("workload", fmt::format("unknown reader '{}' in '{}' (known: {})",
                                                    spec.reader, spec_text, fmt::join(names, ", ")));
  }
  Options options(spec);
  options.check(it->info.options);
  std::string path;
  if (it->needs_path) {
    std::string given = spec.path.empty() ? it->info.default_path : spec.path;
    if (given.empty()) {
      throw InputError::field("workload", fmt::format("{}: PATH required, e.g. {}:DIR", spec.reader,
                                                      spec.reader));
    }
    path = resolve_trace_path(given, opts.data_dir);
  } else if (!spec.path.empty()) {
    throw InputError::field("workload", fmt::format("{} takes no PATH, got '{}' (write {}:@KEY=VALUE)",
                                                    spec.reader, spec.path, spec.reader));
  }
  Workload w = it->load(spec, options, path, opts.data_dir, &*sink);
  w.name = spec_text;
  w.validate();
  return w;
}

}  // namespace fleetopt
