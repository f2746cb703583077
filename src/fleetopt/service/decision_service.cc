#include "fleetopt/service/decision_service.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt::service {
namespace {

// Policies that read the trace itself — its future (hindsight) or each VM's
// recorded usage series (the forecast baselines) — have nothing to read in a
// live fleet: refused rather than run on an empty series.
bool reads_the_trace(const std::string& name) {
  return name == "hindsight" || name == "naive-forecast" || name == "forecast";
}

constexpr std::size_t kMinVmSlots = 1024;

}  // namespace

DecisionService::DecisionService(std::unique_ptr<StateStore> store, ServiceConfig config)
    : store_(std::move(store)), config_(std::move(config)), rng_(config_.seed) {
  const PlacerSpec spec = PlacerSpec::parse(config_.policy);
  if (reads_the_trace(spec.name)) {
    throw InputError::field("--policy", fmt::format("{} reads the trace's recorded usage or future; a live service "
                                                    "has neither (use p2, best-fit, fireplace:MODEL, ...)",
                                                    spec.name));
  }
  placer_ = make_placer(config_.policy);
  workload_.name = "live";
  workload_.dims = config_.dims;
  workload_.step_seconds = 300;
  shared_ = store_->backend() != "sqlite";
  std::lock_guard lock(mu_);
  load_locked();
}

std::optional<std::int32_t> DecisionService::host_index(const std::string& id) const {
  const auto it = host_by_id_.find(id);
  if (it == host_by_id_.end()) return std::nullopt;
  return it->second;
}

Resources DecisionService::effective_capacity(const Host& h) const {
  // A host that takes no new placements is shown to the policies with no
  // admissible room; its VMs still count.
  return h.record.state == HostState::kActive ? h.record.capacity : Resources{};
}

void DecisionService::load_locked() {
  std::map<std::string, Host> old;
  for (Host& h : hosts_) old.emplace(h.record.id, std::move(h));
  std::unordered_map<std::string, std::optional<Resources>> old_usage;
  for (const Vm& v : vms_) {
    if (v.live) old_usage.emplace(v.id, v.usage);
  }
  hosts_.clear();
  host_by_id_.clear();
  for (HostRecord& r : store_->hosts()) {
    Host h;
    if (auto it = old.find(r.id); it != old.end()) h = std::move(it->second);
    h.record = std::move(r);
    host_by_id_.emplace(h.record.id, static_cast<std::int32_t>(hosts_.size()));
    hosts_.push_back(std::move(h));
  }
  vms_.clear();
  vm_by_id_.clear();
  for (const PlacementRecord& p : store_->placements()) {
    const auto h = host_index(p.host);
    if (!h) continue;  // cannot happen: placements reference hosts
    const std::int32_t vm = static_cast<std::int32_t>(vms_.size());
    Vm v;
    v.id = p.id;
    v.host = *h;
    v.requests = p.requests;
    v.live = true;
    if (auto it = old_usage.find(p.id); it != old_usage.end()) v.usage = it->second;
    vm_by_id_.emplace(v.id, vm);
    vms_.push_back(std::move(v));
  }
  rebuild_locked();
}

void DecisionService::rebuild_locked() {
  std::vector<Resources> capacity;
  capacity.reserve(hosts_.size());
  for (const Host& h : hosts_) capacity.push_back(effective_capacity(h));
  const std::size_t slots = std::max(kMinVmSlots, 2 * vms_.size());
  cluster_ = ClusterState(std::move(capacity), config_.overcommit, config_.dims, slots);
  workload_.instances.assign(slots, Instance{});
  workload_.ids.assign(slots, std::string());
  workload_.tags.assign(slots, std::string());
  for (std::size_t i = 0; i < vms_.size(); ++i) {
    const Vm& v = vms_[i];
    workload_.instances[i].request = v.requests;
    workload_.ids[i] = v.id;
    if (v.live) cluster_.place(static_cast<std::int32_t>(i), v.host, v.requests);
  }
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    Resources used;
    const auto hid = static_cast<std::int32_t>(h);
    for (std::int32_t vm : cluster_.vms_on(hid)) {
      const Vm& v = vms_[static_cast<std::size_t>(vm)];
      used += v.usage.value_or(v.requests);
    }
    cluster_.mutable_used(hid) = used;
  }
  cluster_.clear_pending();
  // The policy object may size caches by the fleet: a new one per fleet.
  placer_ = make_placer(config_.policy);
  what_if_ = make_placer(config_.policy);
  history_.reset();
  if (const int steps = placer_->history_steps(); steps > 0) {
    history_ = std::make_unique<HostHistory>(std::max<std::size_t>(hosts_.size(), 1), steps,
                                             placer_->history_windows());
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      for (const auto& [cpu, mem] : hosts_[h].recent) history_->push(static_cast<std::int32_t>(h), cpu, mem);
    }
  }
}

