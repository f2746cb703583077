// The hosts that one phase of a classic pair's round may place VMs on, with
// what the power-aware best fit reads of each (demand, capacity, power
// baseline, power curve) copied side by side. A host search then computes
// every candidate's power increase in one pass over contiguous arrays, four
// hosts at a time where the processor has AVX2, instead of looking up each
// host's state and type in turn (about 45 instructions a candidate, the
// largest share of the IQR and MAD pairs' searches outside the overload test).
// Entries stay in host order, so the first least increase is the lowest
// host among equals, as CloudSim's strict-less scan in host order chooses.
// Each increase is the same IEEE expression as DcView::power_with(h, v)
// minus the baseline, in the same order, so the same bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "fleetopt/consolidate/cpu_features.h"
#include "fleetopt/consolidate/dc_view.h"

namespace fleetopt::consolidate {

namespace detail {

// The table's columns, padded with dead entries to a multiple of four.
struct CandidateColumns {
  const double* demand;   // the host's demand in the view
  const double* cap;      // MIPS x (1 + 1e-9), -infinity: not a candidate
  const double* core;     // MIPS of one core
  const double* mips;     // MIPS of the host
  const double* ram;      // RAM in use (MB)
  const double* ram_cap;  // RAM (MB)
  const double* base;     // the power the increase is counted from (W)
  const std::int32_t* curve;  // offset of the host's power curve in `curves`
  const double* curves;       // each curve's 11 points (W), see PowerModel
  std::size_t size;           // a multiple of four
};

// out[p] = power increase of placing a VM of demand d (and RAM ram) on entry
// p, or +infinity where it is not a suitable candidate.
void candidate_increases_portable(const CandidateColumns& c, double d, double ram, bool strict_ram, double* out);
// The same for entry p alone.
double candidate_increase(const CandidateColumns& c, std::size_t p, double d, double ram, bool strict_ram);
#if FLEETOPT_X86_AVX2
void candidate_increases_avx2(const CandidateColumns& c, double d, double ram, bool strict_ram, double* out);
#endif

}  // namespace detail

class CandidateTable {
 public:
  // The hosts `hosts` (sorted, distinct) of `view`; the increase counts from
  // stale_power[h] where given (CloudSimQuirks::stale_power_baseline), else
  // from the view's current power of the host.
  void reset(const DcView& view, const std::vector<std::int32_t>& hosts, const std::vector<double>& stale_power);
  // h (not yet an entry) becomes a candidate, in host order.
  void insert(const DcView& view, std::int32_t h);
  // h is no longer a candidate (its entry stays, dead).
  void erase(std::int32_t h);
  // Every entry's power increase for VM v (not on any host in the view), or
  // +infinity where v does not fit (DcView::suitable) or the entry is dead;
  // `out` gets size() values, then +infinity up to a multiple of `pad`.
  // Reads the hosts the view changed since the last call afresh first. A
  // call for the same demand and RAM as the last (47% of MAD-MU's searches:
  // PlanetLab's utilisation is in whole percent) recomputes only the
  // entries changed since.
  void increases(const DcView& view, std::int32_t v, std::vector<double>& out, std::size_t pad);

  std::size_t size() const { return host_.size(); }
  // Whether entry p is still a candidate (not erased). Unlike increases, it
  // needs no catching up with the view.
  bool live(std::size_t p) const { return cap_[p] != -std::numeric_limits<double>::infinity(); }
  std::int32_t host(std::size_t p) const { return host_[p]; }

 private:
  void refresh(const DcView& view, std::size_t p);
  detail::CandidateColumns columns() const;
  std::int32_t curve_of(const PowerModel* model);

  const std::vector<double>* stale_ = nullptr;
  std::uint64_t view_ = 0;
  std::size_t log_ = 0;  // DcView::change_count() when last brought up to date
  std::vector<std::int32_t> host_;
  std::vector<std::int32_t> entry_;  // per host: its entry, or -1
  std::vector<double> demand_, cap_, core_, mips_, ram_, ram_cap_, base_;
  std::vector<std::int32_t> curve_;
  std::vector<const PowerModel*> models_;
  std::vector<double> curves_;
  // The last call's increases (before padding), for a VM of demand last_d_
  // and RAM last_ram_, and the entries refreshed since.
  std::vector<double> last_;
  double last_d_ = 0, last_ram_ = 0;
  bool last_valid_ = false;
  std::vector<std::size_t> refreshed_;
};

}  // namespace fleetopt::consolidate
