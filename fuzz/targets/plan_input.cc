// `plan --from A --to B`: A === B, read together, then the rules of A.
#include "fleetopt/rearrange/cluster_json.h"
#include "fleetopt/rearrange/rules.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void plan_input(std::string_view input) {
  const auto parts = split_parts(input, 2);
  const std::string dir = fresh_dir();
  const std::string a = write_file(dir, "A.json", parts[0]);
  const std::string b = write_file(dir, "B.json", parts.size() > 1 ? parts[1] : std::string_view());
  expect_input_errors_only([&] {
    rearrange::PlanInput in = rearrange::read_plan_input(a, b);
    rearrange::RuleSet rules = rearrange::standard_rules(in.a.cluster, &in.a.rules);
    (void)rules.size();
  });
}

}  // namespace fleetopt::fuzz
