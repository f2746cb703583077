#include "fleetopt/trace/series_trace.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/trace/defaults.h"

namespace fleetopt {

std::int64_t SeriesTrace::end_step() const {
  std::int64_t end = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    end = std::max(end, first_step[i] + static_cast<std::int64_t>(shapes[i].length));
  }
  return end;
}

void SeriesTrace::add_series(std::string id, std::int64_t first, const Resources& size,
                             const std::vector<float>& interleaved, std::uint32_t length) {
  UsageShape s;
  s.dims = dims;
  s.stride = static_cast<std::uint8_t>(std::popcount(static_cast<unsigned>(dims)));
  s.length = length;
  s.offset = static_cast<std::uint32_t>(samples.size());
  if (length == 0 || interleaved.size() < std::size_t{length} * s.stride) {
    throw std::logic_error("SeriesTrace::add_series: too few samples");
  }
  samples.insert(samples.end(), interleaved.begin(),
                 interleaved.begin() + static_cast<std::ptrdiff_t>(std::size_t{length} * s.stride));
  shapes.push_back(s);
  ids.push_back(std::move(id));
  first_step.push_back(first);
  sizes.push_back(size);
}

SeriesTrace select_series(const SeriesTrace& trace, long long first, long long last, ReadReport* report) {
  ReportSink sink(report);
  SeriesTrace out;
  out.name = fmt::format("{}@ids={}-{}", trace.name, first, last);
  out.step_seconds = trace.step_seconds;
  out.dims = trace.dims;
  out.has_sizes = trace.has_sizes;
  std::vector<float> interleaved;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const std::string& id = trace.ids[i];
    std::size_t digits = id.size();
    while (digits > 0 && id[digits - 1] >= '0' && id[digits - 1] <= '9') --digits;
    long long n = 0;
    if (digits == id.size() || !parse_int64(std::string_view(id).substr(digits), n)) {
      sink->count("unnumbered_series_skipped");
      continue;
    }
    if (n < first || n > last) continue;
    const UsageShape& s = trace.shapes[i];
    const auto begin = trace.samples.begin() + static_cast<std::ptrdiff_t>(s.offset);
    interleaved.assign(begin, begin + static_cast<std::ptrdiff_t>(std::size_t{s.length} * s.stride));
    out.add_series(id, trace.first_step[i], trace.has_sizes ? trace.sizes[i] : Resources{}, interleaved, s.length);
    for (const HostSpec& h : trace.hosts) {
      if (h.id == id) out.hosts.push_back(h);
    }
  }
  if (out.size() == 0) {
    throw InputError(fmt::format("{}: no series whose id ends in a number N with {} <= N <= {}", trace.name,
                                 first, last));
  }
  return out;
}

