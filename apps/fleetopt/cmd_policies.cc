// fleetopt policies: the placement policies the registry knows.
#include <cstdio>

#include "commands.h"
#include "fleetopt/placement/placer.h"
#include "table.h"

namespace fleetopt::cli {
namespace {

void add_policies_command(CLI::App& app, GlobalOptions&) {
  auto* cmd = app.add_subcommand("policies", "list the placement policies");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([json] {
    Table t({"name", "summary"});
    for (const auto& [name, summary] : registered_placers()) t.add({{"name", name}, {"summary", summary}});
    if (*json) {
      print_json(t.json());
    } else {
      std::printf("%s", t.text().c_str());
      std::printf("\nOptions: NAME@basis=requests|usage@k=K (K sampled candidate hosts; 0 = all)\n");
    }
  });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(90, add_policies_command);

}  // namespace fleetopt::cli
