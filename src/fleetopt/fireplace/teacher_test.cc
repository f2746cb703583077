// The hindsight teacher on a tiny hand-computed case. Hosts of (10 cpu, 10
// mem), steps of 300 s:
//   a: steps 0-9, request (4, 2), cpu shares 0.5, 1.0, 0.25 (repeating)
//   b: steps 0-1, request (4, 4), cpu share 0.6
//   c: steps 1-2, request (2, 2), cpu shares 0.2, 1.0   <- the new VM
// memory is used at the request. With a on host 0 and b on host 1, placing
// c at step 1:
//   host 0: cpu 4+0.4 = 4.4, then 1+2 = 3 -> peak .44; mem 4 -> .4;
//           score sqrt(.44^2 + .4^2) = .5946
//   host 1: cpu 2.4+0.4 = 2.8, then (b gone) 2 -> peak .28; mem 6 -> .6;
//           score sqrt(.28^2 + .6^2) = .6621
// so the teacher picks host 0 (had it ignored b's departure, host 1 would
// score sqrt(.44^2 + .6^2) = .7440).
#include "fleetopt/fireplace/teacher.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetopt/fireplace/rollout.h"
#include "fleetopt/fireplace/test_workloads.h"
#include "fleetopt/placement/candidates.h"

namespace fleetopt::fireplace {
namespace {

Workload tiny() {
  Workload w;
  w.name = "tiny";
  w.step_seconds = 300;
  w.end = 3000;
  w.dims = kCpuMem;
  w.default_host = make_resources(10, 10);
  std::int32_t sa = w.add_shape(dim_bit(kCpu), {{0.5f, 1.0f, 0.25f}});
  std::int32_t sb = w.add_shape(dim_bit(kCpu), {{0.6f}});
  std::int32_t sc = w.add_shape(dim_bit(kCpu), {{0.2f, 1.0f}});
  w.instances = {
      {.arrival = 0, .departure = 3000, .request = make_resources(4, 2), .shape = sa, .phase = 0},
      {.arrival = 0, .departure = 600, .request = make_resources(4, 4), .shape = sb, .phase = 0},
      {.arrival = 300, .departure = 900, .request = make_resources(2, 2), .shape = sc, .phase = 0},
  };
  w.ids = {"a", "b", "c"};
  w.tags = {"", "", ""};
  return w;
}

TEST(HindsightTeacher, HandComputedScoresAndPick) {
  Workload w = tiny();
  ClusterState cluster(std::vector<Resources>(2, make_resources(10, 10)), make_resources(1, 1), kCpuMem, 3);
  cluster.place(0, 0, w.instances[0].request);
  cluster.place(1, 1, w.instances[1].request);
  HindsightTeacher teacher;
  EXPECT_NEAR(teacher.score(cluster, w, 2, 1, 0), std::sqrt(0.44 * 0.44 + 0.4 * 0.4), 1e-6);
  EXPECT_NEAR(teacher.score(cluster, w, 2, 1, 1), std::sqrt(0.28 * 0.28 + 0.6 * 0.6), 1e-6);
  std::vector<double> scores;
  EXPECT_EQ(teacher.pick(cluster, w, 2, 1, {1, 0}, scores), 1u);  // index of host 0
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_LT(scores[1], scores[0]);
}

TEST(HindsightTeacher, CpuOnlyClusterIgnoresMemory) {
  Workload w = tiny();
  ClusterState cluster(std::vector<Resources>(2, make_resources(10, 10)), make_resources(1, 1), dim_bit(kCpu), 3);
  cluster.place(0, 0, w.instances[0].request);
  HindsightTeacher teacher;
  EXPECT_NEAR(teacher.score(cluster, w, 2, 1, 0), 0.44, 1e-6);
  EXPECT_NEAR(teacher.score(cluster, w, 2, 1, 1), 0.2, 1e-6);  // c alone: peak 2 of 10
}

TEST(HindsightTeacher, RolloutLabelsTheHandComputedChoice) {
  // Teacher rollout on 2 hosts, K = 2: a and b land on different hosts (b
  // avoids a), so c's decision is the case above; its label must mark a's host.
  Workload w = tiny();
  SimConfig config;
  config.hosts = 2;
  Dataset data;
  RolloutOptions options;
  options.candidates = 2;
  options.validation_from_vm = 3;
  collect_rollout(w, config, options, data);
  ASSERT_EQ(data.decisions.size(), 3u);
  EXPECT_FALSE(data.decisions[0].informative);  // a: two empty hosts score alike
  EXPECT_TRUE(data.decisions[1].informative);   // b: the host holding a scores worse
  const Decision& d = data.decisions.back();
  EXPECT_EQ(d.vm, 2);
  EXPECT_TRUE(d.informative);
  ASSERT_EQ(d.count, 2);
  // a and b reserve the same cpu; memory tells them apart (a: 2 of 10).
  const auto reserved_mem = static_cast<std::size_t>(kHostFeatures - kHostScalars + 1);
  for (std::uint16_t c = 0; c < 2; ++c) {
    const std::size_t row = d.first_row + c;
    const float reserved = data.rows[row * kNumFeatures + reserved_mem];
    const bool holds_a = std::abs(reserved - 0.2f) < 1e-6f;
    EXPECT_EQ(data.labels[row], holds_a ? 1.f : 0.f);
    EXPECT_NEAR(data.teacher_scores[row], holds_a ? 0.5946 : 0.6621, 1e-4);
  }
}

// Places like the hindsight policy and checks, at every decision, that the
// incremental profiles score every candidate as the direct computation does.
class CheckingPlacer final : public Placer {
 public:
  std::int32_t choose(const PlacementContext& ctx, Rng& rng) override {
    sample_feasible_hosts(ctx.cluster, ctx.request, 3, rng, candidates_);
    if (candidates_.empty()) return kNoHost;
    std::size_t a = incremental_.pick(ctx.cluster, ctx.workload, ctx.vm, ctx.step, candidates_, fast_);
    direct_.pick(ctx.cluster, ctx.workload, ctx.vm, ctx.step, candidates_, slow_);
    for (std::size_t c = 0; c < candidates_.size(); ++c) {
      EXPECT_NEAR(fast_[c], slow_[c], 1e-9) << "vm " << ctx.vm;
      ++checked;
    }
    incremental_.placed(ctx.workload, ctx.vm, candidates_[a], ctx.step);
    return candidates_[a];
  }
  std::string name() const override { return "checking"; }
  int checked = 0;

 private:
  IncrementalTeacher incremental_;
  HindsightTeacher direct_;
  std::vector<std::int32_t> candidates_;
  std::vector<double> fast_, slow_;
};

TEST(IncrementalTeacher, ScoresAsTheDirectComputation) {
  Workload w = testing::bursty_workload(200, 7);
  SimConfig config;
  config.hosts = 8;
  config.overcommit = make_resources(4, 4);
  CheckingPlacer placer;
  SimMetrics m = simulate(w, placer, config);
  EXPECT_EQ(m.rejected, 0);
  EXPECT_GT(placer.checked, 500);
  // A second replay with the same placer starts its profiles over.
  placer.checked = 0;
  simulate(w, placer, config);
  EXPECT_GT(placer.checked, 500);
}

}  // namespace
}  // namespace fleetopt::fireplace
