#include "fleetopt/fireplace/usage_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fleetopt::fireplace {
namespace {

// scan(n) must give exactly what stepping cpu()/mem() gives (the features
// were computed that way before, and models trained on them): the peaks
// (floored at 0) and the last sample, across the shape's wrap, for a shape
// with both dims, one with CPU only (memory at the request), ones with a
// third dimension stored, and a VM without a shape.
TEST(UsageReader, ScanEqualsStepByStepReads) {
  Workload w;
  w.step_seconds = 300;
  w.end = 300.0 * 100;
  const std::int32_t both = w.add_shape(kCpuMem, {{0.1f, 0.7f, 0.3f, 0.0f, 0.9f}, {0.5f, 0.2f, 0.8f, 0.4f, 0.1f}});
  const std::int32_t cpu_only = w.add_shape(dim_bit(kCpu), {{0.25f, 0.05f, 0.6f}});
  // Memory's slot behind another stored dimension (stride 3, memory second).
  const std::int32_t mem_net_cpu = w.add_shape(kCpuMem | dim_bit(kNet),
                                               {{0.2f, 0.6f, 0.1f, 0.8f}, {0.9f, 0.3f, 0.7f, 0.2f}, {5.f, 6.f, 7.f, 8.f}});
  const std::int32_t mem_only = w.add_shape(dim_bit(kMem) | dim_bit(kDisk), {{0.4f, 0.1f, 0.6f}, {3.f, 2.f, 1.f}});
  for (std::int32_t shape : {both, cpu_only, mem_net_cpu, mem_only, std::int32_t{-1}}) {
    Instance inst;
    inst.arrival = 0;
    inst.departure = w.end;
    inst.request = make_resources(3.3, 7.1);
    inst.shape = shape;
    inst.phase = 2;
    w.instances.push_back(inst);
  }
  for (std::size_t i = 0; i < w.instances.size(); ++i) {
    for (std::int64_t from = 0; from < 8; ++from) {
      for (std::int64_t n = 1; n <= 7; ++n) {
        UsageReader step(w, i, from);
        double pc = 0, pm = 0, lc = 0, lm = 0;
        for (std::int64_t t = 0; t < n; ++t, step.next()) {
          pc = std::max(pc, step.cpu());
          pm = std::max(pm, step.mem());
          lc = step.cpu();
          lm = step.mem();
        }
        UsageReader scanned(w, i, from);
        const UsageReader::PeakAndLast s = scanned.scan(n);
        EXPECT_EQ(s.peak_cpu, pc) << "vm " << i << " from " << from << " n " << n;
        EXPECT_EQ(s.peak_mem, pm) << "vm " << i << " from " << from << " n " << n;
        EXPECT_EQ(s.last_cpu, lc) << "vm " << i << " from " << from << " n " << n;
        EXPECT_EQ(s.last_mem, lm) << "vm " << i << " from " << from << " n " << n;
        // Both end at the same position.
        EXPECT_EQ(scanned.cpu(), step.cpu());
        EXPECT_EQ(scanned.mem(), step.mem());
      }
    }
  }
  // The peak is of the samples read, not the shape's: 0.9 is not among the
  // first two samples from phase 2 (0.3, 0.0).
  UsageReader r(w, 0, 0);
  EXPECT_DOUBLE_EQ(r.scan(2).peak_cpu, 3.3 * double{0.3f});
  // Each dimension read from its own series: at phase 2, cpu 0.1 and mem
  // 0.7 of the request, never the third dimension's 7; memory alone stored
  // behind nothing, cpu at the request.
  UsageReader three(w, 2, 0);
  EXPECT_DOUBLE_EQ(three.cpu(), 3.3 * double{0.1f});
  EXPECT_DOUBLE_EQ(three.mem(), 7.1 * double{0.7f});
  UsageReader mem_first(w, 3, 0);
  EXPECT_DOUBLE_EQ(mem_first.cpu(), 3.3);
  EXPECT_DOUBLE_EQ(mem_first.mem(), 7.1 * double{0.6f});
}

}  // namespace
}  // namespace fleetopt::fireplace
