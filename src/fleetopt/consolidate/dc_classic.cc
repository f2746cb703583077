// The benchmark's classic policy pair (Beloglazov & Buyya, CCPE 2012, as
// CloudSim implements it): detect overloaded hosts, take VMs off them by
// minimum migration time (least RAM first) until they are not overloaded,
// place them power-aware best-fit-decreasing (least power increase, not onto
// a host that would be overloaded), then drain under-utilised hosts, least
// utilised first, when all their VMs find room elsewhere.
// Overload detectors (CloudSim's PowerVmAllocationPolicyMigration*):
//   thr: overloaded = CPU utilisation > threshold (0.8).
//   lr:  overloaded = safety (1.2) x the value a least-squares line
//            through the last 10 utilisation samples predicts one migration
//            later is >= 1 (CloudSim's "loess" reduces to plain least squares:
//            its weights are never zero); before 10 samples exist, > 0.7.
//   lrr: CloudSim's "robust" local regression: its bisquare reweighting
//        leaves no weight at zero either, so its estimates are the same
//        plain least squares as lr's (LocalRegressionRobust differs from
//        LocalRegression only in getParameterEstimates).
//   iqr: overloaded = utilisation > 1 - safety (1.5) x the interquartile
//        range of the host's last 30 samples (MathUtil.iqr's rounded
//        quartile indices); mad: 1 - safety (2.5) x their median absolute
//        deviation; both fall back to > 0.7 with fewer than 12 samples.
// VM selection (PowerVmSelectionPolicy*): mmt = least RAM; mu = least
// current CPU share; rs = uniformly random (seeded; CloudSim's is unseeded);
// mc = the VM whose last 30 utilisation samples the other VMs' samples
// explain best (highest R^2, dc_correlation.h), falling back to mmt where
// the regression cannot be computed (fewer samples than VMs, a singular
// design), as CloudSim does.
// fleetopt's model differs from CloudSim in two places, each restored by a
// CloudSimQuirks flag (dc_sim.h): the power a target host draws before a move
// is its current value, including VMs placed on it earlier in the same round
// (stale_power_baseline: CloudSim uses the value at the round's start), and a
// host that received VMs from an overloaded host is not drained in the same
// round (drain_just_filled_hosts: CloudSim may move a VM twice).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "fleetopt/core/rng.h"

#include "fleetopt/consolidate/candidate_table.h"
#include "fleetopt/consolidate/dc_correlation.h"
#include "fleetopt/consolidate/dc_policies.h"
#include "fleetopt/consolidate/dc_view.h"
#include "fleetopt/consolidate/first_least.h"
#include "fleetopt/consolidate/order_stats.h"
#include "fleetopt/consolidate/small_sort.h"

namespace fleetopt::consolidate {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

enum class Selection { kMmt, kMu, kRs, kMc };

// PowerVm.HISTORY_LENGTH: the samples a VM keeps, which MC regresses on.
constexpr std::int32_t kVmHistory = 30;

class MigrationPolicy : public ConsolidationPolicy {
 public:
  MigrationPolicy(std::string name, Selection selection, std::uint64_t seed)
      : name_(std::move(name)), selection_(selection), rng_(seed) {}
  std::string name() const override { return name_; }

