#include "fleetopt/trace/azure2017.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/trace/text_file.h"

namespace fleetopt {
namespace {

std::vector<Flavor> read_flavor_map(const std::string& path, std::array<int, 256>& index) {
  index.fill(-1);
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<Flavor> flavors;
  std::vector<std::string_view> parts, size;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    text::split(text::trim(line), ' ', parts);
    if (parts.size() != 2) {
      throw InputError::at(path, lines.line_no(), "expected 'vcpu,memGB letter'");
    }
    text::split(parts[0], ',', size);
    Flavor f;
    f.name = std::string(text::trim(parts[1]));
    if (size.size() != 2 || !parse_double(size[0], f.cpu) || !parse_double(size[1], f.mem) ||
        f.cpu < 0 || f.mem < 0) {
      throw InputError::at(path, lines.line_no(),
                           fmt::format("expected two non-negative numbers 'vcpu,memGB', got '{}'",
                                       parts[0]));
    }
    if (f.name.size() != 1) {
      throw InputError::at(path, lines.line_no(),
                           fmt::format("flavour name must be one character, got '{}'", f.name));
    }
    auto c = static_cast<unsigned char>(f.name[0]);
    if (index[c] >= 0) {
      throw InputError::at(path, lines.line_no(), fmt::format("flavour '{}' defined twice", f.name));
    }
    if (flavors.size() >= 255) throw InputError::at(path, lines.line_no(), "too many flavours");
    index[c] = static_cast<int>(flavors.size());
    flavors.push_back(f);
  }
  if (flavors.empty()) throw InputError::at(path, 1, "no flavours");
  return flavors;
}

void read_duration_bins(const std::string& path, std::vector<double>& lower,
                        std::vector<double>& upper) {
  const std::string data = text::read_file(path);
  text::Lines lines(data);
  std::string_view line;
  std::vector<std::string_view> parts;
  long long last_seconds = -1, prev_seconds = -1, last_bin = -1;
  while (lines.next(line)) {
    if (text::is_blank(line)) continue;
    text::split(text::trim(line), ' ', parts);
    long long seconds = 0, bin = 0;
    if (parts.size() != 2 || !parse_int64(parts[0], seconds) || !parse_int64(parts[1], bin) ||
        seconds < 0 || bin < 0 || bin > 255) {
      throw InputError::at(path, lines.line_no(), "expected 'seconds bin' (bin in 0..255)");
    }
    if (seconds <= last_seconds || bin < last_bin || bin > last_bin + 1) {
      throw InputError::at(path, lines.line_no(),
                           "seconds must increase and bins rise by at most one per line");
    }
    if (bin == last_bin + 1) {
      if (bin > 0) upper.push_back(static_cast<double>(seconds));
      lower.push_back(static_cast<double>(seconds));
    }
    prev_seconds = last_seconds;
    last_seconds = seconds;
    last_bin = bin;
  }
  if (lower.empty()) throw InputError::at(path, 1, "no duration bins");
  // The last bin is open-ended in the source; it is closed one listing step
  // after its last entry.
  double step = prev_seconds >= 0 ? static_cast<double>(last_seconds - prev_seconds) : 300.0;
  upper.push_back(static_cast<double>(last_seconds) + step);
}

// "<split>.durations.c<NNN>.txt" in dir, or "" if there is none.
std::string find_durations(const std::string& dir, const std::string& split, double& censor) {
  const std::string prefix = split + ".durations.c";
  for (const std::string& name : text::list_files(dir)) {
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 5) continue;
    if (name.compare(name.size() - 4, 4, ".txt") != 0) continue;
    std::string_view digits(name);
    digits = digits.substr(prefix.size(), digits.size() - prefix.size() - 4);
    long long c = 0;
    if (!parse_int64(digits, c) || c <= 0) continue;
    censor = static_cast<double>(c);
    return text::join_path(dir, name);
  }
  return "";
}

// Splits "<t> tokens" into the time and the token list.
double split_line(std::string_view line, const std::string& path, std::size_t n,
                  std::vector<std::string_view>& tokens) {
  line = text::trim(line);
  std::size_t space = line.find(' ');
  std::string_view time_text = line.substr(0, space);
  long long t = 0;
  if (!parse_int64(time_text, t) || t < 0) {
    throw InputError::at(path, n, fmt::format("expected a time in seconds, got '{}'", time_text));
  }
  tokens.clear();
  if (space != std::string_view::npos) text::split(text::trim(line.substr(space + 1)), ',', tokens);
  return static_cast<double>(t);
}

}  // namespace

