// Re-implementations, from their published descriptions, of the strategies
// OpenStack Watcher ships for consolidation and balancing. They decide on the
// same cluster model and rules as ours (capacity checks go through the
// cluster's sanity rules), so results compare like with like.
//
// watcher-basic: "basic" / Sercon-style consolidation. Repeatedly takes the
//   least CPU-loaded host and moves its VMs, largest first, to the most loaded
//   host that fits; stops when released hosts / migrations falls below the
//   target efficacy (Watcher's default 60%) or after 0.8 x hosts fruitless tries.
// watcher-vm-workload: "vm_workload_consolidation". Offload phase (overloaded
//   hosts shed their least CPU-hungry VMs first-fit into the most loaded hosts),
//   then consolidation phase (hosts from least to most loaded move their VMs,
//   most CPU-hungry first, first-fit into more loaded hosts), then repeated
//   moves of one VM collapse into one.
// watcher-stabilization: "workload_stabilization". While the standard
//   deviation of normalised CPU or memory load exceeds its threshold (0.1),
//   apply the single migration that lowers the weighted sum of deviations most.
#include <algorithm>
#include <cmath>

#include "fleetopt/rearrange/packer.h"
#include "fleetopt/rearrange/strategies.h"

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

// Measured CPU share of a host (Watcher's compute.node.cpu.percent); the
// normalised load when the cluster has no cpu dimension.
double cpu_share(const Packer& pk, std::int32_t h) {
  const Cluster& c = pk.cluster();
  Resources lim = c.limit(h);
  if (has_dim(c.dims, kCpu) && lim[kCpu] > 0) return pk.occupancy().load(h)[kCpu] / lim[kCpu];
  return normalised_load(c, h, pk.occupancy().load(h));
}

double vm_cpu(const Cluster& c, std::int32_t v) {
  return has_dim(c.dims, kCpu) ? c.vm(v).demand[kCpu] : c.vm(v).memory_gb;
}

TargetResult result_of(const Packer& pk) {
  TargetResult out;
  out.b = pk.placement();
  out.sequence = pk.log();
  return out;
}

class WatcherBasic final : public TargetStrategy {
 public:
  WatcherBasic(double efficacy, double attempts) : efficacy_(efficacy), attempts_(attempts) {}
  std::string name() const override { return "watcher-basic"; }

  TargetResult choose(const TargetProblem& p) override {
    Packer pk(p);
    const Cluster& c = p.cluster;
    std::int32_t in_scope = 0;
    for (std::int32_t h = 0; h < c.num_hosts(); ++h) in_scope += pk.host_in_scope(h) ? 1 : 0;
    const double allowed_attempts = attempts_ * in_scope;
    double unsuccessful = 0;
    std::int64_t migrations = 0, released = 0;
    bool first = true;
    std::vector<std::int32_t> scored, vms;
    while (allowed_attempts >= unsuccessful) {
      if (!first) {
        double efficacy = migrations > 0 ? 100.0 * static_cast<double>(released) / static_cast<double>(migrations) : 0;
        if (efficacy < efficacy_) break;
      }
      first = false;
      scored.clear();
      for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
        if (pk.host_in_scope(h) && !pk.vms_on(h).empty()) scored.push_back(h);
      }
      if (scored.empty()) break;
      std::stable_sort(scored.begin(), scored.end(),
                       [&](std::int32_t x, std::int32_t y) { return cpu_share(pk, x) > cpu_share(pk, y); });
      const std::int32_t node = scored.back();
      vms.clear();
      for (std::int32_t v : pk.vms_on(node)) {
        if (pk.movable(v)) vms.push_back(v);
      }
      std::stable_sort(vms.begin(), vms.end(), [&](std::int32_t x, std::int32_t y) { return vm_cpu(c, x) > vm_cpu(c, y); });
      std::int64_t moved = 0;
      for (std::int32_t v : vms) {
        if (p.options.max_migrations >= 0 && pk.moved() >= p.options.max_migrations) break;
        for (std::int32_t dst : scored) {
          if (dst == node || !pk.fits(v, dst)) continue;
          pk.move(v, dst);
          ++moved;
          if (pk.vms_on(node).empty()) ++released;
          break;
        }
      }
      if (moved > 0) {
        migrations += moved;
        unsuccessful = 0;
      } else {
        unsuccessful += 1;
      }
    }
    return result_of(pk);
  }

 private:
  double efficacy_, attempts_;
};

class WatcherVmWorkload final : public TargetStrategy {
 public:
  std::string name() const override { return "watcher-vm-workload"; }