  void decide(const DcState& state, std::vector<DcMove>& moves) override {
    const DcSetup& s = state.setup();
    const std::int32_t hosts = s.num_hosts();
    if (view_ == nullptr) {
      view_ = std::make_unique<DcView>(state, history_steps());
    } else {
      view_->rebuild(state);
    }
    DcView& view = *view_;
    const CloudSimQuirks& q = state.quirks();
    if (q.stale_power_baseline) {
      // host.getPower() at the last update: allocated MIPS, a core per VM.
      stale_power_.assign(ix(hosts), 0.0);
      for (std::int32_t h = 0; h < hosts; ++h) {
        const DcHostType& t = s.host(h);
        double allocated = 0;
        for (std::int32_t v : state.vms_on(h)) allocated += std::min(state.demand(v), t.core_mips);
        stale_power_[ix(h)] = t.power->at(std::min(allocated, t.mips()) / t.mips());
      }
    } else {
      stale_power_.clear();
    }
    std::vector<char> overloaded(ix(hosts), 0), excluded_place(ix(hosts), 0), excluded_under(ix(hosts), 0);
    std::vector<std::int32_t> over;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (!view.vms_on(h).empty() && is_overloaded(view, h)) {
        overloaded[ix(h)] = excluded_place[ix(h)] = excluded_under[ix(h)] = 1;
        over.push_back(h);
      }
    }
    // VMs off overloaded hosts, least RAM first, until each is fine.
    std::vector<std::int32_t> to_migrate;
    for (std::int32_t h : over) {
      while (!view.vms_on(h).empty()) {
        std::int32_t pick = select(view, h);
        to_migrate.push_back(pick);
        view.remove(pick);
        if (!is_overloaded(view, h)) break;
      }
    }
    std::stable_sort(to_migrate.begin(), to_migrate.end(),
                     [&](std::int32_t a, std::int32_t b) { return state.demand(a) > state.demand(b); });
    // Candidates: every host, but hosts running nothing in the view all
    // offer the same power increase per host type (their baseline is P(0) in
    // both modes: a host emptied this round is an excluded overloaded one),
    // so only the first empty host of each type can win the strict-less
    // comparison in host order. The occupied hosts are table_'s candidates
    // (a host that takes its first VM joins them); the empties are passed apart.
    std::vector<std::int32_t> occupied, empties;
    for (std::int32_t h = 0; h < hosts; ++h) {
      // Excluded here are the overloaded hosts, a set fixed for these moves.
      if (!view.vms_on(h).empty() && !excluded_place[ix(h)]) occupied.push_back(h);
    }
    table_.reset(view, occupied, stale_power_);
    std::vector<std::int32_t> first_empty(s.host_types.size(), 0);
    auto next_empty = [&](std::size_t type) {
      std::int32_t& h = first_empty[type];
      while (h < hosts && (s.host_type[ix(h)] != static_cast<std::int32_t>(type) || !view.vms_on(h).empty())) ++h;
      return h;
    };
    for (std::int32_t v : to_migrate) {
      empties.clear();
      for (std::size_t t = 0; t < s.host_types.size(); ++t) {
        if (std::int32_t h = next_empty(t); h < hosts) empties.push_back(h);
      }
      std::sort(empties.begin(), empties.end());
      std::int32_t h = find_host(view, v, excluded_place, empties);
      if (h < 0) {
        view.add(v, state.host_of(v));  // stays where it is
        continue;
      }
      if (view.vms_on(h).empty()) table_.insert(view, h);
      view.add(v, h);
      moves.push_back({v, h, 0});
      if (!q.drain_just_filled_hosts) excluded_under[ix(h)] = 1;
    }
    // Under-utilised hosts: switched-off hosts take part in neither role, so
    // only running hosts are searched.
    std::vector<std::int32_t> running;
    for (std::int32_t h = 0; h < hosts; ++h) {
      if (state.host_util(h) == 0) {
        excluded_place[ix(h)] = excluded_under[ix(h)] = 1;
      } else {
        running.push_back(h);
      }
    }
    // The least utilised host not yet excluded, lowest index first among
    // equals: utilisations are the state's, fixed during the round, so one
    // sort replaces a scan of all hosts per pick.
    by_util_.clear();
    for (std::int32_t h : running) {
      if (const double u = state.host_util(h); u < 1) by_util_.emplace_back(u, h);
    }
    std::sort(by_util_.begin(), by_util_.end());
    // The running hosts that may still take VMs are table_'s candidates (a
    // host leaves when it is tried as under-utilised): on average a third of
    // the running hosts are excluded, and every search would check them again.
    std::vector<std::int32_t> targets;
    for (std::int32_t h : running) {
      if (!excluded_place[ix(h)]) targets.push_back(h);
    }
    std::vector<std::int32_t> vms, placed;
    table_.reset(view, targets, stale_power_);
    for (const auto& [u, under] : by_util_) {
      if (excluded_under[ix(under)]) continue;
      excluded_under[ix(under)] = excluded_place[ix(under)] = 1;
      table_.erase(under);
      vms = view.vms_on(under);
      if (vms.empty()) continue;
      std::stable_sort(vms.begin(), vms.end(),
                       [&](std::int32_t a, std::int32_t b) { return state.demand(a) > state.demand(b); });
      placed.clear();
      bool all = true;
      for (std::int32_t v : vms) {
        view.remove(v);
        std::int32_t h = find_host(view, v, excluded_place, {});
        if (h < 0) {
          view.add(v, under);
          all = false;
          break;
        }
        view.add(v, h);
        placed.push_back(v);
      }
      if (!all) {
        for (std::int32_t v : placed) {
          view.remove(v);
          view.add(v, under);
        }
        continue;
      }
      for (std::int32_t v : placed) {
        moves.push_back({v, view.host_of(v), 0});
        excluded_under[ix(view.host_of(v))] = 1;
      }
    }
  }