Azure2017Trace read_azure2017(const std::string& dir, const std::string& split,
                              double max_seconds, std::size_t max_vms, ReadReport* report) {
  ReportSink sink(report);
  if (split != "train" && split != "dev" && split != "test") {
    throw InputError::field("split", fmt::format("unknown split '{}' (known: train, dev, test)", split));
  }
  Azure2017Trace trace;
  trace.split = split;
  std::array<int, 256> flavor_index{};
  trace.flavors = read_flavor_map(text::join_path(dir, "flavor_map.txt"), flavor_index);
  for (Flavor& f : trace.flavors) f.weight = 0;
  read_duration_bins(text::join_path(dir, "duration_bins.txt"), trace.bin_lower, trace.bin_upper);

  const std::string flavors_path = text::join_path(dir, split + ".flavors.txt");
  const std::string durations_path = find_durations(dir, split, trace.censor_time);
  trace.has_durations = !durations_path.empty();
  const std::string flavor_data = text::read_file(flavors_path);
  const std::string duration_data = trace.has_durations ? text::read_file(durations_path) : "";
  text::Lines flines(flavor_data), dlines(duration_data);
  std::string_view fline, dline;
  std::vector<std::string_view> ftok, dtok;
  double previous = 0;
  bool first_line = true;
  std::uint32_t batch = 0;
  std::int64_t empty_tokens = 0;
  bool open_batch = false;
  while (flines.next(fline)) {
    if (text::is_blank(fline)) continue;
    const std::size_t n = flines.line_no();
    double t = split_line(fline, flavors_path, n, ftok);
    if (trace.has_durations) {
      do {
        if (!dlines.next(dline)) {
          throw InputError::at(durations_path, dlines.line_no() + 1,
                               fmt::format("ends before {} line {}", flavors_path, n));
        }
      } while (text::is_blank(dline));
      double dt = split_line(dline, durations_path, dlines.line_no(), dtok);
      if (dt != t || dtok.size() != ftok.size()) {
        throw InputError::at(durations_path, dlines.line_no(),
                             fmt::format("does not pair with {} line {} (time {} vs {}, {} vs {} "
                                         "tokens)", flavors_path, n, dt, t, dtok.size(), ftok.size()));
      }
    }
    if (first_line) {
      previous = t - 300;  // the first line covers one line interval
      trace.start = previous;
      first_line = false;
    }
    if (t <= previous) {
      throw InputError::at(flavors_path, n, fmt::format("time {} does not increase", t));
    }
    for (std::size_t k = 0; k < ftok.size(); ++k) {
      std::string_view tok = text::trim(ftok[k]);
      std::string_view dur = trace.has_durations ? text::trim(dtok[k]) : std::string_view("|");
      if (tok.empty()) {
        ++empty_tokens;
        continue;
      }
      if (tok == "|") {
        if (trace.has_durations && dur != "|") {
          throw InputError::at(durations_path, dlines.line_no(),
                               fmt::format("token {} is '{}' where the flavours have '|'", k + 1, dur));
        }
        if (open_batch) ++batch;
        open_batch = false;
        continue;
      }
      int fi = tok.size() == 1 ? flavor_index[static_cast<unsigned char>(tok[0])] : -1;
      if (fi < 0) {
        throw InputError::at(flavors_path, n, fmt::format("unknown flavour '{}'", tok));
      }
      Azure2017Vm vm;
      vm.line_start = previous;
      vm.line_end = t;
      vm.batch = batch;
      vm.flavor = static_cast<std::uint8_t>(fi);
      open_batch = true;
      if (trace.has_durations) {
        long long bin = -1;
        if (dur.size() < 2 || (dur[0] != 'U' && dur[0] != 'C') || !parse_int64(dur.substr(1), bin) ||
            bin < 0 || static_cast<std::size_t>(bin) >= trace.bin_lower.size()) {
          throw InputError::at(durations_path, dlines.line_no(),
                               fmt::format("token {}: expected U<bin> or C<bin> with a bin in 0..{}, "
                                           "got '{}'", k + 1, trace.bin_lower.size() - 1, dur));
        }
        vm.censored = dur[0] == 'C';
        vm.duration_bin = static_cast<std::uint8_t>(bin);
      }
      trace.flavors[static_cast<std::size_t>(fi)].weight += 1;
      trace.vms.push_back(vm);
    }
    // A batch does not run across lines.
    if (open_batch) ++batch;
    open_batch = false;
    previous = t;
    if (max_seconds > 0 && t >= trace.start + max_seconds) break;
    if (max_vms > 0 && trace.vms.size() >= max_vms) break;
  }
  if (empty_tokens > 0) sink->count("empty_tokens", empty_tokens);
  if (trace.vms.empty()) throw InputError::at(flavors_path, 1, "no VM arrivals");
  return trace;
}

