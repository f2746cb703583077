#include "fleetopt/service/k8s_extender.h"

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"

namespace fleetopt::service {
namespace {

TEST(K8sQuantity, ParsesCpuAndMemory) {
  EXPECT_DOUBLE_EQ(parse_k8s_quantity("500m", false, "cpu"), 0.5);
  EXPECT_DOUBLE_EQ(parse_k8s_quantity("2", false, "cpu"), 2);
  EXPECT_DOUBLE_EQ(parse_k8s_quantity("1.5", false, "cpu"), 1.5);
  EXPECT_DOUBLE_EQ(parse_k8s_quantity("1Gi", true, "memory"), 1.073741824);
  EXPECT_DOUBLE_EQ(parse_k8s_quantity("512Mi", true, "memory"), 0.536870912);
  EXPECT_DOUBLE_EQ(parse_k8s_quantity("2G", true, "memory"), 2);
  for (const char* bad : {"", "abc", "1Zi", "1..2", "-1", "1e400"}) {
    EXPECT_THROW(parse_k8s_quantity(bad, true, "memory"), InputError) << bad;
  }
}

TEST(K8sPod, SumsContainerRequests) {
  const auto pod = nlohmann::json::parse(R"({"metadata": {"name": "p"}, "spec": {"containers": [
      {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}}},
      {"name": "b", "resources": {"requests": {"cpu": "1", "ephemeral-storage": "1Gi"}}},
      {"name": "c"}]}})");
  const Resources r = pod_requests(pod);
  EXPECT_DOUBLE_EQ(r[kCpu], 1.25);
  EXPECT_DOUBLE_EQ(r[kMem], 1.073741824);
  EXPECT_THROW(pod_requests(nlohmann::json::parse(R"({"spec": {}})")), InputError);
  EXPECT_THROW(
      pod_requests(nlohmann::json::parse(R"({"spec": {"containers": [{"resources": {"requests": {"cpu": "x"}}}]}})")),
      InputError);
}

}  // namespace
}  // namespace fleetopt::service
