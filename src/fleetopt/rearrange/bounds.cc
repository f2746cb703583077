#include "fleetopt/rearrange/bounds.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <array>
#include <map>

#include <coin/ClpSimplex.hpp>

namespace fleetopt::rearrange {

std::int32_t HostBounds::best() const { return std::max({continuous, l2, configuration_lp, assignment_lp, structural}); }

std::int64_t martello_toth_l2(std::vector<double> sizes, double capacity) {
  if (sizes.empty() || capacity <= 0) return 0;
  const double tol = 1e-9 * capacity;
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  const std::size_t n = sizes.size();
  std::vector<double> prefix(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + sizes[i];
  // Index of the first size <= x (sizes sorted descending).
  auto first_at_most = [&](double x) {
    return static_cast<std::size_t>(std::lower_bound(sizes.begin(), sizes.end(), x + tol, std::greater<>()) -
                                    sizes.begin());
  };
  // L2(alpha) for alpha in {0} and every distinct size <= C/2:
  //   J1 = sizes > C - alpha, J2 = C - alpha >= size > C/2, J3 = C/2 >= size >= alpha.
  //   L = |J1| + |J2| + max(0, ceil((sum J3 - (|J2| C - sum J2)) / C)).
  std::int64_t best = 0;
  std::vector<double> alphas = {0.0};
  for (double s : sizes) {
    if (s <= capacity / 2 + tol && (alphas.back() != s)) alphas.push_back(s);
  }
  for (double alpha : alphas) {
    std::size_t j1_end = first_at_most(capacity - alpha);   // sizes > C - alpha
    std::size_t j2_end = first_at_most(capacity / 2);        // sizes > C/2
    std::size_t j3_end = static_cast<std::size_t>(
        std::upper_bound(sizes.begin(), sizes.end(), alpha - tol, std::greater<>()) - sizes.begin());  // sizes >= alpha
    if (j2_end < j1_end) j2_end = j1_end;
    if (j3_end < j2_end) j3_end = j2_end;
    double sum_j2 = prefix[j2_end] - prefix[j1_end];
    double sum_j3 = prefix[j3_end] - prefix[j2_end];
    std::int64_t j12 = static_cast<std::int64_t>(j2_end);
    double free_in_j2 = static_cast<double>(j2_end - j1_end) * capacity - sum_j2;
    double extra = (sum_j3 - free_in_j2) / capacity;
    std::int64_t l = j12 + (extra > 1e-9 ? static_cast<std::int64_t>(std::ceil(extra - 1e-9)) : 0);
    best = std::max(best, l);
  }
  return best;
}

double configuration_lp_bound(const std::vector<double>& sizes, double capacity, std::size_t max_distinct,
                              std::size_t max_patterns) {
  if (sizes.empty() || capacity <= 0) return 0;
  const double tol = 1e-9 * capacity;
  std::map<double, double, std::greater<>> groups;  // size -> count; zero sizes need no room
  for (double s : sizes) {
    if (s > tol) groups[s] += 1;
  }
  if (groups.empty()) return 0;
  if (groups.size() > max_distinct) return -1;
  std::vector<double> size, count;
  for (const auto& [s, n] : groups) {
    if (s > capacity + tol) return -1;  // fits no bin: not a packing problem
    size.push_back(s);
    count.push_back(n);
  }
  const std::size_t k = size.size();
  // Every maximal pattern (no further item of any kind fits), by DFS.
  std::vector<std::vector<int>> patterns;
  std::vector<int> pick(k, 0);
  bool overflow = false;
  std::function<void(std::size_t, double)> dfs = [&](std::size_t i, double room) {
    if (overflow) return;
    if (i == k) {
      for (std::size_t j = 0; j < k; ++j) {
        if (pick[j] < count[j] && size[j] <= room + tol) return;  // not maximal
      }
      bool empty = true;
      for (int a : pick) empty = empty && a == 0;
      if (!empty) patterns.push_back(pick);
      overflow = patterns.size() > max_patterns;
      return;
    }
    int most = static_cast<int>(std::min(count[i], std::floor((room + tol) / size[i])));
    for (int a = most; a >= 0; --a) {
      pick[i] = a;
      dfs(i + 1, room - a * size[i]);
    }
    pick[i] = 0;
  };
  dfs(0, capacity);
  if (overflow || patterns.empty()) return -1;
  ClpSimplex model;
  model.setLogLevel(0);
  model.resize(static_cast<int>(k), 0);
  for (std::size_t j = 0; j < k; ++j) {
    model.setRowLower(static_cast<int>(j), count[j]);
    model.setRowUpper(static_cast<int>(j), COIN_DBL_MAX);
  }
  std::vector<int> rows;
  std::vector<double> elements;
  for (const auto& p : patterns) {
    rows.clear();
    elements.clear();
    for (std::size_t j = 0; j < k; ++j) {
      if (p[j] > 0) {
        rows.push_back(static_cast<int>(j));
        elements.push_back(p[j]);
      }
    }
    model.addColumn(static_cast<int>(rows.size()), rows.data(), elements.data(), 0.0, COIN_DBL_MAX, 1.0);
  }
  model.dual();
  if (!model.isProvenOptimal()) return -1;
  return model.objectiveValue();
}

std::int32_t assignment_lp_bound(const std::vector<Resources>& demands, const std::vector<Resources>& limits,
                                 DimMask dims, std::size_t max_columns) {
  if (demands.empty() || limits.empty()) return 0;
  auto key = [dims](const Resources& r) {
    std::array<double, kMaxDims> k{};
    for (int d = 0; d < kMaxDims; ++d) k[static_cast<std::size_t>(d)] = has_dim(dims, d) ? r[d] : 0.0;
    return k;
  };
  std::map<std::array<double, kMaxDims>, double> classes, types;
  for (const auto& r : demands) classes[key(r)] += 1;
  for (const auto& r : limits) types[key(r)] += 1;
  const int nc = static_cast<int>(classes.size());
  const int nt = static_cast<int>(types.size());
  if (static_cast<std::size_t>(nc) * static_cast<std::size_t>(nt) + static_cast<std::size_t>(nt) > max_columns) return 0;
  std::vector<std::array<double, kMaxDims>> dem, cap;
  std::vector<double> count, available;
  for (const auto& [k, n] : classes) {
    dem.push_back(k);
    count.push_back(n);
  }
  for (const auto& [k, n] : types) {
    cap.push_back(k);
    available.push_back(n);
  }
  auto fits = [&](int c, int t) {
    for (int d = 0; d < kMaxDims; ++d) {
      if (dem[static_cast<std::size_t>(c)][static_cast<std::size_t>(d)] >
          cap[static_cast<std::size_t>(t)][static_cast<std::size_t>(d)] * (1 + 1e-9) + 1e-12) {
        return false;
      }
    }
    return true;
  };
  constexpr int kMaxK = 3;
  // Rows: classes, then per type: kMaxDims capacity rows and kMaxDims * kMaxK
  // count rows (a row with no VM column is harmless).
  const int rows_per_type = kMaxDims * (1 + kMaxK);
  auto cap_row = [&](int t, int d) { return nc + t * rows_per_type + d; };
  auto count_row = [&](int t, int d, int k) { return nc + t * rows_per_type + kMaxDims + d * kMaxK + (k - 1); };
  ClpSimplex model;
  model.setLogLevel(0);
  model.resize(nc + nt * rows_per_type, 0);
  for (int c = 0; c < nc; ++c) {
    model.setRowLower(c, count[static_cast<std::size_t>(c)]);
    model.setRowUpper(c, count[static_cast<std::size_t>(c)]);
  }
  for (int r = nc; r < nc + nt * rows_per_type; ++r) {
    model.setRowLower(r, -COIN_DBL_MAX);
    model.setRowUpper(r, 0);
  }
  std::vector<int> idx;
  std::vector<double> val;
  // Host columns y_t: -capacity in the capacity rows, -k in the count rows.
  for (int t = 0; t < nt; ++t) {
    idx.clear();
    val.clear();
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(dims, d)) continue;
      idx.push_back(cap_row(t, d));
      val.push_back(-cap[static_cast<std::size_t>(t)][static_cast<std::size_t>(d)]);
      for (int k = 1; k <= kMaxK; ++k) {
        idx.push_back(count_row(t, d, k));
        val.push_back(-k);
      }
    }
    model.addColumn(static_cast<int>(idx.size()), idx.data(), val.data(), 0.0, available[static_cast<std::size_t>(t)],
                    1.0);
  }
  bool every_class_fits_somewhere = true;
  for (int c = 0; c < nc; ++c) {
    bool placed = false;
    for (int t = 0; t < nt; ++t) {
      if (!fits(c, t)) continue;
      placed = true;
      idx.assign(1, c);
      val.assign(1, 1.0);
      for (int d = 0; d < kMaxDims; ++d) {
        if (!has_dim(dims, d)) continue;
        const double size = dem[static_cast<std::size_t>(c)][static_cast<std::size_t>(d)];
        const double room = cap[static_cast<std::size_t>(t)][static_cast<std::size_t>(d)];
        if (size <= 0) continue;
        idx.push_back(cap_row(t, d));
        val.push_back(size);
        // At most k VMs larger than room / (k + 1) share a host.
        for (int k = 1; k <= kMaxK; ++k) {
          if (size > room / (k + 1) * (1 + 1e-9)) {
            idx.push_back(count_row(t, d, k));
            val.push_back(1.0);
          }
        }
      }
      model.addColumn(static_cast<int>(idx.size()), idx.data(), val.data(), 0.0, COIN_DBL_MAX, 0.0);
    }
    every_class_fits_somewhere = every_class_fits_somewhere && placed;
  }
  if (!every_class_fits_somewhere) return 0;  // no packing exists; the other bounds say what they can
  model.dual();
  if (!model.isProvenOptimal()) return 0;
  return static_cast<std::int32_t>(std::ceil(model.objectiveValue() - 1e-6));
}

