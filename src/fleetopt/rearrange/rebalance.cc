// rebalance: minimise the spread of normalised host load (the standard
// deviation VMware DRS reports as imbalance), one migration at a time.
//
// Each round evaluates moving any movable VM of the most loaded hosts to any
// of the least loaded ones (and, when no single move helps, swapping two VMs
// between such hosts) and applies the change that lowers the load variance
// most, provided it gains at least min_gain of the starting variance per
// migration -- so the result stops where more migrations buy little.
#include <algorithm>
#include <cmath>

#include "fleetopt/rearrange/packer.h"
#include "fleetopt/rearrange/strategies.h"

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

class LoadSpread {
 public:
  explicit LoadSpread(const Packer& pk) : pk_(pk) {
    const Cluster& c = pk.cluster();
    u_.assign(ix(c.num_hosts()), 0);
    for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
      if (!pk.host_in_scope(h)) continue;
      hosts_.push_back(h);
      u_[ix(h)] = normalised_load(c, h, pk.occupancy().load(h));
      sum_ += u_[ix(h)];
      sumsq_ += u_[ix(h)] * u_[ix(h)];
    }
  }
  double variance() const { return variance_of(sum_, sumsq_); }
  double u(std::int32_t h) const { return u_[ix(h)]; }
  const std::vector<std::int32_t>& hosts() const { return hosts_; }

  // Load share vm adds to host h.
  double share(std::int32_t vm, std::int32_t h) const {
    return normalised_load(pk_.cluster(), h, pk_.cluster().vm(vm).demand);
  }
  // Variance after host a changes by da and host b by db.
  double variance_after(std::int32_t a, double da, std::int32_t b, double db) const {
    double ua = u_[ix(a)], ub = u_[ix(b)];
    double sum = sum_ + da + db;
    double sumsq = sumsq_ - ua * ua - ub * ub + (ua + da) * (ua + da) + (ub + db) * (ub + db);
    return variance_of(sum, sumsq);
  }
  void refresh(std::int32_t h) {
    double old = u_[ix(h)];
    u_[ix(h)] = normalised_load(pk_.cluster(), h, pk_.occupancy().load(h));
    sum_ += u_[ix(h)] - old;
    sumsq_ += u_[ix(h)] * u_[ix(h)] - old * old;
  }

 private:
  double variance_of(double sum, double sumsq) const {
    double n = static_cast<double>(std::max<std::size_t>(1, hosts_.size()));
    double mean = sum / n;
    return std::max(0.0, sumsq / n - mean * mean);
  }
  const Packer& pk_;
  std::vector<double> u_;
  std::vector<std::int32_t> hosts_;
  double sum_ = 0, sumsq_ = 0;
};

class Rebalance final : public TargetStrategy {
 public:
  Rebalance(double min_gain, std::int32_t breadth) : min_gain_(min_gain), breadth_(breadth) {}
  std::string name() const override { return "rebalance"; }

  TargetResult choose(const TargetProblem& p) override {
    Packer pk(p);
    LoadSpread spread(pk);
    const double start_var = spread.variance();
    const double threshold = min_gain_ * start_var;
    std::vector<std::int32_t> order = spread.hosts();
    const std::size_t limit = 4 * static_cast<std::size_t>(p.cluster.num_vms()) + 16;
    for (std::size_t round = 0; round < limit; ++round) {
      std::sort(order.begin(), order.end(), [&](std::int32_t x, std::int32_t y) { return spread.u(x) > spread.u(y); });
      const std::size_t t = std::min(order.size(), static_cast<std::size_t>(breadth_));
      const double var = spread.variance();
      double best_var = var - threshold;
      std::int32_t best_vm = -1, best_to = kNoHost, swap_vm = -1;
      for (std::size_t i = 0; i < t; ++i) {
        std::int32_t a = order[i];
        for (std::int32_t v : pk.vms_on(a)) {
          if (!pk.movable(v)) continue;
          for (std::size_t j = order.size(); j-- > order.size() - t;) {
            std::int32_t b = order[j];
            if (b == a || spread.u(b) >= spread.u(a) || !pk.fits(v, b)) continue;
            double nv = spread.variance_after(a, -spread.share(v, a), b, spread.share(v, b));
            if (nv < best_var) {
              best_var = nv;
              best_vm = v;
              best_to = b;
            }
          }
        }
      }
      if (best_vm < 0) {
        // Swaps (as two sequential moves) between the extremes.
        for (std::size_t i = 0; i < t && best_vm < 0; ++i) {
          std::int32_t a = order[i];
          for (std::size_t j = order.size(); j-- > order.size() - t;) {
            std::int32_t b = order[j];
            if (b == a || spread.u(b) >= spread.u(a)) continue;
            for (std::int32_t v : pk.vms_on(a)) {
              if (!pk.movable(v) || !pk.fits(v, b)) continue;
              for (std::int32_t w : pk.vms_on(b)) {
                if (!pk.movable(w)) continue;
                double da = -spread.share(v, a) + spread.share(w, a);
                double db = spread.share(v, b) - spread.share(w, b);
                if (da >= 0) continue;
                double nv = spread.variance_after(a, da, b, db);
                if (nv >= var - 2 * threshold || nv >= best_var) continue;
                std::size_t mark = pk.mark();
                pk.move(v, b);
                bool ok = pk.fits(w, a);
                pk.rollback(mark);
                if (ok) {
                  best_var = nv;
                  best_vm = v;
                  best_to = b;
                  swap_vm = w;
                }
              }
            }
          }
        }
      }
      if (best_vm < 0) break;
      std::size_t mark = pk.mark();
      std::int32_t from = pk.host_of(best_vm);
      pk.move(best_vm, best_to);
      if (swap_vm >= 0) pk.move(swap_vm, from);
      if (!pk.within_budget()) {
        pk.rollback(mark);
        break;
      }
      spread.refresh(from);
      spread.refresh(best_to);
    }
    TargetResult out;
    out.b = pk.placement();
    out.sequence = pk.log();
    return out;
  }

 private:
  double min_gain_;
  std::int32_t breadth_;
};

}  // namespace

std::unique_ptr<TargetStrategy> make_rebalance(const StrategySpec& spec) {
  spec.check_options({"min_gain", "breadth"});
  return std::make_unique<Rebalance>(
      spec.number("min_gain", 0.001),
      static_cast<std::int32_t>(std::max(1.0, spec.number("breadth", 24))));
}

}  // namespace fleetopt::rearrange
