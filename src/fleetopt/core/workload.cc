#include "fleetopt/core/workload.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"

namespace fleetopt {

std::int64_t Workload::steps() const {
  if (end <= start || step_seconds <= 0) return 0;
  return static_cast<std::int64_t>(std::ceil((end - start) / step_seconds - 1e-9));
}

std::int64_t Workload::arrival_step(std::size_t i) const {
  // Instances that arrived before the window starts run from its first step.
  auto a = static_cast<std::int64_t>(std::floor((instances[i].arrival - start) / step_seconds + 1e-9));
  return std::max<std::int64_t>(a, 0);
}

std::int64_t Workload::departure_step(std::size_t i) const {
  auto d = static_cast<std::int64_t>(std::ceil((instances[i].departure - start) / step_seconds - 1e-9));
  d = std::max(d, arrival_step(i) + 1);
  return std::min(d, steps());
}

std::int32_t Workload::add_shape(DimMask shape_dims,
                                 const std::vector<std::vector<float>>& series_per_dim) {
  UsageShape s;
  s.dims = shape_dims;
  s.stride = static_cast<std::uint8_t>(series_per_dim.size());
  int count = 0;
  for (int d = 0; d < kMaxDims; ++d) count += has_dim(shape_dims, d) ? 1 : 0;
  if (count != s.stride || s.stride == 0) {
    throw std::logic_error("add_shape: one series per stored dimension required");
  }
  s.length = static_cast<std::uint32_t>(series_per_dim.front().size());
  for (const auto& series : series_per_dim) {
    if (series.size() != s.length) throw std::logic_error("add_shape: series lengths differ");
  }
  if (s.length == 0) throw std::logic_error("add_shape: empty series");
  s.offset = static_cast<std::uint32_t>(samples.size());
  // Grow geometrically: readers add thousands of shapes one by one.
  const std::size_t needed = samples.size() + std::size_t{s.length} * s.stride;
  if (needed > samples.capacity()) samples.reserve(std::max(needed, 2 * samples.capacity()));
  for (std::uint32_t k = 0; k < s.length; ++k) {
    for (const auto& series : series_per_dim) samples.push_back(series[k]);
  }
  shapes.push_back(s);
  return static_cast<std::int32_t>(shapes.size() - 1);
}

float Workload::usage_fraction(std::size_t i, std::int64_t k, int d) const {
  const Instance& inst = instances[i];
  if (inst.shape < 0) return 1.0f;
  const UsageShape& s = shapes[static_cast<std::size_t>(inst.shape)];
  if (!has_dim(s.dims, d)) return 1.0f;
  int slot = 0;
  for (int e = 0; e < d; ++e) slot += has_dim(s.dims, e) ? 1 : 0;
  std::uint64_t sample = (inst.phase + static_cast<std::uint64_t>(std::max<std::int64_t>(k, 0))) %
                         s.length;
  return samples[s.offset + sample * s.stride + static_cast<std::uint64_t>(slot)];
}

void Workload::sort_by_arrival() {
  std::vector<std::size_t> order(instances.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return instances[a].arrival < instances[b].arrival;
  });
  auto permute = [&](auto& v) {
    if (v.size() != order.size()) return;
    auto copy = v;
    for (std::size_t i = 0; i < order.size(); ++i) v[i] = std::move(copy[order[i]]);
  };
  permute(instances);
  permute(ids);
  permute(tags);
}

void Workload::validate() const {
  // Every workload passes here before anything simulates it, so these limits
  // hold for every reader; readers check the same limits per line, earlier,
  // to name the line.
  limits::check_range(step_seconds, limits::kMinStepSeconds, limits::kMaxStepSeconds, name + ".step_seconds");
  limits::check_range(start, -limits::kMaxAbsTimeSeconds, limits::kMaxAbsTimeSeconds, name + ".start");
  limits::check_range(end, -limits::kMaxAbsTimeSeconds, limits::kMaxAbsTimeSeconds, name + ".end");
  if (!(end > start)) throw InputError::field(name + ".end", fmt::format("{} is not after start {}", end, start));
  if (end - start > limits::kMaxHorizonSeconds) {
    throw InputError::field(name + ".end", fmt::format("the workload spans {:.0f} days (end - start); the limit is {:.0f}",
                                                       (end - start) / 86400, limits::kMaxHorizonSeconds / 86400));
  }
  if (steps() > limits::kMaxSteps) {
    throw InputError::field(name + ".step_seconds", fmt::format("{} steps of {} s; the limit is {}", steps(),
                                                                step_seconds, limits::kMaxSteps));
  }
  limits::check_count(static_cast<std::int64_t>(instances.size()), 0, limits::kMaxInstances, name + ".instances");
  if (!ids.empty() && ids.size() != instances.size()) {
    throw InputError::field(name + ".ids", "one id per instance required");
  }
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const Instance& inst = instances[i];
    std::string who = ids.empty() ? fmt::format("instance {}", i) : "instance " + ids[i];
    if (!std::isfinite(inst.arrival) || !std::isfinite(inst.departure)) {
      throw InputError::field(who, "arrival and departure must be finite");
    }
    if (inst.departure <= inst.arrival) {
      throw InputError::field(who, fmt::format("departure {} is not after arrival {}",
                                               inst.departure, inst.arrival));
    }
    if (inst.request.any_negative_or_nan()) {
      throw InputError::field(who, "request has a negative, infinite or NaN size");
    }
    for (int d = 0; d < kMaxDims; ++d) {
      if (inst.request[d] > limits::kMaxResourceAmount) {
        throw InputError::field(who + "." + std::string(kDimNames[static_cast<std::size_t>(d)]),
                                fmt::format("request {:g} is implausibly large (limit {:g})", inst.request[d],
                                            limits::kMaxResourceAmount));
      }
    }
    if (std::abs(inst.arrival) > limits::kMaxAbsTimeSeconds || std::abs(inst.departure) > limits::kMaxAbsTimeSeconds) {
      throw InputError::field(who, fmt::format("arrival {} or departure {} is beyond {:g} s", inst.arrival,
                                               inst.departure, limits::kMaxAbsTimeSeconds));
    }
    if (inst.shape >= static_cast<std::int32_t>(shapes.size())) {
      throw InputError::field(who, "usage shape out of range");
    }
  }
  for (const UsageShape& s : shapes) {
    if (std::size_t{s.offset} + std::size_t{s.length} * s.stride > samples.size()) {
      throw InputError::field(name + ".shapes", "shape runs past the sample array");
    }
  }
}

}  // namespace fleetopt