std::int32_t DecisionService::new_vm_locked(const std::string& id, const Resources& requests) {
  if (vms_.size() >= cluster_.max_vms()) {
    // Full: compact away released VMs and double the slots.
    std::vector<Vm> live;
    for (Vm& v : vms_) {
      if (v.live) live.push_back(std::move(v));
    }
    vms_ = std::move(live);
    vm_by_id_.clear();
    for (std::size_t i = 0; i < vms_.size(); ++i) vm_by_id_.emplace(vms_[i].id, static_cast<std::int32_t>(i));
    rebuild_locked();
  }
  const auto vm = static_cast<std::int32_t>(vms_.size());
  Vm v;
  v.id = id;
  v.requests = requests;
  vms_.push_back(std::move(v));
  workload_.instances[static_cast<std::size_t>(vm)].request = requests;
  workload_.ids[static_cast<std::size_t>(vm)] = id;
  return vm;
}

HostChange DecisionService::register_host(const std::string& id, const Resources& capacity) {
  std::lock_guard lock(mu_);
  HostChange c = store_->upsert_host(id, capacity);
  if (c.outcome == HostChange::kCreated || c.outcome == HostChange::kUpdated) load_locked();
  return c;
}

HostChange DecisionService::set_host_state(const std::string& id, HostState state) {
  std::lock_guard lock(mu_);
  HostChange c = store_->set_host_state(id, state);
  if (c.outcome == HostChange::kUpdated) load_locked();
  return c;
}

HostChange DecisionService::remove_host(const std::string& id) {
  std::lock_guard lock(mu_);
  HostChange c = store_->remove_host(id);
  if (c.outcome == HostChange::kUpdated) load_locked();
  return c;
}

std::vector<HostView> DecisionService::hosts() {
  std::lock_guard lock(mu_);
  if (shared_) load_locked();
  std::vector<HostView> out;
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    HostView v;
    v.record = hosts_[h].record;
    const auto hid = static_cast<std::int32_t>(h);
    v.record.reserved = cluster_.reserved(hid);
    v.placements = cluster_.vm_count(hid);
    v.usage = hosts_[h].usage;
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<PlaceOutcome> DecisionService::existing_locked(const std::string& id) const {
  const auto it = vm_by_id_.find(id);
  if (it == vm_by_id_.end()) return std::nullopt;
  const Vm& v = vms_[static_cast<std::size_t>(it->second)];
  PlaceOutcome out;
  out.status = PlaceOutcome::kExisting;
  out.record = {v.id, hosts_[static_cast<std::size_t>(v.host)].record.id, v.requests, 0};
  return out;
}

bool DecisionService::commit_locked(std::int32_t vm, std::int32_t host, PlaceOutcome& out) {
  Vm& v = vms_[static_cast<std::size_t>(vm)];
  const ReserveRequest req{v.id, hosts_[static_cast<std::size_t>(host)].record.id, v.requests, config_.overcommit,
                           config_.dims};
  const ReserveResult r = store_->reserve(req);
  if (r.outcome == ReserveResult::kReserved) {
    v.host = host;
    v.live = true;
    vm_by_id_.emplace(v.id, vm);
    cluster_.place(vm, host, v.requests);
    out.status = PlaceOutcome::kPlaced;
    out.record = r.record;
    return true;
  }
  vms_.pop_back();
  if (r.outcome == ReserveResult::kExisting) {  // another replica placed this id first
    load_locked();
    out.status = PlaceOutcome::kExisting;
    out.record = r.record;
    return true;
  }
  // The mirror was stale (another replica filled, cordoned or removed the host).
  ++conflicts_;
  out.status = PlaceOutcome::kNoHost;
  out.reason = r.reason;
  load_locked();
  return false;
}

PlaceOutcome DecisionService::place(const std::string& id, const Resources& requests) {
  std::lock_guard lock(mu_);
  if (auto existing = existing_locked(id)) return *existing;
  PlaceOutcome out;
  constexpr int kAttempts = 3;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    out.attempts = attempt;
    const std::int32_t vm = new_vm_locked(id, requests);
    PlacementContext ctx{cluster_, workload_, history_.get(), vm, step_, requests};
    const std::int32_t host = placer_->choose(ctx, rng_);
    ++decisions_;
    if (host == kNoHost) {
      vms_.pop_back();
      out.status = PlaceOutcome::kNoHost;
      out.reason = hosts_.empty() ? "no host is registered"
                                  : fmt::format("no active host has room for {} under the overcommit ratios",
                                                format_resources(requests, config_.dims));
      return out;
    }
    if (host < 0 || static_cast<std::size_t>(host) >= hosts_.size() || !cluster_.fits(host, requests)) {
      vms_.pop_back();
      throw std::logic_error(fmt::format("policy {} chose host {} that cannot admit the request", placer_->name(), host));
    }
    if (commit_locked(vm, host, out)) return out;
  }
  out.reason = fmt::format("no room after {} attempts; last: {}", kAttempts, out.reason);
  return out;
}

