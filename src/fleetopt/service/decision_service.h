// The decision service without its transport: the live state (hosts, VMs,
// usage) mirrored in memory for the policies, the store behind it, and the
// operations the HTTP API exposes. The policies are the very Placer objects
// `simulate` and `size` run (placement/placer.h), given a ClusterState and a
// Workload built from the live state, so a workload replayed through the
// service gets the hosts the simulator gives it (same policy, same seed).
//
// Thread safety: every operation takes one mutex; a decision is made and
// committed to the store before the next starts, so answers are in commit
// order and the random stream is consumed as in the simulator.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/resources.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/placement/host_history.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/service/state_store.h"

namespace fleetopt::service {

struct ServiceConfig {
  std::string policy = "p2";  // a placer spec (fleetopt policies)
  Resources overcommit = make_resources(1, 1, 1, 1, 1);
  DimMask dims = kCpuMem;     // dimensions a host must have room in
  std::uint64_t seed = 1;
};

struct HostView {
  HostRecord record;
  std::int32_t placements = 0;
  std::optional<Resources> usage;  // summed at the last usage report that covered it
};

struct PlaceOutcome {
  enum Status { kPlaced, kExisting, kNoHost };
  Status status = kPlaced;
  PlacementRecord record;
  std::string reason;  // kNoHost: why
  int attempts = 1;    // > 1 when another replica's commits made the mirror stale
};

struct UsageSample {
  std::string id;  // a placement id
  Resources usage;
};

struct UsageOutcome {
  std::vector<std::string> unknown;  // ids not placed: the batch is refused as a whole
  std::int64_t step = 0;             // observations so far
};

// One node's result for the Kubernetes extender.
struct NodeVerdict {
  std::string name;
  bool fits = false;
  std::string reason;  // when it does not
  int score = 0;       // 0..10 (prioritize)
};

class DecisionService {
 public:
  // Loads the store's state; throws InputError on a bad policy spec or one
  // that cannot run live (it reads the trace's usage or future).
  DecisionService(std::unique_ptr<StateStore> store, ServiceConfig config);

  const ServiceConfig& config() const { return config_; }
  std::string backend() const { return store_->backend(); }

  HostChange register_host(const std::string& id, const Resources& capacity);
  HostChange set_host_state(const std::string& id, HostState state);
  HostChange remove_host(const std::string& id);
  std::vector<HostView> hosts();

  // Idempotent by id: a retry returns the committed placement.
  PlaceOutcome place(const std::string& id, const Resources& requests);
  // Records a placement decided elsewhere (e.g. by kube-scheduler after the
  // extender's answer) on `host`, with the same checks and idempotency;
  // kNoHost with the reason when the host is unknown, not active or full.
  PlaceOutcome place_on(const std::string& id, const std::string& host, const Resources& requests);
  std::optional<PlacementRecord> release(const std::string& id);
  std::vector<PlacementRecord> placements();

  // One observation of the fleet: the latest usage per placement; a
  // placement without a sample counts at its request. Hosts' usage and the
  // policies' history advance one step; placements since the last
  // observation stop counting as pending.
  UsageOutcome report_usage(const std::vector<UsageSample>& samples);

  // Kubernetes extender: which of `nodes` can admit `requests` (unknown
  // nodes fail with a reason), and their scores (the policy's pick among the
  // fitting ones 10, the others by room left, 0..9).
  std::vector<NodeVerdict> filter(const std::vector<std::string>& nodes, const Resources& requests);
  std::vector<NodeVerdict> prioritize(const std::vector<std::string>& nodes, const Resources& requests);

  // Reloads the mirror from the store (other replicas' commits).
  void refresh();

  struct Counts {
    std::int64_t hosts = 0, placements = 0, decisions = 0, conflicts = 0;
  };
  Counts counts();

 private:
  struct Vm {
    std::string id;
    std::int32_t host = -1;  // mirror host index
    Resources requests;
    std::optional<Resources> usage;
    bool live = false;
  };
  struct Host {
    HostRecord record;
    std::optional<Resources> usage;
    std::deque<std::pair<float, float>> recent;  // cpu, mem fractions; newest last
  };

  void load_locked();
  void rebuild_locked();
  std::int32_t new_vm_locked(const std::string& id, const Resources& requests);
  std::optional<PlaceOutcome> existing_locked(const std::string& id) const;
  // Commits the mirror's decision vm -> host; false (and the reason) when the store refused it.
  bool commit_locked(std::int32_t vm, std::int32_t host, PlaceOutcome& out);
  void apply_placement_locked(const PlacementRecord& r);
  void drop_vm_locked(const std::string& id);
  std::optional<std::int32_t> host_index(const std::string& id) const;
  Resources effective_capacity(const Host& h) const;

  std::unique_ptr<StateStore> store_;
  ServiceConfig config_;
  std::mutex mu_;
  Rng rng_;
  std::unique_ptr<Placer> placer_;
  std::unique_ptr<Placer> what_if_;  // a second copy for prioritize, so the deciding one's state stays as it was
  std::vector<Host> hosts_;
  std::unordered_map<std::string, std::int32_t> host_by_id_;
  std::vector<Vm> vms_;
  std::unordered_map<std::string, std::int32_t> vm_by_id_;
  ClusterState cluster_;
  Workload workload_;
  std::unique_ptr<HostHistory> history_;
  std::int64_t step_ = 0;
  std::int64_t decisions_ = 0, conflicts_ = 0;
  // Other replicas write the same store (PostgreSQL): reads reload the mirror first.
  bool shared_ = false;
};

}  // namespace fleetopt::service
