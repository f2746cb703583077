#include "fleetopt/placement/peak_prediction.h"

#include <gtest/gtest.h>

#include "fleetopt/core/cluster.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/workload.h"
#include "fleetopt/placement/host_history.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt {
namespace {

TEST(PeakPrediction, HandSeries) {
  const std::vector<float> flat = {0.5f, 0.5f, 0.5f, 0.5f};
  EXPECT_NEAR(peak_nsigma(flat, 3), 0.5, 1e-6);
  const std::vector<float> two = {0.2f, 0.6f};  // mean 0.4, sigma 0.2
  EXPECT_NEAR(peak_nsigma(two, 0), 0.4, 1e-6);
  EXPECT_NEAR(peak_nsigma(two, 2), 0.8, 1e-6);
  const std::vector<float> ten = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f};
  EXPECT_NEAR(peak_percentile(ten, 0.5), 0.5, 1e-6);   // nearest rank 5
  EXPECT_NEAR(peak_percentile(ten, 0.91), 1.0, 1e-6);  // rank 10
  EXPECT_NEAR(peak_percentile(ten, 0.0), 0.1, 1e-6);
  // A flat series with one late burst: the latest value wins the max.
  const std::vector<float> burst = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.9f};
  EXPECT_LT(peak_percentile(burst, 0.5), 0.3);
  EXPECT_NEAR(peak_max(burst, 0, 0.5), 0.9, 1e-6);
  EXPECT_EQ(peak_nsigma({}, 3), 0);
  EXPECT_EQ(peak_percentile({}, 0.9), 0);
}

// Two hosts with the same reservations: host 0 steady at 40% CPU, host 1
// swinging between 10% and 70% (the same mean) with more memory in use, so
// it is the best fit whenever it is admitted.
struct TwoHosts {
  ClusterState cluster{{make_resources(8, 32), make_resources(8, 32)}, make_resources(4, 1), kCpuMem, 4};
  HostHistory history{2, 12};
  HostHistory none{2, 12};
  Workload w;
  TwoHosts() {
    cluster.place(0, 0, make_resources(4, 8));
    cluster.place(1, 1, make_resources(4, 8));
    cluster.mutable_used(0) = make_resources(3.2, 8);   // last observation: 40% CPU, 25% memory
    cluster.mutable_used(1) = make_resources(0.8, 16);  // 10% CPU, 50% memory
    cluster.clear_pending();
    for (int t = 0; t < 12; ++t) {
      history.push(0, 0.4f, 0.25f);
      history.push(1, t % 2 == 0 ? 0.7f : 0.1f, 0.5f);
    }
    w.instances.resize(4);
  }
  std::int32_t choose(const std::string& spec, const Resources& request, const HostHistory& h) {
    auto placer = make_placer(spec);
    EXPECT_EQ(placer->history_steps(), 12);
    Rng rng(1);
    PlacementContext ctx{cluster, w, &h, 2, 12, request};
    return placer->choose(ctx, rng);
  }
};

TEST(PeakPlacers, PredictedPeakDecides) {
  TwoHosts t;
  const Resources small = make_resources(2, 4);  // 25% CPU
  // N-sigma: host 1 peaks at 0.4 + 3 x 0.3 = 1.3: only host 0 admits it.
  EXPECT_EQ(t.choose("peak-nsigma", small, t.history), 0);
  // 99th percentile: host 1 peaks at 0.7, 0.7 + 0.25 fits, and it packs tighter.
  EXPECT_EQ(t.choose("peak-pctl", small, t.history), 1);
  // The max of both: as N-sigma.
  EXPECT_EQ(t.choose("peak-max", small, t.history), 0);
  const Resources big = make_resources(5, 4);  // 62.5% CPU: over every predicted peak
  EXPECT_EQ(t.choose("peak-max", big, t.history), 0);  // none admits: the least predicted load
  // Without history the last observation is the prediction: host 1 (10%) admits it.
  EXPECT_EQ(t.choose("peak-max", big, t.none), 1);
  EXPECT_THROW(make_placer("peak-nsigma@n=abc"), InputError);
  EXPECT_THROW(make_placer("peak-pctl@q=2"), InputError);
  EXPECT_THROW(make_placer("peak-max@bogus=1"), InputError);
}

}  // namespace
}  // namespace fleetopt
