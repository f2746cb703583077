// The cluster-state JSON of `plan` / `rearrange --cluster`: read, the rules it
// implies built, and written back, which must read again.
#include <stdexcept>

#include "fleetopt/rearrange/cluster_json.h"
#include "fleetopt/rearrange/rules.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void cluster_json(std::string_view input) {
  const std::string path = write_file(fresh_dir(), "cluster.json", input);
  expect_input_errors_only([&] {
    rearrange::ClusterFile file = rearrange::read_cluster_json(path);
    rearrange::RuleSet rules = rearrange::standard_rules(file.cluster, &file.rules);
    (void)rules.size();
    const std::string again = rearrange::cluster_to_json(file.cluster, file.placement, file.rules).dump();
    try {
      (void)rearrange::parse_cluster_json(again, "<written back>");
    } catch (const InputError& e) {
      throw std::logic_error(std::string("a cluster file read, written and read again fails: ") + e.what());
    }
  });
}

}  // namespace fleetopt::fuzz
