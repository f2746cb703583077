#include "fleetopt/rearrange/dc_model.h"

#include <algorithm>
#include <cmath>

#include "fleetopt/core/error.h"

namespace fleetopt::rearrange {

double PowerModel::at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  double x = u * 10.0;
  auto i = static_cast<std::size_t>(std::floor(x));
  if (i >= 10) return watts[10];
  double frac = x - static_cast<double>(i);
  return watts[i] + (watts[i + 1] - watts[i]) * frac;
}

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

}  // namespace fleetopt::rearrange
