// The data centre of the most cited VM-consolidation benchmark (CloudSim's
// PlanetLab experiments, Beloglazov & Buyya, CCPE 2012): 800 hosts, half
// HP ProLiant ML110 G4 (2 x 1860 MIPS), half G5 (2 x 2660 MIPS), 4 GB RAM,
// 1 Gbit/s; one single-core VM per PlanetLab series, of four types
// (2500/2000/1000/500 MIPS, 870/1740/1740/613 MB), CPU demand = the series'
// percentage x the VM's MIPS, power from the servers' SPECpower tables.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fleetopt/trace/read_report.h"
#include "fleetopt/trace/series_trace.h"

namespace fleetopt::consolidate {

// Watts at 0, 10, ..., 100% CPU, linearly interpolated in between.
struct PowerModel {
  std::array<double, 11> watts{};
  // Without branches (host searches evaluate it for every candidate): at
  // full load the segment is the last point's with itself, adding 0.
  double at(double u) const {
    u = u < 0 ? 0 : (u > 1 ? 1 : u);
    const double x = u * 10.0;
    const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(x), 10);  // floor: x >= 0
    const double next = watts[std::min<std::size_t>(i + 1, 10)];
    return watts[i] + (next - watts[i]) * (x - static_cast<double>(i));
  }
};
const PowerModel& hp_ml110_g4_power();  // 86 ... 117 W
const PowerModel& hp_ml110_g5_power();  // 93.7 ... 135 W

struct DcHostType {
  std::string name;
  double core_mips = 0;
  std::int32_t cores = 0;
  double ram_mb = 0;
  double bw_mbps = 0;
  const PowerModel* power = nullptr;
  double mips() const { return core_mips * cores; }
};

struct DcVmType {
  double mips = 0;  // one core
  double ram_mb = 0;
};

struct DcSetup {
  std::string name;
  std::vector<DcHostType> host_types;
  std::vector<std::int32_t> host_type;  // per host
  std::vector<DcVmType> vm_types;
  std::vector<std::int32_t> vm_type;    // per VM
  std::vector<std::string> vm_ids;
  std::int32_t steps = 0;
  double step_seconds = 300;
  std::vector<float> util;  // [vm * steps + step]: share of the VM's MIPS demanded

  std::int32_t num_hosts() const { return static_cast<std::int32_t>(host_type.size()); }
  std::int32_t num_vms() const { return static_cast<std::int32_t>(vm_type.size()); }
  const DcHostType& host(std::int32_t h) const { return host_types[static_cast<std::size_t>(host_type[static_cast<std::size_t>(h)])]; }
  const DcVmType& vm(std::int32_t v) const { return vm_types[static_cast<std::size_t>(vm_type[static_cast<std::size_t>(v)])]; }
  float utilisation(std::int32_t v, std::int32_t step) const { return utilisation_series(v)[step]; }
  const float* utilisation_series(std::int32_t v) const {  // steps samples
    return &util[static_cast<std::size_t>(v) * static_cast<std::size_t>(steps)];
  }
  // Seconds a live migration of v takes: RAM over half the link (CloudSim).
  double migration_seconds(std::int32_t v, std::int32_t to) const {
    return vm(v).ram_mb / (host(to).bw_mbps / 2.0 / 8.0);
  }
};

// The CloudSim setting over one PlanetLab day: `hosts` hosts alternating G4
// and G5, VM type = index / ceil(VMs / 4) as CloudSim assigns it (series in
// file-name order). Series shorter than the longest hold their last value.
DcSetup cloudsim_planetlab_setup(const SeriesTrace& trace, std::int32_t hosts = 800);

// The series of `trace` in the order `names` lists them (CloudSim assigns VM
// types by position in File.listFiles(), i.e. directory order). Every name
// must be a series of the trace and every series named once; a name the
// trace lacks, a repeat or a series left out is an InputError.
SeriesTrace reorder_series(const SeriesTrace& trace, const std::vector<std::string>& names);

// The regular, non-hidden files of `dir` in the order readdir returns them
// (unsorted, as Java's File.listFiles()).
std::vector<std::string> directory_order(const std::string& dir);

}  // namespace fleetopt::consolidate
