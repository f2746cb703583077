#include "fleetopt/rearrange/target.h"

#include <algorithm>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/rearrange/strategies.h"

namespace fleetopt::rearrange {
namespace {

struct Entry {
  std::string name, summary;
  StrategyFactory factory;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> entries = {
      {"defrag", "pack onto the fewest hosts with the fewest migrations (ours); @fit=l2|dot|first", make_defrag},
      {"rebalance", "minimise the stddev of normalised host load with few migrations (ours); @min_gain=0.001",
       make_rebalance},
      {"evacuate", "evacuate:H1,H2 -- empty the named hosts with the least disruption (ours)", make_evacuate},
      {"ffd", "best from-scratch vector packing (FFD orderings, dot product, L2), bins relabelled", make_ffd},
      {"watcher-basic", "OpenStack Watcher basic (Sercon) consolidation; @efficacy=60 @attempts=0.8",
       make_watcher_basic},
      {"watcher-vm-workload", "OpenStack Watcher VM workload consolidation (first fit)", make_watcher_vm_workload},
      {"watcher-stabilization", "OpenStack Watcher workload stabilization (greedy stddev reduction); @threshold=0.1",
       make_watcher_stabilization},
  };
  return entries;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool has_tag(const std::vector<std::string>& tags, const std::string& tag) {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

}  // namespace

std::vector<std::int32_t> parse_host_list(const Cluster& c, const std::string& list, const std::string& field) {
  std::vector<std::int32_t> out;
  for (const auto& id : split(list, ',')) {
    std::int32_t h = c.find_host(id);
    if (h < 0) throw InputError::field(field, fmt::format("unknown host '{}'", id));
    out.push_back(h);
  }
  if (out.empty()) throw InputError::field(field, "expected a comma-separated list of host ids");
  return out;
}

Scope make_scope(const Cluster& c, const Placement& a, const std::string& subset, const std::string& within) {
  Scope s;
  s.hosts.assign(static_cast<std::size_t>(c.num_hosts()), within.empty() ? 1 : 0);
  for (const auto& term : split(within, ',')) {
    auto colon = term.find(':');
    std::string kind = term.substr(0, colon), value = colon == std::string::npos ? "" : term.substr(colon + 1);
    if (kind == "host") {
      std::int32_t h = c.find_host(value);
      if (h < 0) throw InputError::field("--within", fmt::format("unknown host '{}'", value));
      s.hosts[static_cast<std::size_t>(h)] = 1;
    } else if (kind == "tag") {
      bool any = false;
      for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
        if (has_tag(c.host(h).tags, value)) s.hosts[static_cast<std::size_t>(h)] = any = true;
      }
      if (!any) throw InputError::field("--within", fmt::format("no host has tag '{}'", value));
    } else {
      throw InputError::field("--within", fmt::format("unknown term '{}' (known: host:ID, tag:T)", term));
    }
  }
  const auto terms = split(subset, ',');
  s.movable.assign(static_cast<std::size_t>(c.num_vms()), 0);
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    std::int32_t h = a[static_cast<std::size_t>(v)];
    if (h == kNoHost || c.vm(v).pinned || !s.hosts[static_cast<std::size_t>(h)]) continue;
    bool match = terms.empty();
    for (const auto& term : terms) {
      auto colon = term.find(':');
      std::string kind = term.substr(0, colon), value = colon == std::string::npos ? "" : term.substr(colon + 1);
      const Vm& vm = c.vm(v);
      if (kind == "tag") {
        match = match || has_tag(vm.tags, value);
      } else if (kind == "vm") {
        if (c.find_vm(value) < 0) throw InputError::field("--subset", fmt::format("unknown VM '{}'", value));
        match = match || vm.id == value;
      } else if (kind == "host") {
        if (c.find_host(value) < 0) throw InputError::field("--subset", fmt::format("unknown host '{}'", value));
        match = match || c.host(h).id == value;
      } else if (kind == "image") {
        match = match || (vm.image >= 0 && c.images[static_cast<std::size_t>(vm.image)] == value);
      } else if (kind == "group") {
        match = match || (vm.anti_affinity >= 0 && c.groups[static_cast<std::size_t>(vm.anti_affinity)] == value);
      } else {
        throw InputError::field("--subset",
                                fmt::format("unknown term '{}' (known: tag:T, vm:ID, host:ID, image:I, group:G)", term));
      }
    }
    s.movable[static_cast<std::size_t>(v)] = match ? 1 : 0;
  }
  return s;
}

StrategySpec StrategySpec::parse(const std::string& text) {
  StrategySpec spec;
  spec.text = text;
  auto parts = split(text, '@');
  if (parts.empty() || text.front() == '@') throw InputError::field("strategy", fmt::format("empty name in '{}'", text));
  auto colon = parts[0].find(':');
  spec.name = parts[0].substr(0, colon);
  if (colon != std::string::npos) spec.arg = parts[0].substr(colon + 1);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    auto eq = parts[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError::field("strategy", fmt::format("option '{}' in '{}' is not KEY=VALUE", parts[i], text));
    }
    spec.options[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
  }
  return spec;
}

double StrategySpec::number(const std::string& key, double fallback) const {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  double x = 0;
  if (!parse_double(it->second, x) || x < 0) {
    throw InputError::field(fmt::format("strategy {} option {}", name, key),
                            fmt::format("expected a number >= 0, got '{}'", it->second));
  }
  return x;
}

void StrategySpec::check_options(const std::vector<std::string>& known) const {
  for (const auto& [key, value] : options) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InputError::field(fmt::format("strategy {}", name),
                              fmt::format("unknown option '{}' (known: {})", key, list.empty() ? "none" : list));
    }
  }
}

bool register_strategy(const std::string& name, const std::string& summary, StrategyFactory factory) {
  registry().push_back({name, summary, std::move(factory)});
  return true;
}

std::unique_ptr<TargetStrategy> make_strategy(const std::string& text) {
  StrategySpec spec = StrategySpec::parse(text);
  for (const auto& e : registry()) {
    if (e.name == spec.name) return e.factory(spec);
  }
  std::string known;
  for (const auto& e : registry()) known += (known.empty() ? "" : ", ") + e.name;
  throw InputError::field("strategy", fmt::format("unknown strategy '{}' (known: {})", spec.name, known));
}

std::vector<std::pair<std::string, std::string>> registered_strategies() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : registry()) out.emplace_back(e.name, e.summary);
  return out;
}

}  // namespace fleetopt::rearrange
