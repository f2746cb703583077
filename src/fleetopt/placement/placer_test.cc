#include "fleetopt/placement/placer.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

TEST(PlacerSpec, ParsesNameArgAndOptions) {
  PlacerSpec s = PlacerSpec::parse("fireplace:models/a.json@k=3@basis=usage");
  EXPECT_EQ(s.name, "fireplace");
  EXPECT_EQ(s.arg, "models/a.json");
  EXPECT_EQ(s.int_option("k", 2), 3);
  EXPECT_EQ(s.option("basis", ""), "usage");
  EXPECT_EQ(s.int_option("missing", 9), 9);
}

TEST(PlacerSpec, RejectsMalformedOptions) {
  EXPECT_THROW(PlacerSpec::parse("best-fit@k"), InputError);
  EXPECT_THROW(PlacerSpec::parse("@k=2"), InputError);
  EXPECT_THROW(PlacerSpec::parse("best-fit@k=-1").int_option("k", 0), InputError);
  EXPECT_THROW(PlacerSpec::parse("best-fit@k=two").int_option("k", 0), InputError);
}

TEST(Registry, FindsEveryBaselineByName) {
  for (const char* name : {"first-fit", "best-fit", "worst-fit", "random", "p2", "p3", "dot-product", "l2",
                           "least-allocated", "most-allocated", "balanced-allocation"}) {
    EXPECT_NE(make_placer(name), nullptr) << name;
  }
}

TEST(Registry, UnknownNamesAndOptionsAreErrors) {
  try {
    make_placer("fastest-fit");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("best-fit"), std::string::npos) << "lists known names";
  }
  EXPECT_THROW(make_placer("p0"), InputError);
  EXPECT_THROW(make_placer("pfoo"), InputError);
  EXPECT_THROW(make_placer("best-fit@colour=red"), InputError);
  EXPECT_THROW(make_placer("best-fit@basis=vibes"), InputError);
}

TEST(PolicyList, SplitsAtCommas) {
  EXPECT_EQ(split_policy_list("p2, best-fit@k=2,,first-fit"),
            (std::vector<std::string>{"p2", "best-fit@k=2", "first-fit"}));
}

}  // namespace
}  // namespace fleetopt