 protected:
  virtual std::int32_t history_steps() const { return 1; }
  virtual bool is_overloaded(const DcView& view, std::int32_t h) const = 0;
  // is_overloaded(h) if v were added to h (v is on no host in the view).
  virtual bool overloaded_with(DcView& view, std::int32_t h, std::int32_t v) const {
    view.add(v, h);
    const bool over = is_overloaded(view, h);
    view.remove(v);
    return over;
  }

 private:
  // The VM to take off an overloaded host (non-empty).
  std::int32_t select(const DcView& view, std::int32_t h) {
    const DcSetup& s = view.setup();
    const auto& list = view.vms_on(h);
    if (selection_ == Selection::kRs) return list[static_cast<std::size_t>(rng_.below(list.size()))];
    if (selection_ == Selection::kMc) {
      if (std::int32_t row = max_correlation(view, h, list); row >= 0) return list[ix(row)];
    }
    std::int32_t pick = -1;
    double best = 0;
    for (std::int32_t v : list) {
      const double metric = selection_ == Selection::kMu ? view.state().demand(v) / s.vm(v).mips : s.vm(v).ram_mb;
      if (pick < 0 || metric < best) {
        pick = v;
        best = metric;
      }
    }
    return pick;
  }

  // MC's choice among `list` (host h's VMs; an index into it), or -1 for the
  // fallback. The VMs leave an overloaded host one by one (six selections a
  // host on average), so the correlation matrix of the VMs there at the
  // first selection is kept with its inverse, and each later selection
  // downdates the inverse (CorrelationInverse: the same error bound as a
  // fresh factorisation, so the same choices); where that shortcut cannot
  // decide, max_correlation_row takes the submatrix.
  std::int32_t max_correlation(const DcView& view, std::int32_t h, const std::vector<std::int32_t>& list) {
    const DcState& state = view.state();
    const auto n = static_cast<std::int32_t>(list.size());
    const std::int32_t m = std::min(kVmHistory, state.step() + 1);
    if (n < 2 || m < n) return -1;  // CloudSim's fallback, before any work
    McHost& c = mc_host_;
    const auto find_rows = [&] {
      rows_.resize(ix(n));
      for (std::int32_t r = 0; r < n; ++r) {
        const auto it = std::find(c.vms.begin(), c.vms.end(), list[ix(r)]);
        if (it == c.vms.end()) return false;
        rows_[ix(r)] = static_cast<std::int32_t>(it - c.vms.begin());
      }
      return true;
    };
    // Kept matrices apply if they are this round's, for this host and
    // history length, cover list, and (where the shortcut may apply now)
    // have the correlation matrix: the first selection may have had too
    // many VMs for it.
    const bool kept = c.view == view.id() && c.host == h && c.m == m && (c.has_corr || m <= n ||
                      static_cast<std::int32_t>(c.vms.size()) == n) && find_rows();
    if (!kept) {
      c.view = view.id();
      c.host = h;
      c.m = m;
      c.vms = list;
      c.history.resize(ix(n) * ix(m));
      for (std::int32_t r = 0; r < n; ++r) {
        for (std::int32_t i = 0; i < m; ++i) c.history[ix(r) * ix(m) + ix(i)] = state.past_util(list[ix(r)], i);
      }
      c.has_corr = m > n && correlation_matrix(c.history.data(), n, m, c.corr, scratch_);
      c.has_inverse = c.has_corr && c.inverse.reset(c.corr.data(), n);
      find_rows();
    }
    const auto n0 = static_cast<std::int32_t>(c.vms.size());
    if (c.has_inverse && m > n) {
      // The VMs gone since the last selection leave the kept inverse.
      gone_.assign(ix(n0), 1);
      for (std::int32_t row : rows_) gone_[ix(row)] = 0;
      for (std::int32_t k = 0; k < n0; ++k) {
        if (gone_[ix(k)] && c.inverse.present(k)) c.inverse.remove(k);
      }
      if (const std::int32_t row = max_correlation_row(c.inverse, rows_, r2_); row >= 0) return row;
    }
    history_.resize(ix(n) * ix(m));
    for (std::int32_t r = 0; r < n; ++r) {
      std::copy_n(c.history.begin() + static_cast<std::ptrdiff_t>(ix(rows_[ix(r)]) * ix(m)), m,
                  history_.begin() + static_cast<std::ptrdiff_t>(ix(r) * ix(m)));
    }
    const bool use_corr = c.has_corr && m > n;
    if (use_corr) {
      sub_corr_.resize(ix(n) * ix(n));
      for (std::int32_t r = 0; r < n; ++r) {
        for (std::int32_t q = 0; q < n; ++q) {
          sub_corr_[ix(r) * ix(n) + ix(q)] = c.corr[ix(rows_[ix(r)]) * ix(n0) + ix(rows_[ix(q)])];
        }
      }
    }
    return max_correlation_row(history_.data(), n, m, use_corr ? sub_corr_.data() : nullptr, r2_, scratch_);
  }

