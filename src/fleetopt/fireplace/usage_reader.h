// Fast sequential reads of one instance's cpu and mem use (absolute units)
// from its usage shape, for the loops that visit every VM on a candidate
// host (the teacher's future, the features' recent past). Workload::usage
// recomputes the shape slot and modulo per sample; this does it once.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

#include "fleetopt/core/workload.h"

namespace fleetopt::fireplace {

class UsageReader {
 public:
  // Positioned at `age` steps after the instance's arrival.
  UsageReader(const Workload& w, std::size_t i, std::int64_t age) {
    const Instance& inst = w.instances[i];
    req_cpu_ = inst.request[kCpu];
    req_mem_ = inst.request[kMem];
    if (inst.shape < 0) return;
    const UsageShape& s = w.shapes[static_cast<std::size_t>(inst.shape)];
    // A stored dimension's slot is the number of stored dimensions before it.
    auto slot = [&](int d) { return has_dim(s.dims, d) ? std::popcount(static_cast<unsigned>(s.dims & (dim_bit(d) - 1))) : -1; };
    cpu_slot_ = slot(kCpu);
    mem_slot_ = slot(kMem);
    samples_ = w.samples.data() + s.offset;
    length_ = s.length;
    stride_ = s.stride;
    cursor_ = (inst.phase + static_cast<std::uint64_t>(std::max<std::int64_t>(age, 0))) % length_;
  }

  // Use at the current position; dimensions the shape does not store are
  // used at the request.
  double cpu() const { return samples_ && cpu_slot_ >= 0 ? req_cpu_ * double{row()[cpu_slot_]} : req_cpu_; }
  double mem() const { return samples_ && mem_slot_ >= 0 ? req_mem_ * double{row()[mem_slot_]} : req_mem_; }
  void next() {
    if (samples_ && ++cursor_ == length_) cursor_ = 0;
  }

  // Over the next n >= 1 samples (then positioned after them): the largest
  // use of each dimension, at least 0, and the last sample's use. The same
  // values as max(0, cpu()) etc. step by step: a request is never negative,
  // so scaling the largest fraction gives the largest use exactly; this
  // reads each sample once, without the per-sample checks.
  struct PeakAndLast {
    double peak_cpu, peak_mem, last_cpu, last_mem;
  };
  PeakAndLast scan(std::int64_t n) {
    if (!samples_) return {req_cpu_, req_mem_, req_cpu_, req_mem_};
    float peak_cpu = 0, peak_mem = 0, last_cpu = 0, last_mem = 0;
    if (cpu_slot_ >= 0 && mem_slot_ >= 0 && cursor_ + static_cast<std::uint64_t>(n) <= length_) {
      // Both dimensions stored and no wrap: the same reads, without the
      // per-sample checks.
      const float* r = row();
      for (std::int64_t t = 0; t < n; ++t, r += stride_) {
        last_cpu = r[cpu_slot_];
        last_mem = r[mem_slot_];
        peak_cpu = std::max(peak_cpu, last_cpu);
        peak_mem = std::max(peak_mem, last_mem);
      }
      cursor_ += static_cast<std::uint64_t>(n);
      if (cursor_ == length_) cursor_ = 0;
      return {req_cpu_ * double{peak_cpu}, req_mem_ * double{peak_mem}, req_cpu_ * double{last_cpu},
              req_mem_ * double{last_mem}};
    }
    for (std::int64_t t = 0; t < n; ++t) {
      const float* r = row();
      last_cpu = cpu_slot_ >= 0 ? r[cpu_slot_] : 1.0f;
      last_mem = mem_slot_ >= 0 ? r[mem_slot_] : 1.0f;
      peak_cpu = std::max(peak_cpu, last_cpu);
      peak_mem = std::max(peak_mem, last_mem);
      if (++cursor_ == length_) cursor_ = 0;
    }
    return {req_cpu_ * double{peak_cpu}, req_mem_ * double{peak_mem}, req_cpu_ * double{last_cpu},
            req_mem_ * double{last_mem}};
  }

 private:
  const float* row() const { return samples_ + cursor_ * stride_; }
  const float* samples_ = nullptr;
  std::uint64_t length_ = 1, stride_ = 0, cursor_ = 0;
  int cpu_slot_ = -1, mem_slot_ = -1;
  double req_cpu_ = 0, req_mem_ = 0;
};

}  // namespace fleetopt::fireplace
