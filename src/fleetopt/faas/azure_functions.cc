#include "fleetopt/faas/azure_functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/trace/azure_functions.h"
#include "fleetopt/trace/read_report.h"

namespace fleetopt::faas {
namespace {

struct NodeType {
  const char* name;
  double speed;       // relative CPU speed (durations in the trace are at speed 1)
  double latency_ms;  // network round trip to the users
  double core_price;  // per core-second, relative
  double gb_price;    // per GB-second, relative
  double cores;       // relative size before the fleet is scaled to the load
  double memory_gb;
};

// Edge boxes are close but slow, with dear CPU and cheap memory; cloud
// machines are far and fast, with cheap CPU and dearer memory; regional ones
// sit between. So short functions lean to the edge, memory-heavy ones away
// from the cloud, and everyone competes for the fast nodes' capacity. Sizes
// are relative; the fleet is scaled to the trace's load.
constexpr NodeType kNodeTypes[] = {
    {"edge", 0.6, 5.0, 2.0, 0.6, 8.0, 32.0},
    {"regional", 1.0, 25.0, 1.2, 1.0, 32.0, 128.0},
    {"cloud", 1.3, 80.0, 0.7, 1.5, 96.0, 256.0},
};

struct Cluster {
  double invocations = 0, duration_ms = 0, memory_mb = 0;
  int functions = 0;
};

// Seeded k-means++ then Lloyd iterations on 2-D points; returns labels.
std::vector<int> kmeans(const std::vector<std::array<double, 2>>& points, int k, Rng& rng) {
  const std::size_t n = points.size();
  auto distance2 = [](const std::array<double, 2>& a, const std::array<double, 2>& b) {
    return (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]);
  };
  std::vector<std::array<double, 2>> centers;
  centers.push_back(points[rng.below(n)]);
  std::vector<double> nearest(n, std::numeric_limits<double>::infinity());
  while (static_cast<int>(centers.size()) < k) {
    double total = 0;
    for (std::size_t p = 0; p < n; ++p) {
      nearest[p] = std::min(nearest[p], distance2(points[p], centers.back()));
      total += nearest[p];
    }
    std::size_t pick = rng.below(n);
    if (total > 0) {
      double target = rng.uniform() * total;
      for (pick = 0; pick + 1 < n && (target -= nearest[pick]) >= 0; ++pick) {
      }
    }
    centers.push_back(points[pick]);
  }
  std::vector<int> label(n, -1);
  for (int iteration = 0; iteration < 200; ++iteration) {
    bool changed = false;
    for (std::size_t p = 0; p < n; ++p) {
      int best = 0;
      for (int c = 1; c < k; ++c) {
        if (distance2(points[p], centers[static_cast<std::size_t>(c)]) <
            distance2(points[p], centers[static_cast<std::size_t>(best)])) {
          best = c;
        }
      }
      changed |= label[p] != best;
      label[p] = best;
    }
    if (!changed) break;
    std::vector<std::array<double, 2>> sum(static_cast<std::size_t>(k), {0.0, 0.0});
    std::vector<int> size(static_cast<std::size_t>(k), 0);
    for (std::size_t p = 0; p < n; ++p) {
      auto c = static_cast<std::size_t>(label[p]);
      sum[c][0] += points[p][0];
      sum[c][1] += points[p][1];
      ++size[c];
    }
    for (std::size_t c = 0; c < static_cast<std::size_t>(k); ++c) {
      if (size[c] > 0) {
        centers[c] = {sum[c][0] / size[c], sum[c][1] / size[c]};
      } else {
        // An empty cluster takes the point farthest from its own center.
        std::size_t far = 0;
        double worst = -1;
        for (std::size_t p = 0; p < n; ++p) {
          const double d = distance2(points[p], centers[static_cast<std::size_t>(label[p])]);
          if (d > worst) worst = d, far = p;
        }
        centers[c] = points[far];
        label[far] = static_cast<int>(c);
      }
    }
  }
  return label;
}

}  // namespace

