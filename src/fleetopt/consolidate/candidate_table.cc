#include "fleetopt/consolidate/candidate_table.h"

#include <algorithm>
#include <limits>

namespace fleetopt::consolidate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kCurveStride = 16;  // a curve's 11 points, padded

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

}  // namespace

namespace detail {

// PowerModel::at((demand + d) / mips) - base, term by term in its order.
double candidate_increase(const CandidateColumns& c, std::size_t p, double d, double ram, bool strict_ram) {
  const double sum = c.demand[p] + d;
  bool ok = !(d > c.core[p]) && !(sum > c.cap[p]);
  if (strict_ram) ok = ok && c.ram[p] + ram <= c.ram_cap[p];
  double u = sum / c.mips[p];
  u = u < 0 ? 0 : (u > 1 ? 1 : u);
  const double x = u * 10.0;
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(x), 10);
  const double* w = c.curves + c.curve[p];
  const double next = w[std::min<std::size_t>(i + 1, 10)];
  const double power = w[i] + (next - w[i]) * (x - static_cast<double>(i));
  return ok ? power - c.base[p] : kInf;
}

void candidate_increases_portable(const CandidateColumns& c, double d, double ram, bool strict_ram, double* out) {
  for (std::size_t p = 0; p < c.size; ++p) out[p] = candidate_increase(c, p, d, ram, strict_ram);
}

}  // namespace detail

std::int32_t CandidateTable::curve_of(const PowerModel* model) {
  for (std::size_t k = 0; k < models_.size(); ++k) {
    if (models_[k] == model) return static_cast<std::int32_t>(k * kCurveStride);
  }
  models_.push_back(model);
  curves_.resize(models_.size() * kCurveStride, 0.0);
  std::copy(model->watts.begin(), model->watts.end(), curves_.end() - kCurveStride);
  return static_cast<std::int32_t>((models_.size() - 1) * kCurveStride);
}

void CandidateTable::refresh(const DcView& view, std::size_t p) {
  const std::int32_t h = host_[p];
  refreshed_.push_back(p);
  demand_[p] = view.demand(h);
  ram_[p] = view.ram(h);
  base_[p] = stale_ != nullptr ? (*stale_)[ix(h)] : view.power_now(h);
}

void CandidateTable::reset(const DcView& view, const std::vector<std::int32_t>& hosts,
                           const std::vector<double>& stale_power) {
  const DcSetup& s = view.setup();
  stale_ = stale_power.empty() ? nullptr : &stale_power;
  view_ = view.id();
  log_ = view.change_count();
  last_valid_ = false;
  for (std::int32_t h : host_) entry_[ix(h)] = -1;
  entry_.resize(ix(s.num_hosts()), -1);
  host_ = hosts;
  const std::size_t n = hosts.size(), padded = (n + 3) / 4 * 4;
  for (auto* column : {&demand_, &cap_, &core_, &mips_, &ram_, &ram_cap_, &base_}) column->resize(padded);
  curve_.resize(padded);
  for (std::size_t p = 0; p < padded; ++p) {
    if (p < n) {
      const std::int32_t h = hosts[p];
      const DcHostType& t = s.host(h);
      entry_[ix(h)] = static_cast<std::int32_t>(p);
      cap_[p] = t.mips() * (1 + 1e-9);
      core_[p] = t.core_mips;
      mips_[p] = t.mips();
      ram_cap_[p] = t.ram_mb;
      curve_[p] = curve_of(t.power);
      refresh(view, p);
    } else {  // dead padding: fits nowhere, computes harmless numbers
      demand_[p] = ram_[p] = base_[p] = 0;
      cap_[p] = -kInf;
      core_[p] = mips_[p] = ram_cap_[p] = 1;
      curve_[p] = 0;
    }
  }
  refreshed_.clear();
}

