#include "fleetopt/placement/host_history.h"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace fleetopt