  // Power-aware best fit: least power increase among suitable hosts that the
  // VM would not overload (a host running nothing is not checked, as in CloudSim).
  // Candidates: table_'s live entries and the hosts of `b`. The answer is the
  // suitable, not overloaded host with the least increase, the lowest index
  // among equals (CloudSim's scan in host order with a strict less-than).
  // Every candidate's increase is computed first, side by side (table_), and
  // only the cheapest untested one is tested, until one passes: the same host
  // as testing in host order, with fewer tests, and for every detector (THR
  // and LR too, whose tests are cheap: scanning the hosts one power curve at
  // a time made their days up to 1.4x as long). decide keeps excluded hosts
  // out of table_ (and `b` checks `excluded`).
  std::int32_t find_host(DcView& view, std::int32_t v, const std::vector<char>& excluded,
                         const std::vector<std::int32_t>& b) const {
    const bool stale = !stale_power_.empty();
    if (!stale && view.state().demand(v) == 0) return find_host_for_idle(view, v, excluded, b);
    // The increases of every candidate in table_, then the
    // cheapest untested one is tested until one passes; a tested candidate
    // is set to infinity, which no power increase reaches. The hosts of `b`
    // (at most one empty host per host type) are reckoned apart.
    constexpr double kOut = std::numeric_limits<double>::infinity();
    table_.increases(view, v, diff_, kBlock);
    side_.clear();
    for (std::int32_t h : b) {
      if (excluded[ix(h)] || !view.suitable(v, h)) continue;
      side_.emplace_back(view.power_with(h, v) - (stale ? stale_power_[ix(h)] : view.power_now(h)), h);
    }
    // The candidates in blocks of eight, each with its least increase: the
    // cheapest untested one is the first of the least block minimum, and a
    // failed test updates one block, not a scan of all (~80) candidates.
    const std::size_t blocks = diff_.size() / kBlock, padded = (blocks + 3) / 4 * 4;
    block_min_.resize(std::max<std::size_t>(padded, 4));
    std::fill(block_min_.begin() + static_cast<std::ptrdiff_t>(blocks), block_min_.end(), kOut);
    double* diff = diff_.data();
    double* block_min = block_min_.data();
    const auto least_of_block = [&](std::size_t blk) {
      const double* x = diff + blk * kBlock;
      static_assert(kBlock == 8);
      return std::min(std::min(std::min(x[0], x[1]), std::min(x[2], x[3])),
                      std::min(std::min(x[4], x[5]), std::min(x[6], x[7])));
    };
    for (std::size_t blk = 0; blk < blocks; ++blk) block_min[blk] = least_of_block(blk);
    for (;;) {
      double least = kOut;
      const std::size_t blk = first_least(block_min, block_min_.size(), least);
      for (const auto& [d, h] : side_) least = std::min(least, d);
      if (least == kOut) return -1;
      // The lowest host among those at `least`: the table's first (its
      // entries are in host order) or one of b's.
      std::int32_t h = -1;
      std::size_t k = 0;
      if (blk < blocks && block_min[blk] == least) {
        double same = 0;
        k = blk * kBlock + first_least(diff + blk * kBlock, kBlock, same);
        h = table_.host(k);
      }
      std::size_t side = side_.size();
      for (std::size_t j = 0; j < side_.size(); ++j) {
        if (side_[j].first == least && (h < 0 || side_[j].second < h)) {
          side = j;
          h = side_[j].second;
          break;
        }
      }
      if (view.demand(h) == 0 || !overloaded_with(view, h, v)) return h;
      if (side < side_.size()) {
        side_[side].first = kOut;
      } else {
        diff[k] = kOut;
        block_min[k / kBlock] = least_of_block(k / kBlock);
      }
    }
  }