Workload azure2017_workload(const Azure2017Trace& trace, SeriesTrace* shapes,
                            const Azure2017Options& opts, ReadReport* report) {
  ReportSink sink(report);
  if (!trace.has_durations) {
    throw InputError(fmt::format("azure2017 split '{}' has flavours only (no durations file), so "
                                 "its VMs have no lifetimes; use split=dev or split=test",
                                 trace.split));
  }
  if (shapes != nullptr && shapes->size() == 0) throw InputError("azure2017: no usage shapes");
  if (shapes != nullptr && shapes->step_seconds != opts.step_seconds) {
    throw InputError(fmt::format("azure2017: shapes from {} have {} s steps, the workload {} s",
                                 shapes->name, shapes->step_seconds, opts.step_seconds));
  }
  Workload w;
  w.name = "azure2017:" + trace.split;
  w.step_seconds = opts.step_seconds;
  w.start = trace.start;
  w.dims = kCpuMem;
  double window_end = trace.censor_time;
  if (opts.hours > 0) window_end = std::min(window_end, trace.start + opts.hours * 3600);
  w.end = window_end;

  Rng base(opts.seed);
  Rng arrival_rng = base.fork(1), duration_rng = base.fork(2), shape_rng = base.fork(3);
  w.instances.reserve(trace.vms.size());
  w.ids.reserve(trace.vms.size());
  w.tags.reserve(trace.vms.size());
  std::uint32_t current_batch = std::numeric_limits<std::uint32_t>::max();
  double batch_arrival = 0;
  std::int64_t cut_at_censoring = 0, censored = 0, bin_mismatch = 0, after_censoring = 0;
  for (std::size_t i = 0; i < trace.vms.size(); ++i) {
    const Azure2017Vm& vm = trace.vms[i];
    if (vm.batch != current_batch) {
      current_batch = vm.batch;
      batch_arrival = vm.line_start + arrival_rng.uniform() * (vm.line_end - vm.line_start);
    }
    const double u = duration_rng.uniform();
    std::int32_t shape = -1;
    std::uint32_t phase = 0;
    if (shapes != nullptr) {
      shape = static_cast<std::int32_t>(shape_rng.below(shapes->size()));
      phase = static_cast<std::uint32_t>(
          shape_rng.below(shapes->shapes[static_cast<std::size_t>(shape)].length));
    }
    if (batch_arrival >= trace.censor_time) {
      ++after_censoring;
      continue;
    }
    Instance inst;
    inst.arrival = batch_arrival;
    const Flavor& f = trace.flavors[vm.flavor];
    inst.request = make_resources(f.cpu, f.mem);
    const double lo = trace.bin_lower[vm.duration_bin], hi = trace.bin_upper[vm.duration_bin];
    if (vm.censored) {
      ++censored;
      inst.departure = std::max(window_end, inst.arrival + 1);
      // Running for c - arrival at the censoring time: should lie in the bin.
      double ran = trace.censor_time - inst.arrival;
      if (ran < lo - 300 || ran > hi + 300) ++bin_mismatch;
    } else {
      double room = trace.censor_time - inst.arrival;  // a finished VM ended before c
      double top = std::min(hi, room), bottom = std::min(lo, top);
      if (top < hi) ++cut_at_censoring;
      inst.departure = inst.arrival + std::max(1.0, bottom + u * (top - bottom));
    }
    inst.shape = shape;
    inst.phase = phase;
    w.instances.push_back(inst);
    w.ids.push_back(fmt::format("vm{}", i));
    w.tags.push_back(fmt::format("flavor={};batch={}", f.name, vm.batch));
  }
  sink->count("censored_vms_run_to_window_end", censored);
  if (cut_at_censoring > 0) sink->count("durations_cut_at_censoring", cut_at_censoring);
  if (bin_mismatch > 0) sink->count("censored_bin_mismatch", bin_mismatch);
  if (after_censoring > 0) sink->count("arrivals_after_censoring_dropped", after_censoring);
  if (shapes != nullptr) {
    w.shapes = std::move(shapes->shapes);
    w.samples = std::move(shapes->samples);
    sink->note(fmt::format("azure2017: usage shapes from {} ({} series), seed {}", shapes->name,
                           w.shapes.size(), opts.seed));
  }
  w.default_host = make_resources(32, 128);
  w.sort_by_arrival();
  apply_window(w, opts.hours, opts.max_vms, &*sink);
  return w;
}

}  // namespace fleetopt