namespace {

// Seeded subset of `count` indices out of n, returned in ascending order.
std::vector<std::size_t> choose_subset(std::size_t n, std::size_t count, Rng& rng) {
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  if (count == 0 || count >= n) return all;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t j = i + static_cast<std::size_t>(rng.below(n - i));
    std::swap(all[i], all[j]);
  }
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

Workload workload_from_series(SeriesTrace trace, const SeriesWorkloadOptions& opts,
                              ReadReport* report) {
  ReportSink sink(report);
  if (trace.size() == 0) throw InputError(trace.name + ": no usage series to build a workload from");
  if (opts.max_vms > trace.size()) {
    throw InputError::field("vms", fmt::format("{} has only {} series, {} requested", trace.name,
                                               trace.size(), opts.max_vms));
  }
  if (!(opts.min_life_share > 0 && opts.min_life_share <= 1)) {
    throw InputError::field("min_life", "must be in (0, 1]");
  }
  Rng base(opts.seed);
  Rng subset_rng = base.fork(1);
  Rng flavor_rng = base.fork(2);
  Rng life_rng = base.fork(3);

  const bool use_trace_sizes = opts.trace_sizes && trace.has_sizes;
  const auto& mix = default_flavor_mix();
  std::vector<std::size_t> chosen = choose_subset(trace.size(), opts.max_vms, subset_rng);

  Workload w;
  w.name = trace.name;
  w.step_seconds = trace.step_seconds;
  w.start = 0;
  w.dims = trace.dims;  // a CPU-only trace is simulated on CPU only: no invented memory constraint
  w.instances.reserve(chosen.size());
  w.ids.reserve(chosen.size());
  w.tags.reserve(chosen.size());
  const double step = trace.step_seconds;
  // A subset keeps only its own shapes.
  const bool subset = chosen.size() < trace.size();
  if (subset) {
    std::size_t total = 0;
    for (std::size_t i : chosen) total += std::size_t{trace.shapes[i].length} * trace.shapes[i].stride;
    w.samples.reserve(total);
  }
  for (std::size_t i : chosen) {
    const std::int64_t length = trace.shapes[i].length;
    Instance inst;
    inst.shape = static_cast<std::int32_t>(i);
    if (subset) {
      UsageShape s = trace.shapes[i];
      const auto begin = trace.samples.begin() + static_cast<std::ptrdiff_t>(s.offset);
      s.offset = static_cast<std::uint32_t>(w.samples.size());
      w.samples.insert(w.samples.end(), begin,
                       begin + static_cast<std::ptrdiff_t>(std::size_t{s.length} * s.stride));
      inst.shape = static_cast<std::int32_t>(w.shapes.size());
      w.shapes.push_back(s);
    }
    std::string tag;
    if (use_trace_sizes) {
      inst.request = trace.sizes[i];
    } else {
      const Flavor& f = mix[pick_flavor(mix, flavor_rng)];
      inst.request = make_resources(f.cpu, f.mem);
      tag = "flavor=" + f.name;
    }
    std::int64_t offset = 0;
    std::int64_t life = length;
    if (!opts.static_vms) {
      double share = life_rng.uniform(opts.min_life_share, 1.0);
      life = std::clamp<std::int64_t>(std::llround(share * static_cast<double>(length)), 1, length);
      offset = static_cast<std::int64_t>(life_rng.below(static_cast<std::uint64_t>(length - life + 1)));
    }
    inst.phase = static_cast<std::uint32_t>(offset);
    inst.arrival = static_cast<double>(trace.first_step[i] + offset) * step;
    inst.departure = inst.arrival + static_cast<double>(life) * step;
    w.end = std::max(w.end, inst.departure);
    w.instances.push_back(inst);
    w.ids.push_back(trace.ids[i]);
    w.tags.push_back(std::move(tag));
  }
  if (!subset) {
    w.shapes = std::move(trace.shapes);
    w.samples = std::move(trace.samples);
  }
  w.hosts = std::move(trace.hosts);
  std::vector<Resources> requests;
  requests.reserve(w.instances.size());
  for (const Instance& inst : w.instances) requests.push_back(inst.request);
  w.default_host = grow_host_to_fit(opts.default_host, w.dims, requests);
  w.sort_by_arrival();
  sink->note(fmt::format("{}: {} VMs, {}, sizes from {}, seed {}", w.name, w.size(),
                         opts.static_vms ? "static (whole series)" : "seeded lifetimes",
                         use_trace_sizes ? "the trace" : "the Azure 2017 flavour mix",
                         opts.seed));
  return w;
}

void apply_window(Workload& w, double hours, std::size_t max_vms, ReadReport* report) {
  ReportSink sink(report);
  if (hours > 0) {
    const double end = w.start + hours * 3600.0;
    std::size_t kept = 0;
    std::int64_t cut = 0;
    for (std::size_t i = 0; i < w.instances.size(); ++i) {
      Instance inst = w.instances[i];
      if (inst.arrival >= end) continue;
      if (inst.departure > end) {
        inst.departure = end;
        ++cut;
      }
      w.instances[kept] = inst;
      if (kept != i) {  // a self-move would empty the string
        if (!w.ids.empty()) w.ids[kept] = std::move(w.ids[i]);
        if (!w.tags.empty()) w.tags[kept] = std::move(w.tags[i]);
      }
      ++kept;
    }
    sink->count("instances_after_window", static_cast<std::int64_t>(w.instances.size() - kept));
    sink->count("departures_cut_at_window", cut);
    w.instances.resize(kept);
    if (!w.ids.empty()) w.ids.resize(kept);
    if (!w.tags.empty()) w.tags.resize(kept);
    w.end = std::min(w.end, end);
  }
  if (max_vms > 0 && w.instances.size() > max_vms) {
    sink->count("instances_over_vm_limit", static_cast<std::int64_t>(w.instances.size() - max_vms));
    w.instances.resize(max_vms);
    if (!w.ids.empty()) w.ids.resize(max_vms);
    if (!w.tags.empty()) w.tags.resize(max_vms);
    double end = w.start;
    for (const Instance& inst : w.instances) end = std::max(end, inst.departure);
    w.end = std::min(w.end, end);
  }
}

}  // namespace fleetopt
