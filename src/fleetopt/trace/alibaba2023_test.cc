#include "fleetopt/trace/alibaba2023.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

using testing::expect_input_error;
using testing::TempDir;

const char* kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
    "deletion_time,scheduled_time\n";
const char* kNodes =
    "sn,cpu_milli,memory_mib,gpu,model\n"
    "n0,32000,262144,0,\n"
    "n1,96000,393216,8,G2\n"
    "n2,96000,393216,8,G2\n";

std::size_t index_of(const Workload& w, const std::string& id) {
  for (std::size_t i = 0; i < w.ids.size(); ++i) {
    if (w.ids[i] == id) return i;
  }
  ADD_FAILURE() << "no instance " << id;
  return 0;
}

TEST(Alibaba2023, PodsBecomeInstancesAndNodesHosts) {
  TempDir dir;
  dir.write("openb_pod_list_default.csv",
            std::string(kPodHeader) +
                "p-late,4000,15258,1,220,,BE,Running,500,1000,500\n"
                "p-big,88000,327680,8,1000,V100M16|V100M32,Burstable,Succeeded,100,900,105\n"
                "p-cpu,2000,1024,0,0,,LS,Failed,200,300,200\n");
  dir.write("openb_node_list_all_node.csv", kNodes);
  ReadReport report;
  Workload w = read_alibaba2023(dir.path(), {}, &report);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w.ids[0], "p-big");  // sorted by arrival
  EXPECT_EQ(w.dims, kCpuMem | dim_bit(kGpu));
  const Instance& big = w.instances[index_of(w, "p-big")];
  EXPECT_DOUBLE_EQ(big.request[kCpu], 88);
  EXPECT_DOUBLE_EQ(big.request[kMem], 320);
  EXPECT_DOUBLE_EQ(big.request[kGpu], 8);
  EXPECT_DOUBLE_EQ(big.arrival, 100);
  EXPECT_DOUBLE_EQ(big.departure, 900);
  EXPECT_EQ(big.shape, -1);
  EXPECT_EQ(w.tags[index_of(w, "p-big")], "qos=Burstable;phase=Succeeded;gpu_spec=V100M16|V100M32");
  EXPECT_DOUBLE_EQ(w.instances[index_of(w, "p-late")].request[kGpu], 0.22);  // shared GPU
  EXPECT_DOUBLE_EQ(w.end, 1000);
  ASSERT_EQ(w.hosts.size(), 3u);
  EXPECT_DOUBLE_EQ(w.hosts[1].capacity[kMem], 384);
  // The most common node type.
  EXPECT_EQ(w.default_host, make_resources(96, 384, 0, 0, 8));
  EXPECT_EQ(report.get("pods_running_at_trace_end"), 1);
  EXPECT_NO_THROW(w.validate());
}

TEST(Alibaba2023, LifetimeQuirksAreRepairedAndCounted) {
  TempDir dir;
  dir.write("openb_pod_list_default.csv",
            std::string(kPodHeader) +
                "p-zero,1000,1024,0,0,,BE,Pending,700,700,\n"     // deleted when created
                "p-open,1000,1024,0,0,,LS,Running,100,,100\n"     // never deleted
                "p-pend,1000,1024,0,0,,BE,Pending,200,800,\n"     // never scheduled
                "p-ok,1000,1024,0,0,,LS,Succeeded,0,900,0\n");
  dir.write("openb_node_list_all_node.csv", kNodes);
  ReadReport report;
  Workload w = read_alibaba2023(dir.path(), {}, &report);
  ASSERT_EQ(w.size(), 4u);
  const Instance& zero = w.instances[index_of(w, "p-zero")];
  EXPECT_DOUBLE_EQ(zero.departure - zero.arrival, 1);
  EXPECT_DOUBLE_EQ(w.instances[index_of(w, "p-open")].departure, 900);  // the trace's last time
  EXPECT_EQ(report.get("zero_lifetime_pods"), 1);
  EXPECT_EQ(report.get("pods_never_deleted"), 1);
  EXPECT_EQ(report.get("pods_never_scheduled"), 2);
  ASSERT_EQ(report.warnings().size(), 1u);
  EXPECT_NE(report.warnings()[0].find("openb_pod_list_default.csv:2:"), std::string::npos);

  Alibaba2023Options no_pending;
  no_pending.include_pending = false;
  ReadReport report2;
  Workload scheduled = read_alibaba2023(dir.path(), no_pending, &report2);
  EXPECT_EQ(scheduled.size(), 2u);
  EXPECT_EQ(report2.get("pending_pods_dropped"), 2);
}

TEST(Alibaba2023, ColumnsAreFoundByName) {
  TempDir dir;
  dir.write("openb_pod_list_default.csv",
            "creation_time,deletion_time,scheduled_time,name,qos,pod_phase,num_gpu,gpu_milli,"
            "memory_mib,cpu_milli\n"
            "10,20,10,p,LS,Running,0,0,2048,500\n");
  dir.write("openb_node_list_all_node.csv", kNodes);
  Workload w = read_alibaba2023(dir.path(), {}, nullptr);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_DOUBLE_EQ(w.instances[0].request[kCpu], 0.5);
  EXPECT_DOUBLE_EQ(w.instances[0].request[kMem], 2);
}

TEST(Alibaba2023, MalformedRowsNameFileAndLine) {
  for (const auto& [bad, needle] : std::vector<std::pair<std::string, std::string>>{
           {"p,-1000,1024,0,0,,LS,Running,0,10,0\n", ":2: cpu_milli: negative"},
           {"p,1000,nan,0,0,,LS,Running,0,10,0\n", ":2: memory_mib"},
           {"p,1000,1024,1,1500,,LS,Running,0,10,0\n", ":2: gpu_milli 1500 is above 1000"},
           {"p,1000,1024,0,0,,LS,Running,,10,0\n", ":2: empty creation_time"},
           {"p,1000,1024,0,0,LS,Running,0,10,0\n", ":2: expected 11"},
           {",1000,1024,0,0,,LS,Running,0,10,0\n", ":2: empty pod name"},
       }) {
    TempDir dir;
    dir.write("openb_pod_list_default.csv", kPodHeader + bad);
    expect_input_error([&] { read_alibaba2023(dir.path(), {}, nullptr); }, needle);
  }
  TempDir dir;
  dir.write("openb_pod_list_default.csv", "name,cpu_milli\np,1\n");
  expect_input_error([&] { read_alibaba2023(dir.path(), {}, nullptr); },
                     ":1: missing column 'memory_mib'");
  dir.write("openb_pod_list_default.csv", "");
  expect_input_error([&] { read_alibaba2023(dir.path(), {}, nullptr); }, ":1: empty file");
  dir.write("nodes.csv", "sn,cpu_milli,memory_mib,gpu,model\nn,abc,1,0,\n");
  expect_input_error([&] { read_alibaba2023_nodes(dir.file("nodes.csv"), nullptr); },
                     "nodes.csv:2: cpu_milli");
}

}  // namespace
}  // namespace fleetopt
