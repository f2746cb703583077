#include "fleetopt/rearrange/exact_search.h"

#include <algorithm>
#include <queue>
#include <string>
#include <unordered_map>

#include "fleetopt/core/progress.h"

namespace fleetopt::rearrange {
namespace {

struct Node {
  double g = 0;
  double h = 0;
  std::int32_t parent = -1;
  std::int32_t mover = -1;  // index into the movable list
  std::int32_t from = kNoHost;
  std::int32_t to = kNoHost;
};

struct OpenEntry {
  double f;
  double g;
  std::int32_t node;
  // Min-heap on f; among equal f, deeper (larger g) first, then older.
  bool operator<(const OpenEntry& o) const {
    if (f != o.f) return f > o.f;
    if (g != o.g) return g < o.g;
    return node > o.node;
  }
};

// Keys are the hosts of the movable VMs, two bytes each.
inline std::int32_t key_host(const std::string& key, std::size_t i) {
  return static_cast<std::int32_t>(static_cast<unsigned char>(key[2 * i]) |
                                   (static_cast<unsigned char>(key[2 * i + 1]) << 8));
}
inline void set_key_host(std::string& key, std::size_t i, std::int32_t h) {
  key[2 * i] = static_cast<char>(h & 0xff);
  key[2 * i + 1] = static_cast<char>((h >> 8) & 0xff);
}

}  // namespace

SearchResult exact_search(const Cluster& c, const RuleSet& rules, const MigrationCost& cost,
                          const Placement& start, const Placement& goal, std::int64_t budget,
                          double cost_bound, double memory_budget_bytes) {
  SearchResult result;
  std::vector<std::int32_t> movable;
  for (std::int32_t v = 0; v < c.num_vms(); ++v) {
    if (start[static_cast<std::size_t>(v)] != kNoHost && !c.vm(v).pinned) movable.push_back(v);
  }
  const std::size_t m = movable.size();
  const std::int64_t hosts = c.num_hosts();
  // Each expansion may generate m x hosts children; past this the search
  // cannot help within any sensible budget.
  if (static_cast<double>(m) * static_cast<double>(hosts) > 2e5 || hosts > 65535) {
    result.outcome = SearchResult::Outcome::kTooLarge;
    return result;
  }
  const double eps = 1e-9;

  // Occupancy tracks the state of the node being expanded; fixed VMs stay.
  Occupancy occ(c, start);
  std::string current(2 * m, '\0'), goal_key(2 * m, '\0');
  for (std::size_t i = 0; i < m; ++i) {
    set_key_host(current, i, start[static_cast<std::size_t>(movable[i])]);
    set_key_host(goal_key, i, goal[static_cast<std::size_t>(movable[i])]);
  }

  std::vector<Node> nodes;
  std::vector<std::string> keys;
  std::unordered_map<std::string, std::int32_t> seen;
  std::priority_queue<OpenEntry> open;
  auto heuristic = [&](const std::string& key) {
    double h = 0;
    for (std::size_t i = 0; i < m; ++i) {
      std::int32_t at = key_host(key, i), want = key_host(goal_key, i);
      if (at != want) h += cost.cost(c, movable[i], at, want);
    }
    return h;
  };
  nodes.push_back(Node{0, heuristic(current), -1, -1, kNoHost, kNoHost});
  keys.push_back(current);
  seen.emplace(current, 0);
  open.push({nodes[0].h, 0, 0});
  // Per state: its node, its key twice (the key list and the seen map, each a
  // heap string) with the map's entry, and a few queue entries.
  const double bytes_per_state = static_cast<double>(sizeof(Node)) + 2.0 * (32.0 + 2.0 * static_cast<double>(m)) +
                                 64.0 + 3.0 * static_cast<double>(sizeof(OpenEntry));
  const double by_memory = std::max(1.0, memory_budget_bytes / bytes_per_state);
  const std::size_t max_nodes = static_cast<std::size_t>(
      std::min(static_cast<double>(std::max<std::int64_t>(budget, 1)) * 8.0, by_memory));

  std::string child;
  Progress progress("exact search (states)", static_cast<std::uint64_t>(std::max<std::int64_t>(budget, 1)));
  while (!open.empty()) {
    OpenEntry top = open.top();
    open.pop();
    const std::int32_t id = top.node;
    if (top.g > nodes[static_cast<std::size_t>(id)].g + eps) continue;  // stale entry
    const std::string key = keys[static_cast<std::size_t>(id)];
    if (key == goal_key) {
      result.outcome = SearchResult::Outcome::kFound;
      result.cost = nodes[static_cast<std::size_t>(id)].g;
      for (std::int32_t n = id; nodes[static_cast<std::size_t>(n)].parent >= 0;
           n = nodes[static_cast<std::size_t>(n)].parent) {
        const Node& node = nodes[static_cast<std::size_t>(n)];
        std::int32_t vm = movable[static_cast<std::size_t>(node.mover)];
        Migration mig;
        mig.vm = vm;
        mig.from = node.from;
        mig.to = node.to;
        mig.cost = cost.cost(c, vm, node.from, node.to);
        mig.temporary = node.to != goal[static_cast<std::size_t>(vm)];
        result.moves.push_back(mig);
      }
      std::reverse(result.moves.begin(), result.moves.end());
      return result;
    }
    if (result.expanded >= budget || nodes.size() >= max_nodes) {
      result.outcome = SearchResult::Outcome::kBudget;
      return result;
    }
    ++result.expanded;
    progress.advance();
    // Bring the occupancy to this node's state.
    for (std::size_t i = 0; i < m; ++i) {
      std::int32_t was = key_host(current, i), now = key_host(key, i);
      if (was != now) {
        occ.add(movable[i], now);
        occ.remove(movable[i], was);
      }
    }
    current = key;
    const double g = nodes[static_cast<std::size_t>(id)].g;
    const double h = nodes[static_cast<std::size_t>(id)].h;
    for (std::size_t i = 0; i < m; ++i) {
      const std::int32_t vm = movable[i];
      const std::int32_t from = key_host(key, i), want = key_host(goal_key, i);
      const double h_without = h - (from != want ? cost.cost(c, vm, from, want) : 0.0);
      for (std::int32_t to = 0; to < c.num_hosts(); ++to) {
        if (to == from || !rules.admits(occ, vm, to)) continue;
        const double g2 = g + cost.cost(c, vm, from, to);
        const double h2 = h_without + (to != want ? cost.cost(c, vm, to, want) : 0.0);
        if (g2 + h2 >= cost_bound - eps) continue;
        child = key;
        set_key_host(child, i, to);
        auto [it, inserted] = seen.try_emplace(child, static_cast<std::int32_t>(nodes.size()));
        if (!inserted) {
          Node& old = nodes[static_cast<std::size_t>(it->second)];
          if (g2 >= old.g - eps) continue;
          old.g = g2;
          old.parent = id;
          old.mover = static_cast<std::int32_t>(i);
          old.from = from;
          old.to = to;
          open.push({g2 + h2, g2, it->second});
          continue;
        }
        nodes.push_back(Node{g2, h2, id, static_cast<std::int32_t>(i), from, to});
        keys.push_back(child);
        open.push({g2 + h2, g2, it->second});
      }
    }
  }
  result.outcome = SearchResult::Outcome::kExhausted;
  return result;
}

}  // namespace fleetopt::rearrange
