#include "fleetopt/consolidate/dc_view.h"

#include <algorithm>
#include <atomic>

#include "fleetopt/core/slot_list.h"

namespace fleetopt::consolidate {
namespace {
std::atomic<std::uint64_t> next_view_id{1};
}  // namespace

DcView::DcView(const DcState& state, std::int32_t history) : len_(std::max(1, history)) { rebuild(state); }

void DcView::rebuild(const DcState& state) {
  state_ = &state;
  id_ = next_view_id.fetch_add(1);
  strict_ram_ = state.ram_model() == RamModel::kStrict;
  const DcSetup& s = state.setup();
  host_.resize(ix(s.num_hosts()));
  for (std::int32_t h = 0; h < s.num_hosts(); ++h) {
    const DcHostType& t = s.host(h);
    host_[ix(h)] = {t.mips(), t.core_mips, t.ram_mb, t.power};
  }
  host_of_.assign(ix(s.num_vms()), -1);
  slot_.assign(ix(s.num_vms()), -1);
  vms_on_.resize(ix(s.num_hosts()));
  for (auto& list : vms_on_) list.clear();  // keeps each list's storage
  demand_.assign(ix(s.num_hosts()), 0);
  ram_.assign(ix(s.num_hosts()), 0);
  hist_.assign(ix(s.num_hosts()) * ix(len_), 0);
  power_now_.assign(ix(s.num_hosts()), 0);
  revision_.assign(ix(s.num_hosts()), 0);
  // What add() would leave, VM by VM in the state's order (the same sums),
  // without its per-VM bookkeeping: the power once per host, no change log
  // (it starts with the view), one revision per host (a new view id
  // already tells the content apart from any earlier view's).
  for (std::int32_t h = 0; h < s.num_hosts(); ++h) {
    for (std::int32_t v : state.vms_on(h)) {
      host_of_[ix(v)] = h;
      slot_list_insert(vms_on_[ix(h)], slot_, v);
      demand_[ix(h)] += state.demand(v);
      ram_[ix(h)] += s.vm(v).ram_mb;
      shift(v, h, 1);
    }
    update_power(h);
  }
  changed_.clear();
}

void DcView::shift(std::int32_t v, std::int32_t h, double sign) {
  const DcSetup& s = setup();
  const double scale = s.vm(v).mips / s.host(h).mips();
  double* row = &hist_[ix(h) * ix(len_)];
  const std::int32_t n = history_available();
  // n <= step + 1: every sample read exists, so the series is read directly
  // (newest first), in a loop the compiler vectorises.
  const float* now = s.utilisation_series(v) + state_->step();
  for (std::int32_t i = 0; i < n; ++i) row[i] += sign * static_cast<double>(now[-i]) * scale;
}

void DcView::add(std::int32_t v, std::int32_t h) {
  ++revision_[ix(h)];
  changed_.push_back(h);
  host_of_[ix(v)] = h;
  slot_list_insert(vms_on_[ix(h)], slot_, v);
  demand_[ix(h)] += state_->demand(v);
  ram_[ix(h)] += setup().vm(v).ram_mb;
  shift(v, h, 1);
  update_power(h);
}

void DcView::remove(std::int32_t v) {
  std::int32_t h = host_of_[ix(v)];
  ++revision_[ix(h)];
  changed_.push_back(h);
  auto& list = vms_on_[ix(h)];
  slot_list_erase(list, slot_, v);
  host_of_[ix(v)] = -1;
  if (list.empty()) {
    demand_[ix(h)] = 0;
    ram_[ix(h)] = 0;
    std::fill(hist_.begin() + static_cast<std::ptrdiff_t>(ix(h) * ix(len_)),
              hist_.begin() + static_cast<std::ptrdiff_t>((ix(h) + 1) * ix(len_)), 0.0);
    update_power(h);
    return;
  }
  demand_[ix(h)] -= state_->demand(v);
  ram_[ix(h)] -= setup().vm(v).ram_mb;
  shift(v, h, -1);
  update_power(h);
}

double ols_predict(const double* y, std::int32_t n, double x) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::int32_t i = 0; i < n; ++i) {
    double xi = i + 1;
    sx += xi;
    sy += y[i];
    sxx += xi * xi;
    sxy += xi * y[i];
  }
  double denom = n * sxx - sx * sx;
  if (denom == 0) return n > 0 ? sy / n : 0;
  double slope = (n * sxy - sx * sy) / denom;
  double intercept = (sy - slope * sx) / n;
  return intercept + slope * x;
}

}  // namespace fleetopt::consolidate
