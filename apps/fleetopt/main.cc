// fleetopt: the command-line front end. Each subcommand is a thin layer over
// the library; see commands.h.
#include <cstdio>
#include <exception>
#include <new>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "fleetopt/core/error.h"

int main(int argc, char** argv) {
  using namespace fleetopt::cli;
  CLI::App app{"fleetopt: learned resource-management decisions for a cloud, measured against "
               "classic baselines on real traces"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fleetopt 0.1.0");
  GlobalOptions global;
  app.add_option("--data", global.data,
                 "directory of the real traces (default: $FLEETOPT_DATA, else ../shared/traces)");

  add_all_commands(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (naming the option); --help and --version exit 0,
    // and every bad option is bad input, exit 2, like the rest.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const fleetopt::InputError& e) {
    std::fprintf(stderr, "fleetopt: error: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "fleetopt: error: out of memory\n");
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fleetopt: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
