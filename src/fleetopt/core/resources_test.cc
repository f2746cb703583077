#include "fleetopt/core/resources.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

TEST(Resources, ParseNamedValues) {
  Resources r = parse_resources("cpu=4,mem=16.5", "host");
  EXPECT_DOUBLE_EQ(r[kCpu], 4);
  EXPECT_DOUBLE_EQ(r[kMem], 16.5);
  EXPECT_DOUBLE_EQ(r[kGpu], 0);
  EXPECT_EQ(format_resources(r, kCpuMem), "cpu=4,mem=16.5");
}

TEST(Resources, ParseRejectsBadInputNamingTheField) {
  try {
    parse_resources("cpu=4,ram=3", "host");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown resource 'ram'"), std::string::npos);
  }
  EXPECT_THROW(parse_resources("cpu=-1", "host"), InputError);
  EXPECT_THROW(parse_resources("cpu=nan", "host"), InputError);
  EXPECT_THROW(parse_resources("cpu=1e999", "host"), InputError);
  EXPECT_THROW(parse_resources("cpu", "host"), InputError);
}

TEST(Resources, FitsWithinToleratesRoundingOnly) {
  Resources a = make_resources(0.1 + 0.2, 1);
  EXPECT_TRUE(a.fits_within(make_resources(0.3, 1), kCpuMem));
  EXPECT_FALSE(make_resources(0.31, 1).fits_within(make_resources(0.3, 1), kCpuMem));
  // Dimensions outside the mask are ignored.
  EXPECT_TRUE(make_resources(1, 1, 99).fits_within(make_resources(1, 1, 0), kCpuMem));
}

TEST(Resources, NegativeOrNanDetected) {
  EXPECT_TRUE(make_resources(-1, 0).any_negative_or_nan());
  EXPECT_TRUE(make_resources(std::nan(""), 0).any_negative_or_nan());
  EXPECT_FALSE(make_resources(0, 2).any_negative_or_nan());
}

TEST(Numbers, StrictParsing) {
  double x = 0;
  EXPECT_TRUE(parse_double(" 2.5\r", x));
  EXPECT_DOUBLE_EQ(x, 2.5);
  EXPECT_FALSE(parse_double("2.5abc", x));
  EXPECT_FALSE(parse_double("", x));
  EXPECT_FALSE(parse_double("inf", x));
  long long n = 0;
  EXPECT_TRUE(parse_int64("+42", n));
  EXPECT_EQ(n, 42);
  EXPECT_FALSE(parse_int64("4.2", n));
  EXPECT_FALSE(parse_int64("99999999999999999999", n));
}

}  // namespace
}  // namespace fleetopt
