#include "fleetopt/scaling/timing_wheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <queue>
#include <random>
#include <vector>

namespace fleetopt::scaling {
namespace {

// Drives the wheel as the simulator does: a reference min-heap keeps what the
// wheel refuses, the earlier front is taken, and every pop must come out in
// the order of a single sorted queue of all events.
struct Driver {
  using Item = std::pair<double, std::uint32_t>;
  TimingWheel wheel;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> spill, all;
  double now = 0;
  std::size_t refused = 0;

  explicit Driver(double width) : wheel(width) {}

  void push(double t, std::uint32_t id) {
    all.push({t, id});
    if (!wheel.try_push(t, id, now)) {
      spill.push({t, id});
      ++refused;
    }
  }
  Item pop() {
    const TimingWheel::Front f = wheel.front();
    Item got;
    if (!spill.empty() && spill.top().first < f.t) {
      got = spill.top();
      spill.pop();
    } else {
      wheel.pop(f);
      got = {f.t, f.id};
    }
    now = got.first;
    return got;
  }
};

TEST(TimingWheel, PopsInTimeOrderWithEventsBeyondTheWindow) {
  std::mt19937_64 gen(7);
  std::exponential_distribution<double> service(1 / 0.02);  // mean 20 ms; the window is 2048 x 0.1 ms
  Driver d(1e-4);
  std::uint32_t next_id = 0;
  for (int i = 0; i < 50; ++i) d.push(service(gen), next_id++);
  for (int step = 0; step < 20000; ++step) {
    const auto expected = d.all.top();
    d.all.pop();
    const auto got = d.pop();
    ASSERT_EQ(got.first, expected.first) << "step " << step;
    // Each event is replaced by one or two later ones (population drifts around 50).
    d.push(d.now + service(gen), next_id++);
    if (step % 3 == 0 && d.all.size() < 80) d.push(d.now + service(gen), next_id++);
  }
  EXPECT_GT(d.refused, 0u) << "the test should exercise events beyond the window and taken slots";
}

TEST(TimingWheel, ReFilingAtANewWidthKeepsEveryEvent) {
  Driver d(1e-3);
  const std::vector<double> times = {0.0005, 0.0012, 0.9, 1.7, 2.5, 0.0012, 3.0};
  for (std::uint32_t i = 0; i < times.size(); ++i) d.push(times[i], i);
  // The window is 2048 x 1 ms: 2.5 and 3.0 lie beyond it, the second 0.0012 finds its slot taken.
  EXPECT_EQ(d.wheel.size(), 4u);
  d.wheel.set_width(1e-4, d.now);  // window 0.2048 s: 0.9 and 1.7 no longer fit
  std::vector<TimingWheel::Entry> out = d.wheel.take_overflow();
  EXPECT_EQ(out.size(), 2u);
  for (const auto& e : out) d.spill.push({e.t, e.id});
  EXPECT_EQ(d.wheel.size() + d.spill.size(), times.size());
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  for (double t : sorted) EXPECT_EQ(d.pop().first, t);
  EXPECT_TRUE(d.wheel.empty());
  EXPECT_TRUE(d.spill.empty());
}

TEST(TimingWheel, ASlotHoldsOneEventTheSecondIsRefused) {
  TimingWheel w(1e-3);
  EXPECT_TRUE(w.try_push(0.0104, 1, 0));
  EXPECT_FALSE(w.try_push(0.0101, 2, 0));  // same slot, earlier: still refused, the caller keeps it
  EXPECT_TRUE(w.try_push(0.0099, 3, 0));
  EXPECT_EQ(w.size(), 2u);
  const TimingWheel::Front f = w.front();
  EXPECT_EQ(f.id, 3u);
  w.pop(f);
  EXPECT_EQ(w.front().id, 1u);
  EXPECT_FALSE(w.try_push(0.0101, 2, 0.0099));  // still taken by 1
  w.pop(w.front());
  EXPECT_TRUE(w.empty());
  EXPECT_TRUE(w.try_push(0.0101, 2, 0.0100));  // free again
  EXPECT_EQ(w.front().id, 2u);
}

// The window follows the popped events, not the caller's clock: after time
// moves on with nothing popped (arrivals only, or an empty wheel), an event
// far past the old window is still filed, and the order stays exact.
TEST(TimingWheel, WindowCatchesUpAfterTimeMovesOnWithoutPops) {
  TimingWheel w(1e-3);  // window 2.048 s
  ASSERT_TRUE(w.try_push(0.5, 1, 0));
  w.pop(w.front());
  EXPECT_TRUE(w.empty());
  EXPECT_TRUE(w.try_push(100.0, 2, 99.5));   // 100 s later: beyond the window of the last pop
  EXPECT_TRUE(w.try_push(100.25, 3, 99.5));
  EXPECT_FALSE(w.try_push(102.0, 4, 99.5));  // beyond the window from now
  EXPECT_EQ(w.front().id, 2u);
  w.pop(w.front());
  EXPECT_EQ(w.front().id, 3u);
  EXPECT_TRUE(w.try_push(101.9, 5, 100.0));  // within the window of the popped slot
  w.pop(w.front());
  EXPECT_EQ(w.front().id, 5u);
}

TEST(TimingWheel, RefusesTimesItCannotIndex) {
  TimingWheel w(1e-3);
  EXPECT_FALSE(w.try_push(std::numeric_limits<double>::infinity(), 1, 0));
  EXPECT_FALSE(w.try_push(1e30, 2, 0));
  EXPECT_TRUE(w.try_push(0.5, 3, 0));
  EXPECT_EQ(w.front().id, 3u);
}

}  // namespace
}  // namespace fleetopt::scaling