  // find_host for a VM that demands no CPU now (a fifth of MU's searches:
  // it takes the idle VMs first), with the baseline the hosts' current
  // power: its power increase is exactly 0 on every suitable candidate
  // (the same expression of the same demand as the baseline), so the answer
  // is the lowest suitable candidate it would not overload, tested in host
  // order without computing the increases.
  std::int32_t find_host_for_idle(DcView& view, std::int32_t v, const std::vector<char>& excluded,
                                  const std::vector<std::int32_t>& b) const {
    const auto passes = [&](std::int32_t h) {
      return view.suitable(v, h) && (view.demand(h) == 0 || !overloaded_with(view, h, v));
    };
    std::size_t j = 0;  // b's hosts (sorted) merged in host order
    for (std::size_t p = 0; p < table_.size(); ++p) {
      const std::int32_t h = table_.host(p);
      for (; j < b.size() && b[j] < h; ++j) {
        if (!excluded[ix(b[j])] && passes(b[j])) return b[j];
      }
      if (table_.live(p) && passes(h)) return h;
    }
    for (; j < b.size(); ++j) {
      if (!excluded[ix(b[j])] && passes(b[j])) return b[j];
    }
    return -1;
  }

  std::unique_ptr<DcView> view_;  // this step's, kept for its storage
  std::string name_;
  Selection selection_;
  Rng rng_;
  std::vector<double> stale_power_;  // per host, when CloudSimQuirks::stale_power_baseline
  std::vector<double> history_, r2_, scratch_;  // MC's VMs x samples (newest first), workspace
  // MC: the VMs on the host of the last selection when the first of its
  // selections in a round ran, their histories and correlation matrix, and
  // its inverse, downdated as VMs leave (dc_correlation.h).
  struct McHost {
    std::uint64_t view = 0;
    std::int32_t host = -1, m = 0;
    std::vector<std::int32_t> vms;
    std::vector<double> history, corr;
    bool has_corr = false, has_inverse = false;
    CorrelationInverse inverse;
  } mc_host_;
  std::vector<std::int32_t> rows_;
  std::vector<char> gone_;
  std::vector<double> sub_corr_;
  std::vector<std::pair<double, std::int32_t>> by_util_;  // under-utilised candidates
  // The candidates of this phase of the round with what the host search
  // reads of each, and b's hosts' increases.
  mutable CandidateTable table_;
  mutable std::vector<std::pair<double, std::int32_t>> side_;
  static constexpr std::size_t kBlock = 8;
  mutable std::vector<double> diff_;       // the last search's increases, tested ones at infinity,
  mutable std::vector<double> block_min_;  // and the least of each kBlock of them
};