  TargetResult choose(const TargetProblem& p) override {
    Packer pk(p);
    const Cluster& c = p.cluster;
    std::vector<std::int32_t> nodes;
    for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
      if (pk.host_in_scope(h)) nodes.push_back(h);
    }
    auto budget_left = [&] { return p.options.max_migrations < 0 || pk.moved() < p.options.max_migrations; };
    auto overloaded = [&](std::int32_t h) { return cpu_share(pk, h) > 1.0 + 1e-9; };
    // Offload phase.
    std::stable_sort(nodes.begin(), nodes.end(), [&](std::int32_t x, std::int32_t y) { return cpu_share(pk, x) < cpu_share(pk, y); });
    for (std::size_t i = nodes.size(); i-- > 0;) {
      std::int32_t node = nodes[i];
      if (!overloaded(node)) continue;
      std::vector<std::int32_t> vms = pk.vms_on(node);
      std::stable_sort(vms.begin(), vms.end(), [&](std::int32_t x, std::int32_t y) { return vm_cpu(c, x) < vm_cpu(c, y); });
      for (std::int32_t v : vms) {
        if (!pk.movable(v) || !budget_left()) continue;
        for (std::size_t j = nodes.size(); j-- > 0;) {
          if (nodes[j] != node && pk.fits(v, nodes[j])) {
            pk.move(v, nodes[j]);
            break;
          }
        }
        if (!overloaded(node)) break;
      }
    }
    // Consolidation phase.
    std::stable_sort(nodes.begin(), nodes.end(), [&](std::int32_t x, std::int32_t y) { return cpu_share(pk, x) < cpu_share(pk, y); });
    for (std::size_t asc = 0; asc < nodes.size(); ++asc) {
      std::vector<std::int32_t> vms = pk.vms_on(nodes[asc]);
      std::stable_sort(vms.begin(), vms.end(), [&](std::int32_t x, std::int32_t y) { return vm_cpu(c, x) > vm_cpu(c, y); });
      for (std::int32_t v : vms) {
        if (!pk.movable(v) || !budget_left()) continue;
        for (std::size_t dsc = nodes.size(); dsc-- > 0;) {
          if (asc >= dsc) break;
          if (pk.fits(v, nodes[dsc])) {
            pk.move(v, nodes[dsc]);
            break;
          }
        }
      }
    }
    return result_of(pk);  // B keeps final positions: chains of moves collapse
  }
};

class WatcherStabilization final : public TargetStrategy {
 public:
  explicit WatcherStabilization(double threshold) : threshold_(threshold) {}
  std::string name() const override { return "watcher-stabilization"; }

  TargetResult choose(const TargetProblem& p) override {
    Packer pk(p);
    const Cluster& c = p.cluster;
    std::vector<int> metrics;
    for (int d : {static_cast<int>(kCpu), static_cast<int>(kMem)}) {
      if (has_dim(c.dims, d)) metrics.push_back(d);
    }
    std::vector<std::int32_t> hosts;
    for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
      if (pk.host_in_scope(h)) hosts.push_back(h);
    }
    const double n = static_cast<double>(std::max<std::size_t>(1, hosts.size()));
    std::vector<Resources> limits(ix(c.num_hosts()));
    for (std::int32_t h : hosts) limits[ix(h)] = c.limit(h);
    auto share = [&](std::int32_t h, int d, double load) { return limits[ix(h)][d] > 0 ? load / limits[ix(h)][d] : 0.0; };
    const std::size_t max_rounds = 2 * static_cast<std::size_t>(c.num_vms()) + 16;
    for (std::size_t round = 0; round < max_rounds; ++round) {
      if (p.options.max_migrations >= 0 && pk.moved() >= p.options.max_migrations) break;
      std::vector<double> sum(kMaxDims, 0), sumsq(kMaxDims, 0);
      for (std::int32_t h : hosts) {
        for (int d : metrics) {
          double u = share(h, d, pk.occupancy().load(h)[d]);
          sum[ix(d)] += u;
          sumsq[ix(d)] += u * u;
        }
      }
      auto sd = [&](const std::vector<double>& s, const std::vector<double>& sq, int d) {
        double mean = s[ix(d)] / n;
        return std::sqrt(std::max(0.0, sq[ix(d)] / n - mean * mean));
      };
      double current = 0;
      bool unbalanced = false;
      for (int d : metrics) {
        double x = sd(sum, sumsq, d);
        current += x;
        unbalanced = unbalanced || x > threshold_;
      }
      if (!unbalanced) break;
      double best = current - 1e-12;
      std::int32_t best_vm = -1, best_to = kNoHost;
      std::vector<double> s2(kMaxDims), q2(kMaxDims);
      for (std::int32_t src : hosts) {
        for (std::int32_t v : pk.vms_on(src)) {
          if (!pk.movable(v)) continue;
          for (std::int32_t dst : hosts) {
            if (dst == src || !pk.fits(v, dst)) continue;
            double weighted = 0;
            for (int d : metrics) {
              double dem = c.vm(v).demand[d];
              double ua = share(src, d, pk.occupancy().load(src)[d]), ub = share(dst, d, pk.occupancy().load(dst)[d]);
              double ua2 = ua - share(src, d, dem), ub2 = ub + share(dst, d, dem);
              s2[ix(d)] = sum[ix(d)] - ua - ub + ua2 + ub2;
              q2[ix(d)] = sumsq[ix(d)] - ua * ua - ub * ub + ua2 * ua2 + ub2 * ub2;
              weighted += sd(s2, q2, d);
            }
            if (weighted < best) {
              best = weighted;
              best_vm = v;
              best_to = dst;
            }
          }
        }
      }
      if (best_vm < 0) break;
      pk.move(best_vm, best_to);
    }
    return result_of(pk);
  }

 private:
  double threshold_;
};

}  // namespace

std::unique_ptr<TargetStrategy> make_watcher_basic(const StrategySpec& spec) {
  spec.check_options({"efficacy", "attempts"});
  return std::make_unique<WatcherBasic>(spec.number("efficacy", 60),
                                        spec.number("attempts", 0.8));
}
std::unique_ptr<TargetStrategy> make_watcher_vm_workload(const StrategySpec& spec) {
  spec.check_options({});
  return std::make_unique<WatcherVmWorkload>();
}
std::unique_ptr<TargetStrategy> make_watcher_stabilization(const StrategySpec& spec) {
  spec.check_options({"threshold"});
  return std::make_unique<WatcherStabilization>(spec.number("threshold", 0.1));
}

}  // namespace fleetopt::rearrange