AzureFunctionsTrace read_azure_functions(const std::string& directory) {
  // The trace module reads and checks the files (file:line errors); this
  // keeps what the instance needs.
  ReadReport report;
  const fleetopt::AzureFunctionsTrace raw = fleetopt::read_azure_functions(directory, &report);
  // The trace module treats the statistics files as optional; the instance
  // cannot do without them.
  bool any_durations = false, any_memory = false;
  for (const fleetopt::AzureFunction& f : raw.functions) {
    any_durations = any_durations || f.has_durations;
    any_memory = any_memory || f.has_memory;
  }
  if (!any_durations) {
    throw InputError(fmt::format("{}: no execution-time statistics (the *_run.csv file is missing or matches "
                                 "no function)", directory));
  }
  if (!any_memory) {
    throw InputError(fmt::format("{}: no memory statistics (the *_mem.csv file is missing or matches no app)",
                                 directory));
  }
  AzureFunctionsTrace trace;
  trace.minutes = static_cast<int>(raw.minutes);
  for (const fleetopt::AzureFunction& f : raw.functions) {
    double invocations = 0;
    for (std::uint32_t n : f.invocations) invocations += n;
    if (!f.has_durations) {
      ++trace.without_duration;
    } else if (!f.has_memory || !(f.memory.average > 0)) {
      ++trace.without_memory;
    } else if (invocations == 0) {
      ++trace.never_invoked;
    } else {
      trace.functions.push_back({f.owner, f.app, f.function, invocations, f.durations.average, f.memory.average});
    }
  }
  return trace;
}

