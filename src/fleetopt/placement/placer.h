// The placement policy interface: one method that picks a host for a VM.
//
// Policies are found by name in a registry (as Kubernetes scheduler plugins
// are), so adding one touches no core file: a policy's .cc file registers a
// factory with FLEETOPT_REGISTER_PLACER. Spec grammar:
//   NAME[:ARG][@KEY=VALUE]...   e.g.  best-fit@basis=usage@k=2,
//                                     fireplace:model.json@k=3
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/placement/host_history.h"

namespace fleetopt {

struct PlacementContext {
  const ClusterState& cluster;
  const Workload& workload;
  const HostHistory* history;  // null unless the policy asked for history_steps() > 0
  std::int32_t vm;             // index into workload.instances
  std::int64_t step;           // simulation step at which the VM arrives
  const Resources& request;
};

class Placer {
 public:
  virtual ~Placer() = default;
  // Returns a host that fits the request, or kNoHost when none does.
  virtual std::int32_t choose(const PlacementContext& ctx, Rng& rng) = 0;
  // How many past steps of per-host usage the policy reads (0: none).
  virtual int history_steps() const { return 0; }
  // Window statistics the policy reads at every decision, which the history
  // then keeps up to date on each push (host_history.h); empty: none.
  virtual HistoryWindows history_windows() const { return {}; }
  virtual std::string name() const = 0;
};

struct PlacerSpec {
  std::string name;                          // e.g. "best-fit", "p3", "fireplace"
  std::string arg;                           // text after ':' (e.g. a model path)
  std::map<std::string, std::string> options;  // @key=value pairs
  std::string text;                          // the spec as written

  static PlacerSpec parse(const std::string& text);  // throws InputError
  // Typed option access; throws InputError naming the option on bad values.
  std::string option(const std::string& key, const std::string& fallback) const;
  int int_option(const std::string& key, int fallback) const;
  double double_option(const std::string& key, double fallback, double lo, double hi) const;
  // Throws InputError if an option not in `known` was given.
  void check_options(const std::vector<std::string>& known) const;
};

using PlacerFactory = std::function<std::unique_ptr<Placer>(const PlacerSpec&)>;

// Registers a factory for names equal to `name`, or, when `name` ends with
// '*', for names starting with the part before it (used by "pK").
bool register_placer(const std::string& name, const std::string& summary, PlacerFactory factory);
std::unique_ptr<Placer> make_placer(const std::string& spec_text);  // throws InputError
std::vector<std::pair<std::string, std::string>> registered_placers();  // name, summary

// Splits "a,b@k=2,c" into specs at top-level commas.
std::vector<std::string> split_policy_list(const std::string& list);

}  // namespace fleetopt

#define FLEETOPT_PLACER_CONCAT2(a, b) a##b
#define FLEETOPT_PLACER_CONCAT(a, b) FLEETOPT_PLACER_CONCAT2(a, b)
#define FLEETOPT_REGISTER_PLACER(name, summary, factory)                       \
  static const bool FLEETOPT_PLACER_CONCAT(fleetopt_placer_registered_, __LINE__) = \
      ::fleetopt::register_placer(name, summary, factory)
