#include "fleetopt/consolidate/dc_model.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::consolidate {

const PowerModel& hp_ml110_g4_power() {
  static const PowerModel m{{86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117}};
  return m;
}

const PowerModel& hp_ml110_g5_power() {
  static const PowerModel m{{93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135}};
  return m;
}

DcSetup cloudsim_planetlab_setup(const SeriesTrace& trace, std::int32_t hosts) {
  if (hosts <= 0) throw InputError::field("hosts", "expected a positive number of hosts");
  if (trace.size() == 0) throw InputError(trace.name + ": no series");
  DcSetup s;
  s.name = trace.name;
  s.step_seconds = trace.step_seconds;
  s.host_types = {{"HP ProLiant ML110 G4", 1860, 2, 4096, 1000, &hp_ml110_g4_power()},
                  {"HP ProLiant ML110 G5", 2660, 2, 4096, 1000, &hp_ml110_g5_power()}};
  for (std::int32_t h = 0; h < hosts; ++h) s.host_type.push_back(h % 2);
  s.vm_types = {{2500, 870}, {2000, 1740}, {1000, 1740}, {500, 613}};
  const std::size_t n = trace.size();
  const std::size_t per_type = (n + 3) / 4;
  std::uint32_t longest = 0;
  for (std::size_t i = 0; i < n; ++i) longest = std::max(longest, trace.length(i));
  s.steps = static_cast<std::int32_t>(longest);
  s.util.resize(n * longest);
  for (std::size_t i = 0; i < n; ++i) {
    s.vm_type.push_back(static_cast<std::int32_t>(i / per_type));
    s.vm_ids.push_back(trace.ids[i]);
    const UsageShape& shape = trace.shapes[i];
    const int cpu_slot = 0;  // PlanetLab stores CPU only
    float last = 0;
    for (std::uint32_t k = 0; k < longest; ++k) {
      if (k < shape.length) {
        last = trace.samples[shape.offset + static_cast<std::size_t>(k) * shape.stride + cpu_slot];
      }
      s.util[i * longest + k] = last;
    }
  }
  return s;
}

SeriesTrace reorder_series(const SeriesTrace& trace, const std::vector<std::string>& names) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < trace.size(); ++i) index.emplace(trace.ids[i], i);
  std::vector<char> used(trace.size(), 0);
  SeriesTrace out;
  out.name = trace.name;
  out.step_seconds = trace.step_seconds;
  out.dims = trace.dims;
  out.has_sizes = trace.has_sizes;
  out.hosts = trace.hosts;
  for (const std::string& name : names) {
    auto it = index.find(name);
    if (it == index.end()) {
      throw InputError::field("--vm-order", fmt::format("'{}' is not a series of {}", name, trace.name));
    }
    const std::size_t i = it->second;
    if (used[i]) throw InputError::field("--vm-order", fmt::format("'{}' is listed twice", name));
    used[i] = 1;
    const UsageShape& shape = trace.shapes[i];
    const auto begin = trace.samples.begin() + static_cast<std::ptrdiff_t>(shape.offset);
    std::vector<float> samples(begin, begin + static_cast<std::ptrdiff_t>(std::size_t{shape.length} * shape.stride));
    out.add_series(trace.ids[i], trace.first_step[i], trace.sizes.empty() ? Resources{} : trace.sizes[i], samples,
                   shape.length);
  }
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (!used[i]) {
      throw InputError::field("--vm-order", fmt::format("series '{}' of {} is not listed ({} of {} listed)",
                                                        trace.ids[i], trace.name, names.size(), trace.size()));
    }
  }
  return out;
}

std::vector<std::string> directory_order(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw InputError(fmt::format("{}: cannot list: {}", dir, std::strerror(errno)));
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name.front() == '.') continue;
    struct stat st {};
    if (::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) names.push_back(std::move(name));
  }
  ::closedir(d);
  return names;
}

}  // namespace fleetopt::consolidate