class Thr final : public MigrationPolicy {
 public:
  Thr(std::string name, Selection sel, std::uint64_t seed, double threshold)
      : MigrationPolicy(std::move(name), sel, seed), threshold_(threshold) {}

 protected:
  bool is_overloaded(const DcView& view, std::int32_t h) const override { return view.util(h) > threshold_; }
  bool overloaded_with(DcView& view, std::int32_t h, std::int32_t v) const override {
    return (view.demand(h) + view.state().demand(v)) / view.setup().host(h).mips() > threshold_;
  }
  bool overloaded_at_creation(double u) const override { return u > threshold_; }

 private:
  double threshold_;
};

class Lr final : public MigrationPolicy {
 public:
  Lr(std::string name, Selection sel, std::uint64_t seed, double safety)
      : MigrationPolicy(std::move(name), sel, seed), safety_(safety) {}

 protected:
  std::int32_t history_steps() const override { return 10; }
  // Fewer than 10 samples: CloudSim's fallback, a static threshold of 0.7.
  bool overloaded_at_creation(double u) const override { return u > 0.7; }
  bool is_overloaded(const DcView& view, std::int32_t h) const override {
    return predict_overload(view, h, -1);
  }
  // The least-squares prediction is linear in the samples, so the host's
  // and the VM's parts are predicted apart (no add and remove).
  bool overloaded_with(DcView& view, std::int32_t h, std::int32_t v) const override {
    return predict_overload(view, h, v);
  }

 private:
  bool predict_overload(const DcView& view, std::int32_t h, std::int32_t extra) const {
    const DcSetup& s = view.setup();
    const DcHostType& t = s.host(h);
    const double extra_demand = extra >= 0 ? view.state().demand(extra) : 0.0;
    if (view.history_available() < 10) return (view.demand(h) + extra_demand) / t.mips() > 0.7;  // CloudSim's fallback
    double y[10];
    for (std::int32_t i = 0; i < 10; ++i) y[i] = view.history(h, 9 - i);  // oldest first
    double max_ram = extra >= 0 ? s.vm(extra).ram_mb : 0.0;
    for (std::int32_t v : view.vms_on(h)) max_ram = std::max(max_ram, s.vm(v).ram_mb);
    const double migration_steps = std::ceil(max_ram / (t.bw_mbps / 2.0 / 8.0) / s.step_seconds);
    double predicted = ols_predict(y, 10, 10 + migration_steps);
    if (extra >= 0) {
      const double scale = s.vm(extra).mips / t.mips();
      for (std::int32_t i = 0; i < 10; ++i) y[i] = view.state().past_util(extra, 9 - i) * scale;
      predicted += ols_predict(y, 10, 10 + migration_steps);
    }
    return safety_ * predicted >= 1;
  }

  double safety_;
};

// IQR and MAD: a threshold of 1 - safety x the spread of the host's history.
class Spread final : public MigrationPolicy {
 public:
  Spread(std::string name, Selection sel, std::uint64_t seed, double safety, bool iqr)
      : MigrationPolicy(std::move(name), sel, seed), safety_(safety), iqr_(iqr) {}