void CandidateTable::insert(const DcView& view, std::int32_t h) {
  const auto at = std::lower_bound(host_.begin(), host_.end(), h);
  const auto p = static_cast<std::size_t>(at - host_.begin());
  host_.insert(at, h);
  last_valid_ = false;  // the entries from p on moved
  const DcSetup& s = view.setup();
  const DcHostType& t = s.host(h);
  const auto put = [&](auto& column, auto value) {
    column.insert(column.begin() + static_cast<std::ptrdiff_t>(p), value);
  };
  put(demand_, 0.0);
  put(cap_, t.mips() * (1 + 1e-9));
  put(core_, t.core_mips);
  put(mips_, t.mips());
  put(ram_, 0.0);
  put(ram_cap_, t.ram_mb);
  put(base_, 0.0);
  put(curve_, curve_of(t.power));
  refresh(view, p);
  for (std::size_t q = p; q < host_.size(); ++q) entry_[ix(host_[q])] = static_cast<std::int32_t>(q);
  // Keep the padding a multiple of four: drop a dead entry or add four.
  const std::size_t padded = (host_.size() + 3) / 4 * 4;
  if (demand_.size() > padded) {
    for (auto* column : {&demand_, &cap_, &core_, &mips_, &ram_, &ram_cap_, &base_}) column->resize(padded);
    curve_.resize(padded);
  } else if (demand_.size() < padded) {
    demand_.resize(padded, 0.0);
    ram_.resize(padded, 0.0);
    base_.resize(padded, 0.0);
    cap_.resize(padded, -kInf);
    core_.resize(padded, 1.0);
    mips_.resize(padded, 1.0);
    ram_cap_.resize(padded, 1.0);
    curve_.resize(padded, 0);
  }
}

void CandidateTable::erase(std::int32_t h) {
  const std::int32_t p = entry_[ix(h)];
  if (p >= 0) {
    cap_[ix(p)] = -kInf;
    if (last_valid_) last_[ix(p)] = kInf;
  }
}

detail::CandidateColumns CandidateTable::columns() const {
  return {demand_.data(), cap_.data(),  core_.data(),  mips_.data(),   ram_.data(),
          ram_cap_.data(), base_.data(), curve_.data(), curves_.data(), demand_.size()};
}

void CandidateTable::increases(const DcView& view, std::int32_t v, std::vector<double>& out, std::size_t pad) {
  if (view.id() == view_) {
    for (std::size_t c = log_, end = view.change_count(); c < end; ++c) {
      if (const std::int32_t p = entry_[ix(view.changed_host(c))]; p >= 0) refresh(view, ix(p));
    }
  } else {  // another view of the same hosts: read every entry afresh
    view_ = view.id();
    for (std::size_t p = 0; p < host_.size(); ++p) refresh(view, p);
  }
  log_ = view.change_count();
  const std::size_t n = host_.size(), blocks = (n + pad - 1) / pad;
  out.resize(std::max(blocks * pad, demand_.size()));
  const detail::CandidateColumns c = columns();
  const double d = view.state().demand(v), ram = view.setup().vm(v).ram_mb;
  const bool strict_ram = view.state().ram_model() == RamModel::kStrict;
  if (last_valid_ && d == last_d_ && ram == last_ram_ && refreshed_.size() <= n / 8) {
    // Only the refreshed entries can differ: each other entry is the same
    // expression of the same values as in the last call.
    for (std::size_t p : refreshed_) last_[p] = detail::candidate_increase(c, p, d, ram, strict_ram);
    std::copy(last_.begin(), last_.end(), out.begin());
  } else {
#if FLEETOPT_X86_AVX2
    if (detail::cpu_has_avx2()) {
      detail::candidate_increases_avx2(c, d, ram, strict_ram, out.data());
    } else {
      detail::candidate_increases_portable(c, d, ram, strict_ram, out.data());
    }
#else
    detail::candidate_increases_portable(c, d, ram, strict_ram, out.data());
#endif
    last_.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(demand_.size()));
    last_d_ = d;
    last_ram_ = ram;
    last_valid_ = true;
  }
  refreshed_.clear();
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), kInf);
  out.resize(blocks * pad);
}

}  // namespace fleetopt::consolidate
