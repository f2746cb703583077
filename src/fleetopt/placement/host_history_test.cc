#include "fleetopt/placement/host_history.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace fleetopt {
namespace {

// copy_recent reads the ring newest first across its wrap point; at() is the
// per-sample reference it must agree with, for every fill level and length.
TEST(HostHistory, CopyRecentMatchesAtAcrossTheWrap) {
  constexpr int kSteps = 5;
  HostHistory history(3, kSteps);
  for (int pushed = 1; pushed <= 3 * kSteps; ++pushed) {
    history.push(1, static_cast<float>(pushed), static_cast<float>(100 + pushed));
    ASSERT_EQ(history.count(1), std::min(pushed, kSteps));
    for (int n = 1; n <= history.count(1); ++n) {
      for (int d : {kCpu, kMem}) {
        std::vector<float> out(static_cast<std::size_t>(n), -1.0f);
        history.copy_recent(1, n, d, out.data());
        for (int b = 0; b < n; ++b) {
          EXPECT_EQ(out[static_cast<std::size_t>(b)], history.at(1, b, d)) << "pushed " << pushed << " n " << n;
        }
        // Newest first: the last value pushed, then the one before it.
        EXPECT_EQ(out[0], static_cast<float>(d == kCpu ? pushed : 100 + pushed));
        if (n > 1) {
          EXPECT_EQ(out[1], static_cast<float>(d == kCpu ? pushed - 1 : 99 + pushed));
        }
      }
    }
  }
  EXPECT_EQ(history.count(0), 0);  // other hosts untouched
  history.prefetch(2);             // a hint: no effect on contents
  EXPECT_EQ(history.count(2), 0);
}

// The ordered CPU samples must be std::sort of the newest n samples, for
// every fill level, window and wrap, with ties, after a reset, and with a
// NaN (ordered last) in the window.
TEST(HostHistory, SortedCpuEqualsSortingTheNewestSamples) {
  constexpr int kSteps = 7;
  HostHistory history(2, kSteps);
  std::uint64_t state = 12345;
  auto next_value = [&](int pushed) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    if (pushed == 20) return std::numeric_limits<float>::quiet_NaN();
    return static_cast<float>((state >> 33) % 5) / 4.0f;  // few distinct values: ties
  };
  auto nan_last = [](float a, float b) { return !std::isnan(a) && (std::isnan(b) || a < b); };
  for (int pushed = 1; pushed <= 6 * kSteps; ++pushed) {
    if (pushed == 30) history.reset_host(1);
    history.push(1, next_value(pushed), 0.f);
    for (int n = 1; n <= history.count(1); ++n) {
      std::vector<float> expected(static_cast<std::size_t>(n)), got(static_cast<std::size_t>(n), -1.f);
      history.copy_recent(1, n, kCpu, expected.data());
      std::sort(expected.begin(), expected.end(), nan_last);
      history.copy_recent_cpu_sorted(1, n, got.data());
      for (int i = 0; i < n; ++i) {
        const float e = expected[static_cast<std::size_t>(i)], g = got[static_cast<std::size_t>(i)];
        EXPECT_TRUE(e == g || (std::isnan(e) && std::isnan(g))) << "pushed " << pushed << " n " << n << " i " << i;
      }
      // Several windows in one pass (more than the pass takes at once, 4)
      // give each window's single result.
      const int count = history.count(1);
      const int windows[6] = {n, 1, count, (n + 1) / 2, count, n};
      std::vector<std::vector<float>> many(6, std::vector<float>(static_cast<std::size_t>(count), -2.f));
      float* outs[6];
      for (int w = 0; w < 6; ++w) outs[w] = many[static_cast<std::size_t>(w)].data();
      history.copy_recent_cpu_sorted(1, windows, outs, 6);
      for (int w = 0; w < 6; ++w) {
        std::vector<float> single(static_cast<std::size_t>(windows[w]));
        history.copy_recent_cpu_sorted(1, windows[w], single.data());
        for (int i = 0; i < windows[w]; ++i) {
          const float a = single[static_cast<std::size_t>(i)], b = many[static_cast<std::size_t>(w)][static_cast<std::size_t>(i)];
          EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << "window " << w << " i " << i;
        }
        if (windows[w] < count) {
          EXPECT_EQ(many[static_cast<std::size_t>(w)][static_cast<std::size_t>(windows[w])], -2.f);
        }
      }
    }
  }
  EXPECT_EQ(history.count(1), kSteps);
}

}  // namespace
}  // namespace fleetopt