 protected:
  std::int32_t history_steps() const override { return 30; }  // PowerVm.HISTORY_LENGTH
  bool overloaded_at_creation(double u) const override { return u > 0.7; }
  bool is_overloaded(const DcView& view, std::int32_t h) const override {
    double data[32];
    const std::int32_t n = view.history_available();
    for (std::int32_t i = 0; i < n; ++i) data[i] = view.history(h, i);
    if (n >= 12 && data[n - 1] > 0) {  // no zero tail: the spread is the host's own, kept for the band below
      sort_small(data, n);
      const double spread = spread_of_sorted(data, n);
      remember_host_spread(view, h, spread);
      return view.util(h) > 1 - safety_ * spread;
    }
    return overloaded(data, n, view.util(h));
  }
  // As add, is_overloaded, remove would compute, without editing the view.
  // Order statistics move by at most the range r of what is added (adding w
  // shifts each by between min w and max w), so the IQR and the MAD of the
  // host's history plus the VM's lie within r of the host's own, which is
  // cached per host content; only a utilisation within that band of the
  // threshold needs the sum's spread. (Same decisions: the band's edges
  // keep a margin of 1e-9, far above rounding.)
  bool overloaded_with(DcView& view, std::int32_t h, std::int32_t v) const override {
    const DcSetup& s = view.setup();
    const double util = (view.demand(h) + view.state().demand(v)) / s.host(h).mips();
    const VmSeries& w = vm_series(view, v, s.host_type[static_cast<std::size_t>(h)]);
    double data[32];
    const std::int32_t n = view.history_available();
    const double* hist = view.history_row(h);
    // The band applies where the sum keeps the host's n samples (no zero
    // tail to trim) and the spread rule, not the 0.7 fallback, decides.
    double own = 0;
    if (safety_ >= 0 && n >= 12 && hist[n - 1] > 0 && known_host_spread(view, h, own)) {
      const double r = w.hi - w.lo;
      if (util > 1 - safety_ * (own - r) + 1e-9) return true;
      if (util <= 1 - safety_ * (own + r) - 1e-9) return false;
    }
    if (n >= 12 && hist[n - 1] + w.scaled[n - 1] != 0) {  // no zero tail: the sums sorted as they are formed
      if (!iqr_ && safety_ > 0) {  // and, for MAD, counted in the same registers
        const auto [lo, hi] = mad_band(util);
        if (const int side = compare_mad_of_sum(data, hist, w.scaled, n, lo, hi); side != 0) return side > 0;
        return util > 1 - safety_ * spread_of_sorted(data, n);
      }
      sort_small_sum(data, hist, w.scaled, n);
      return overloaded_sorted(data, n, util);
    }
    for (std::int32_t i = 0; i < n; ++i) data[i] = hist[i] + w.scaled[i];
    return overloaded(data, n, util);
  }

 private:
  // A VM's history as a share of one host type's MIPS (newest first), and
  // its range: the same for every host of that type a search tests, so
  // computed once per search rather than per test.
  struct VmSeries {
    std::uint64_t view = 0;
    std::int32_t vm = -1;
    double scaled[32] = {};
    double lo = 0, hi = 0;
  };

  const VmSeries& vm_series(const DcView& view, std::int32_t v, std::int32_t type) const {
    if (series_.size() < view.setup().host_types.size()) series_.resize(view.setup().host_types.size());
    VmSeries& w = series_[static_cast<std::size_t>(type)];
    if (w.view == view.id() && w.vm == v) return w;
    const double scale = view.setup().vm(v).mips / view.setup().host_types[static_cast<std::size_t>(type)].mips();
    const std::int32_t n = view.history_available();
    w.view = view.id();
    w.vm = v;
    // n <= step + 1: every sample read exists (newest first, as DcView reads them).
    const float* now = view.setup().utilisation_series(v) + view.state().step();
    for (std::int32_t i = 0; i < n; ++i) w.scaled[i] = static_cast<double>(now[-i]) * scale;
    double lo = w.scaled[0], hi = w.scaled[0];  // locals: as members they would be reloaded after every store
    for (std::int32_t i = 1; i < n; ++i) {
      lo = std::min(lo, w.scaled[i]);
      hi = std::max(hi, w.scaled[i]);
    }
    w.lo = lo;
    w.hi = hi;
    return w;
  }

  struct SpreadCache {
    std::uint64_t view = 0;
    std::uint32_t revision = 0;
    double spread = 0;
  };

  // The spread of host h's own history (n >= 12 samples, the oldest
  // non-zero), as is_overloaded last computed it, if the host's content is
  // still the same. Computing it afresh where it is not known costs a sort,
  // which the band saves less often than that (MAD-MU: 141k sorts of hosts
  // just changed, for 104k tests settled).
  bool known_host_spread(const DcView& view, std::int32_t h, double& spread) const {
    if (cache_.size() != static_cast<std::size_t>(view.setup().num_hosts())) return false;
    const SpreadCache& c = cache_[static_cast<std::size_t>(h)];
    if (c.view != view.id() || c.revision != view.revision(h)) return false;
    spread = c.spread;
    return true;
  }