PlaceOutcome DecisionService::place_on(const std::string& id, const std::string& host_id, const Resources& requests) {
  std::lock_guard lock(mu_);
  if (auto existing = existing_locked(id)) return *existing;
  PlaceOutcome out;
  const auto host = host_index(host_id);
  if (!host) {
    out.status = PlaceOutcome::kNoHost;
    out.reason = "unknown host " + host_id;
    return out;
  }
  const std::int32_t vm = new_vm_locked(id, requests);
  commit_locked(vm, *host, out);
  return out;
}

std::optional<PlacementRecord> DecisionService::release(const std::string& id) {
  std::lock_guard lock(mu_);
  std::optional<PlacementRecord> r = store_->release(id);
  if (auto it = vm_by_id_.find(id); it != vm_by_id_.end()) {
    Vm& v = vms_[static_cast<std::size_t>(it->second)];
    cluster_.remove(it->second);
    v.live = false;
    vm_by_id_.erase(it);
  } else if (r) {
    load_locked();  // placed by another replica
  }
  return r;
}

std::vector<PlacementRecord> DecisionService::placements() {
  std::lock_guard lock(mu_);
  if (shared_) load_locked();
  std::vector<PlacementRecord> out;
  for (const Vm& v : vms_) {
    if (v.live) out.push_back({v.id, hosts_[static_cast<std::size_t>(v.host)].record.id, v.requests, 0});
  }
  return out;
}

UsageOutcome DecisionService::report_usage(const std::vector<UsageSample>& samples) {
  std::lock_guard lock(mu_);
  UsageOutcome out;
  for (int pass = 0; pass < 2; ++pass) {
    out.unknown.clear();
    for (const UsageSample& s : samples) {
      if (!vm_by_id_.count(s.id)) out.unknown.push_back(s.id);
    }
    if (out.unknown.empty() || !shared_) break;
    load_locked();  // placed through another replica?
  }
  if (!out.unknown.empty()) {
    out.step = step_;
    return out;
  }
  for (const UsageSample& s : samples) vms_[static_cast<std::size_t>(vm_by_id_.at(s.id))].usage = s.usage;
  const int keep = history_ ? history_->capacity_steps() : 0;
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    const auto hid = static_cast<std::int32_t>(h);
    Resources used;
    for (std::int32_t vm : cluster_.vms_on(hid)) {
      const Vm& v = vms_[static_cast<std::size_t>(vm)];
      used += v.usage.value_or(v.requests);
    }
    cluster_.mutable_used(hid) = used;
    Host& host = hosts_[h];
    host.usage = used;
    const Resources& cap = host.record.capacity;
    const float cpu = cluster_.vm_count(hid) == 0 || cap[kCpu] <= 0 ? 0.f : static_cast<float>(used[kCpu] / cap[kCpu]);
    const float mem = cluster_.vm_count(hid) == 0 || cap[kMem] <= 0 ? 0.f : static_cast<float>(used[kMem] / cap[kMem]);
    if (history_) history_->push(hid, cpu, mem);
    if (keep > 0) {
      host.recent.emplace_back(cpu, mem);
      while (static_cast<int>(host.recent.size()) > keep) host.recent.pop_front();
    }
  }
  cluster_.clear_pending();
  out.step = ++step_;
  return out;
}

