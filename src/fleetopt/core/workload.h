// The canonical workload every reader produces and every simulator consumes.
//
// Usage is stored as "shapes": a series of fractions of the instance's
// request, sampled every step_seconds. Several instances may share one shape
// (composite workloads tile a real series onto many VMs), and a shape can be
// read from any phase, wrapping around at its end. Dimensions a shape does not
// store are used at exactly the request (e.g. memory in CPU-only traces).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fleetopt/core/resources.h"

namespace fleetopt {

struct UsageShape {
  std::uint32_t offset = 0;  // into Workload::samples
  std::uint32_t length = 0;  // samples per stored dimension
  DimMask dims = 0;          // stored dimensions
  std::uint8_t stride = 0;   // number of stored dimensions
};

struct Instance {
  double arrival = 0;    // seconds
  double departure = 0;  // seconds; > arrival
  Resources request;
  std::int32_t shape = -1;  // -1: usage equals the request at every step
  std::uint32_t phase = 0;  // shape sample used at the arrival step
};

// A host type suggested by the trace (e.g. the nodes of Alibaba 2023).
struct HostSpec {
  std::string id;
  Resources capacity;
};

struct Workload {
  std::string name;
  double step_seconds = 300;
  double start = 0;  // seconds; the first step begins here
  double end = 0;    // seconds; nothing runs at or after it
  DimMask dims = kCpuMem;

  std::vector<Instance> instances;  // sorted by arrival
  std::vector<std::string> ids;     // parallel to instances
  std::vector<std::string> tags;    // parallel to instances; may be empty strings

  std::vector<UsageShape> shapes;
  std::vector<float> samples;  // [shape][sample][stored dim], fractions of request

  Resources default_host;      // the host a reader suggests for simulations
  std::vector<HostSpec> hosts; // when the trace names its machines

  std::size_t size() const { return instances.size(); }
  // Number of simulation steps in [start, end).
  std::int64_t steps() const;
  // Step at which instance i starts running, and the first step at which it
  // no longer runs (always > arrival_step, clamped to steps()).
  std::int64_t arrival_step(std::size_t i) const;
  std::int64_t departure_step(std::size_t i) const;

  // Appends a shape built from per-dimension series of equal length
  // (fractions of the request). Returns its index.
  std::int32_t add_shape(DimMask dims, const std::vector<std::vector<float>>& series_per_dim);

  // Usage fraction of instance i, dimension d, k steps after its arrival.
  float usage_fraction(std::size_t i, std::int64_t k, int d) const;
  double usage(std::size_t i, std::int64_t k, int d) const {
    return usage_fraction(i, k, d) * instances[i].request[d];
  }

  // Sorts instances (and ids, tags) by arrival, stable.
  void sort_by_arrival();
  // Throws InputError if anything is inconsistent: NaN, negative sizes,
  // departure <= arrival, shapes out of range.
  void validate() const;
};

}  // namespace fleetopt
