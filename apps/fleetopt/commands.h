// Every subcommand lives in its own cmd_*.cc and registers itself with
// FLEETOPT_REGISTER_COMMAND, so adding a command touches no shared file.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace fleetopt::cli {

struct GlobalOptions {
  std::string data;  // --data; falls back to $FLEETOPT_DATA, then ../shared/traces
};

using CommandAdder = std::function<void(CLI::App&, GlobalOptions&)>;
bool register_command(int order, CommandAdder adder);
void add_all_commands(CLI::App& app, GlobalOptions& global);

// A command that ran to the end but whose result is not a success (e.g. an
// infeasible plan, kExitInfeasible) sets the process's exit code here.
void set_command_exit_code(int code);
int command_exit_code();

}  // namespace fleetopt::cli

// order: position in --help (lower first).
#define FLEETOPT_REGISTER_COMMAND(order, adder) \
  static const bool fleetopt_command_registered_##adder = ::fleetopt::cli::register_command(order, adder)