std::vector<NodeVerdict> DecisionService::filter(const std::vector<std::string>& nodes, const Resources& requests) {
  std::lock_guard lock(mu_);
  std::vector<NodeVerdict> out;
  for (const std::string& name : nodes) {
    NodeVerdict v;
    v.name = name;
    const auto h = host_index(name);
    if (!h) {
      v.reason = "node is not registered with fleetopt";
    } else if (hosts_[static_cast<std::size_t>(*h)].record.state != HostState::kActive) {
      v.reason = fmt::format("host is {}", host_state_name(hosts_[static_cast<std::size_t>(*h)].record.state));
    } else if (!cluster_.fits(*h, requests)) {
      v.reason = "insufficient room for the pod's requests";
    } else {
      v.fits = true;
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<NodeVerdict> DecisionService::prioritize(const std::vector<std::string>& nodes,
                                                     const Resources& requests) {
  std::vector<NodeVerdict> out = filter(nodes, requests);
  std::lock_guard lock(mu_);
  // The policy chooses among the fitting nodes only: a view of the cluster
  // in which the others admit nothing.
  std::vector<Resources> capacity(hosts_.size());
  std::vector<char> candidate(hosts_.size(), 0);
  for (const NodeVerdict& v : out) {
    if (v.fits) candidate[static_cast<std::size_t>(*host_index(v.name))] = 1;
  }
  for (std::size_t h = 0; h < hosts_.size(); ++h) capacity[h] = candidate[h] ? effective_capacity(hosts_[h]) : Resources{};
  ClusterState view(std::move(capacity), config_.overcommit, config_.dims, cluster_.max_vms());
  for (std::size_t i = 0; i < vms_.size(); ++i) {
    if (vms_[i].live) view.place(static_cast<std::int32_t>(i), vms_[i].host, vms_[i].requests);
  }
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    view.mutable_used(static_cast<std::int32_t>(h)) = cluster_.used(static_cast<std::int32_t>(h));
  }
  view.clear_pending();
  std::int32_t pick = kNoHost;
  if (std::count(candidate.begin(), candidate.end(), 1) > 0 && vms_.size() < cluster_.max_vms()) {
    const auto vm = static_cast<std::int32_t>(vms_.size());
    workload_.instances[static_cast<std::size_t>(vm)].request = requests;
    // A what-if: the second policy object and a copy of the random stream,
    // so the deciding policy and the service's stream stay as they were.
    Rng rng = rng_;
    PlacementContext ctx{view, workload_, history_.get(), vm, step_, requests};
    pick = what_if_->choose(ctx, rng);
  }
  for (NodeVerdict& v : out) {
    if (!v.fits) continue;
    const auto h = *host_index(v.name);
    if (h == pick) {
      v.score = 10;
      continue;
    }
    // Others: the share of room left after the pod, on the tightest dimension, 0..9.
    double room = 1;
    const Resources& cap = hosts_[static_cast<std::size_t>(h)].record.capacity;
    const Resources after = cluster_.reserved(h) + requests;
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(config_.dims, d) || cap[d] <= 0) continue;
      room = std::min(room, std::max(0.0, 1 - after[d] / (cap[d] * config_.overcommit[d])));
    }
    v.score = std::clamp(static_cast<int>(std::floor(room * 9.999)), 0, 9);
  }
  return out;
}

void DecisionService::refresh() {
  std::lock_guard lock(mu_);
  load_locked();
}

DecisionService::Counts DecisionService::counts() {
  std::lock_guard lock(mu_);
  Counts c;
  c.hosts = static_cast<std::int64_t>(hosts_.size());
  c.placements = static_cast<std::int64_t>(vm_by_id_.size());
  c.decisions = decisions_;
  c.conflicts = conflicts_;
  return c;
}

}  // namespace fleetopt::service