HostBounds host_lower_bound(const Cluster& c, const std::vector<std::int32_t>& vms,
                            const std::vector<char>& in_scope, std::int32_t fixed_hosts) {
  HostBounds out;
  out.structural = fixed_hosts;
  std::vector<Resources> limits;
  for (std::int32_t h = 0; h < c.num_hosts(); ++h) {
    if (in_scope[static_cast<std::size_t>(h)]) limits.push_back(c.limit(h));
  }
  if (limits.empty() || vms.empty()) return out;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(c.dims, d)) continue;
    double total = 0, largest_host = 0;
    std::vector<double> sizes;
    sizes.reserve(vms.size());
    for (std::int32_t v : vms) {
      total += c.vm(v).demand[d];
      sizes.push_back(c.vm(v).demand[d]);
    }
    std::vector<double> caps;
    for (const auto& lim : limits) {
      caps.push_back(std::max(0.0, lim[d]));
      largest_host = std::max(largest_host, lim[d]);
    }
    std::sort(caps.begin(), caps.end(), std::greater<>());
    double covered = 0;
    std::int32_t k = 0;
    while (covered < total - 1e-9 * std::max(1.0, total) && k < static_cast<std::int32_t>(caps.size())) {
      covered += caps[static_cast<std::size_t>(k++)];
    }
    out.continuous = std::max(out.continuous, k);
    if (largest_host > 0) {
      double lp = configuration_lp_bound(sizes, largest_host);
      if (lp > 0) out.configuration_lp = std::max(out.configuration_lp, static_cast<std::int32_t>(std::ceil(lp - 1e-6)));
      out.l2 = std::max(out.l2, static_cast<std::int32_t>(martello_toth_l2(std::move(sizes), largest_host)));
    }
  }
  std::vector<Resources> demands;
  demands.reserve(vms.size());
  for (std::int32_t v : vms) demands.push_back(c.vm(v).demand);
  out.assignment_lp = assignment_lp_bound(demands, limits, c.dims);
  // VMs of one anti-affinity group need distinct hosts.
  std::vector<std::int32_t> group_size(c.groups.size(), 0);
  for (std::int32_t v : vms) {
    if (c.vm(v).anti_affinity >= 0) ++group_size[static_cast<std::size_t>(c.vm(v).anti_affinity)];
  }
  for (std::int32_t g : group_size) out.structural = std::max(out.structural, g);
  return out;
}

}  // namespace fleetopt::rearrange
