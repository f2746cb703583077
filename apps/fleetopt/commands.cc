#include "commands.h"

#include <algorithm>
#include <vector>

namespace fleetopt::cli {
namespace {
std::vector<std::pair<int, CommandAdder>>& commands() {
  static std::vector<std::pair<int, CommandAdder>> list;
  return list;
}
int exit_code = 0;
}  // namespace

void set_command_exit_code(int code) { exit_code = code; }
int command_exit_code() { return exit_code; }

bool register_command(int order, CommandAdder adder) {
  commands().emplace_back(order, std::move(adder));
  return true;
}

void add_all_commands(CLI::App& app, GlobalOptions& global) {
  auto list = commands();
  std::stable_sort(list.begin(), list.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, adder] : list) adder(app, global);
}

}  // namespace fleetopt::cli
