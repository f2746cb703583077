// evacuate: empty the named hosts with the least disruption -- only their VMs
// move (plus, when one fits nowhere, a single smaller VM elsewhere steps
// aside), each to the host it loads least, largest VMs first.
#include <algorithm>

#include <fmt/format.h>

#include "fleetopt/rearrange/packer.h"
#include "fleetopt/rearrange/strategies.h"

namespace fleetopt::rearrange {
namespace {

std::size_t ix(std::int32_t i) { return static_cast<std::size_t>(i); }

class Evacuate final : public TargetStrategy {
 public:
  explicit Evacuate(std::string hosts) : hosts_(std::move(hosts)) {}
  std::string name() const override { return "evacuate"; }

  TargetResult choose(const TargetProblem& p) override {
    const Cluster& c = p.cluster;
    std::vector<std::int32_t> evac = p.options.evacuate;
    if (!hosts_.empty()) evac = parse_host_list(c, hosts_, "evacuate");
    TargetResult out;
    out.b = p.a;
    std::vector<char> leaving(ix(c.num_hosts()), 0);
    for (std::int32_t h : evac) leaving[ix(h)] = 1;
    Packer pk(p);
    std::vector<std::int32_t> vms, dests;
    for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
      if (leaving[ix(h)]) {
        for (std::int32_t v : pk.vms_on(h)) vms.push_back(v);
      } else if (pk.host_in_scope(h)) {
        dests.push_back(h);
      }
    }
    for (std::int32_t v : vms) {
      if (c.vm(v).pinned) {
        out.ok = false;
        out.note = fmt::format("VM {} is pinned to {}, which is to be evacuated", c.vm(v).id,
                               c.host(p.a[ix(v)]).id);
        return out;
      }
    }
    if (p.options.max_migrations >= 0 && static_cast<std::int64_t>(vms.size()) > p.options.max_migrations) {
      out.ok = false;
      out.note = fmt::format("evacuation moves {} VMs; the budget allows {}", vms.size(), p.options.max_migrations);
      return out;
    }
    std::stable_sort(vms.begin(), vms.end(), [&](std::int32_t x, std::int32_t y) { return pk.size_of(x) > pk.size_of(y); });
    auto allowed = [&](std::int32_t h) { return !leaving[ix(h)]; };
    for (std::int32_t v : vms) {
      std::int32_t h = pk.choose_host(v, dests, FitRule::kLeastLoaded, allowed);
      if (h != kNoHost) {
        pk.move(v, h);
      } else if (!pk.place_with_ejection(v, dests, allowed)) {
        out.ok = false;
        out.note = fmt::format("not enough room to evacuate: VM {} fits on no remaining host", c.vm(v).id);
        return out;
      }
    }
    if (!pk.within_budget()) {
      out.ok = false;
      out.note = "evacuation exceeds the migration budget";
      return out;
    }
    out.b = pk.placement();
    out.sequence = pk.log();
    return out;
  }

 private:
  std::string hosts_;
};

}  // namespace

std::unique_ptr<TargetStrategy> make_evacuate(const StrategySpec& spec) {
  spec.check_options({});
  return std::make_unique<Evacuate>(spec.arg);
}

}  // namespace fleetopt::rearrange