AzureInstance build_azure_instance(const AzureFunctionsTrace& trace,
                                   const AzureInstanceOptions& o) {
  if (o.classes < 1 || o.classes > 1000) throw InputError::field("classes", "must be in [1, 1000]");
  if (o.nodes < 1 || o.nodes > 10000) throw InputError::field("nodes", "must be in [1, 10000]");
  if (!(o.arrival_load > 0 && o.arrival_load <= 1)) {
    throw InputError::field("arrival-load", "must be in (0, 1]");
  }
  if (!(std::isfinite(o.headroom) && o.headroom > 0)) {
    throw InputError::field("headroom", "must be finite and > 0");
  }
  if (trace.functions.size() < static_cast<std::size_t>(o.classes)) {
    throw InputError::field(
        "classes", fmt::format("the trace has only {} usable functions", trace.functions.size()));
  }

  // Classes: k-means on standardised (log10 duration, log10 memory).
  std::vector<std::array<double, 2>> points;
  for (const AzureFunction& f : trace.functions) {
    points.push_back({std::log10(std::max(f.duration_ms, 0.1)), std::log10(f.memory_mb)});
  }
  for (int axis = 0; axis < 2; ++axis) {
    double sum = 0, sum2 = 0;
    for (const auto& p : points) sum += p[axis], sum2 += p[axis] * p[axis];
    const double mean = sum / static_cast<double>(points.size());
    const double sd =
        std::sqrt(std::max(0.0, sum2 / static_cast<double>(points.size()) - mean * mean));
    for (auto& p : points) p[axis] = sd > 0 ? (p[axis] - mean) / sd : 0.0;
  }
  Rng rng(o.seed);
  Rng cluster_rng = rng.fork(1);
  Rng node_rng = rng.fork(2);
  const std::vector<int> label = kmeans(points, o.classes, cluster_rng);
  std::vector<Cluster> clusters(static_cast<std::size_t>(o.classes));
  double all_invocations = 0;
  for (std::size_t f = 0; f < trace.functions.size(); ++f) {
    const AzureFunction& fn = trace.functions[f];
    Cluster& c = clusters[static_cast<std::size_t>(label[f])];
    c.invocations += fn.invocations;
    c.duration_ms += fn.invocations * fn.duration_ms;
    c.memory_mb += fn.invocations * fn.memory_mb;
    ++c.functions;
    all_invocations += fn.invocations;
  }
  for (Cluster& c : clusters) {
    c.duration_ms /= c.invocations;
    c.memory_mb /= c.invocations;
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const Cluster& a, const Cluster& b) { return a.duration_ms < b.duration_ms; });

  const int m = o.classes, n = o.nodes;
  const double slot_ms = trace.minutes * 60000.0 * o.arrival_load / all_invocations;
  Instance in;
  in.nodes = n;
  in.classes = m;
  in.resources = 2;
  double busy_cores = 0, busy_gb = 0;  // average load at speed 1
  for (const Cluster& c : clusters) {
    const double rate = o.arrival_load * c.invocations / all_invocations;
    in.arrival.push_back(rate);
    busy_cores += rate * c.duration_ms / slot_ms;
    busy_gb += rate * c.duration_ms * (c.memory_mb / 1024) / slot_ms;
  }

  struct Node {
    const NodeType* type;
    double speed, latency_ms, core_price, gb_price, cores, memory_gb;
  };
  std::vector<Node> fleet;
  double type_cores = 0, type_memory = 0;
  for (int j = 0; j < n; ++j) {
    const NodeType& t = kNodeTypes[j % 3];
    Node node{&t,
              t.speed * node_rng.uniform(0.85, 1.15),
              t.latency_ms * node_rng.uniform(0.85, 1.15),
              t.core_price * node_rng.uniform(0.85, 1.15),
              t.gb_price * node_rng.uniform(0.85, 1.15),
              t.cores,
              t.memory_gb};
    type_cores += node.cores;
    type_memory += node.memory_gb;
    fleet.push_back(node);
  }
  for (Node& node : fleet) {
    node.cores *= o.headroom * busy_cores / type_cores;
    node.memory_gb *= o.headroom * busy_gb / type_memory;
  }

  // Use per placement in busy cores and busy GB per slot; normalised below.
  std::vector<double> cpu_use(static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
  std::vector<double> memory_use(cpu_use.size());
  double max_cpu = 0, max_memory = 0;
  in.cost.resize(cpu_use.size());
  for (int i = 0; i < m; ++i) {
    const Cluster& c = clusters[static_cast<std::size_t>(i)];
    double worst_response = 0, worst_price = 0;
    std::vector<double> response(static_cast<std::size_t>(n)), price(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
      const Node& node = fleet[static_cast<std::size_t>(j)];
      const double run_ms = c.duration_ms / node.speed;
      const std::size_t pair = in.index(i, j);
      cpu_use[pair] = run_ms / slot_ms;
      memory_use[pair] = run_ms * (c.memory_mb / 1024) / slot_ms;
      max_cpu = std::max(max_cpu, cpu_use[pair]);
      max_memory = std::max(max_memory, memory_use[pair]);
      response[static_cast<std::size_t>(j)] = node.latency_ms + run_ms;
      price[static_cast<std::size_t>(j)] =
          (node.core_price + node.gb_price * c.memory_mb / 1024) * run_ms / 1000;
      worst_response = std::max(worst_response, response[static_cast<std::size_t>(j)]);
      worst_price = std::max(worst_price, price[static_cast<std::size_t>(j)]);
    }
    for (int j = 0; j < n; ++j) {
      in.cost[in.index(i, j)] = 0.5 * response[static_cast<std::size_t>(j)] / worst_response +
                                0.5 * price[static_cast<std::size_t>(j)] / worst_price;
    }
  }
  in.demand.resize(cpu_use.size() * 2);
  for (std::size_t pair = 0; pair < cpu_use.size(); ++pair) {
    in.demand[pair * 2] = cpu_use[pair] / max_cpu;
    in.demand[pair * 2 + 1] = memory_use[pair] / max_memory;
  }
  for (const Node& node : fleet) {
    in.capacity.push_back(node.cores / max_cpu);
    in.capacity.push_back(node.memory_gb / max_memory);
  }
  validate(in);

  nlohmann::json meta;
  meta["source"] = "azure-functions-2019 (1000_inv.csv, 1000_run.csv, 1000_mem.csv)";
  meta["seed"] = o.seed;
  meta["functions"] = trace.functions.size();
  meta["dropped"] = {{"without_duration", trace.without_duration},
                     {"without_memory", trace.without_memory},
                     {"never_invoked", trace.never_invoked}};
  meta["minutes"] = trace.minutes;
  meta["arrival_load"] = o.arrival_load;
  meta["headroom"] = o.headroom;
  meta["slot_ms"] = slot_ms;
  meta["resources"] = {"cpu", "memory"};
  meta["demand_unit"] = {{"cpu_cores", max_cpu}, {"memory_gb", max_memory}};
  meta["average_load"] = {{"busy_cores", busy_cores}, {"busy_gb", busy_gb}};
  for (const Cluster& c : clusters) {
    meta["classes_profile"].push_back({{"functions", c.functions},
                                       {"invocations", c.invocations},
                                       {"duration_ms", c.duration_ms},
                                       {"memory_mb", c.memory_mb}});
  }
  for (const Node& node : fleet) {
    meta["nodes_profile"].push_back({{"type", node.type->name},
                                     {"speed", node.speed},
                                     {"latency_ms", node.latency_ms},
                                     {"core_price", node.core_price},
                                     {"gb_price", node.gb_price},
                                     {"cores", node.cores},
                                     {"memory_gb", node.memory_gb}});
  }
  return {std::move(in), std::move(meta)};
}

}  // namespace fleetopt::faas