  void remember_host_spread(const DcView& view, std::int32_t h, double spread) const {
    if (cache_.size() != static_cast<std::size_t>(view.setup().num_hosts())) {
      cache_.assign(static_cast<std::size_t>(view.setup().num_hosts()), {});
    }
    cache_[static_cast<std::size_t>(h)] = {view.id(), view.revision(h), spread};
  }

  double spread_of_sorted(const double* data, std::int32_t n) const {
    return iqr_ ? interquartile_range_of_sorted(data, n) : median_abs_deviation_of_sorted(data, n);
  }

  // data: newest first, n <= 30 samples (changed: sorted).
  bool overloaded(double (&data)[32], std::int32_t n, double util) const {
    while (n > 0 && data[n - 1] == 0) --n;  // MathUtil.trimZeroTail
    if (n < 12) return util > 0.7;          // the fallback: THR 0.7
    // Order statistics from the sorted values (a network sort, small_sort.h).
    // (A range test first, spread <= range, spared 3% of the sorts and cost
    // more than it saved: a chain of 30 dependent min/max.)
    sort_small(data, n);
    return overloaded_sorted(data, n, util);
  }

  // data: n >= 12 samples sorted, then +infinity.
  bool overloaded_sorted(const double (&data)[32], std::int32_t n, double util) const {
    if (!iqr_ && safety_ > 0) {
      const auto [lo, hi] = mad_band(util);
      if (const int side = compare_mad_of_sorted(data, n, lo, hi); side != 0) return side > 0;
    }
    return util > 1 - safety_ * spread_of_sorted(data, n);
  }

  // util > 1 - safety x MAD (safety > 0) is settled by counting deviations
  // where MAD is clearly above or below (1 - util) / safety: with a margin
  // of 1e-9 in utilisation, far above rounding, every answer stays the same.
  // (One division: the margin over safety is the policy's constant.)
  std::pair<double, double> mad_band(double util) const {
    const double tau = (1 - util) / safety_;
    return {tau - margin_, tau + margin_};
  }

  double safety_;
  double margin_ = 1e-9 / safety_;  // mad_band's, in MAD
  bool iqr_;
  mutable std::vector<SpreadCache> cache_;  // per host, see known_host_spread
  mutable std::vector<VmSeries> series_;    // per host type, see vm_series
};

}  // namespace

std::unique_ptr<ConsolidationPolicy> make_classic_pair(const rearrange::StrategySpec& spec) {
  const auto dash = spec.name.find('-');
  if (dash == std::string::npos) return nullptr;
  const std::string det = spec.name.substr(0, dash), sel_name = spec.name.substr(dash + 1);
  Selection sel = Selection::kMmt;
  if (sel_name == "mmt") {
    sel = Selection::kMmt;
  } else if (sel_name == "mu") {
    sel = Selection::kMu;
  } else if (sel_name == "rs") {
    sel = Selection::kRs;
  } else if (sel_name == "mc") {
    sel = Selection::kMc;
  } else {
    return nullptr;
  }
  const bool rs = sel == Selection::kRs;
  auto seed = [&] { return static_cast<std::uint64_t>(std::max(0.0, spec.number("seed", 1))); };
  if (det == "thr") {
    spec.check_options(rs ? std::vector<std::string>{"threshold", "seed"} : std::vector<std::string>{"threshold"});
    return std::make_unique<Thr>(spec.name, sel, seed(), spec.number("threshold", 0.8));
  }
  if (det == "lr" || det == "lrr") {
    spec.check_options(rs ? std::vector<std::string>{"safety", "seed"} : std::vector<std::string>{"safety"});
    return std::make_unique<Lr>(spec.name, sel, seed(), spec.number("safety", 1.2));
  }
  if (det == "iqr" || det == "mad") {
    spec.check_options(rs ? std::vector<std::string>{"safety", "seed"} : std::vector<std::string>{"safety"});
    return std::make_unique<Spread>(spec.name, sel, seed(), spec.number("safety", det == "iqr" ? 1.5 : 2.5),
                                    det == "iqr");
  }
  return nullptr;
}

}  // namespace fleetopt::consolidate
