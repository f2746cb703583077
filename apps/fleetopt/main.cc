// fleetopt: the command-line front end. Each subcommand is a thin layer over
// the library; see commands.h. Every error ends here and leaves with the exit
// code of its class (fleetopt/core/exit_codes.h, docs/reliability.md), as a
// message on stderr or, with --json, as a JSON object on stdout.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/progress.h"

namespace {

using namespace fleetopt;

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

int report(int code, const std::string& message, bool json) {
  if (json) {
    nlohmann::json j = {{"error", {{"exit_code", code}, {"kind", exit_code_name(code)}, {"message", message}}}};
    std::printf("%s\n", j.dump(2).c_str());
    std::fflush(stdout);
  } else {
    std::fprintf(stderr, "fleetopt: error: %s\n", message.c_str());
  }
  return code;
}

// The libtorch build of the tool lives beside this one; run the same command
// there. Returns only if it cannot.
int run_in_torch_build(char** argv, const std::string& feature, bool json) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path torch_build = self.parent_path() / "fleetopt-torch";
  if (ec || std::getenv("FLEETOPT_IN_TORCH_BUILD") != nullptr || ::access(torch_build.c_str(), X_OK) != 0) {
    return report(kExitBadInput,
                  feature + " needs the libtorch build of fleetopt (fleetopt-torch), which is not installed "
                            "beside this binary (build with -DFLEETOPT_WITH_TORCH=ON)",
                  json);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  ::setenv("FLEETOPT_IN_TORCH_BUILD", "1", 1);
  ::execv(torch_build.c_str(), argv);
  return report(kExitInternal, "cannot run " + torch_build.string() + ": " + std::strerror(errno), json);
}

// Output that could not be written to stdout (a full disk, a closed pipe) is
// a failed command too.
int checked_stdout(int code) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "fleetopt: error: cannot write to standard output: %s\n", std::strerror(errno));
    return code == kExitOk ? kExitOutput : code;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fleetopt::cli;
  const bool json = wants_json(argc, argv);
  fleetopt::Progress::set_quiet(json);
  CLI::App app{"fleetopt: learned resource-management decisions for a cloud, measured against "
               "classic baselines on real traces"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fleetopt 0.1.0");
  app.footer("Exit codes: 0 ok, 1 internal error, 2 bad input, 3 infeasible result, 4 output not written, "
             "5 out of memory or budget (docs/reliability.md).");
  GlobalOptions global;
  app.add_option("--data", global.data,
                 "directory of the real traces (default: $FLEETOPT_DATA, else ../shared/traces)");

  add_all_commands(app, global);

  int code = kExitOk;
  try {
    app.parse(argc, argv);
    code = command_exit_code();
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every bad option is bad input, exit 2.
    if (e.get_exit_code() == 0) return checked_stdout(app.exit(e));
    if (json) return report(kExitBadInput, e.what(), true);
    app.exit(e);
    return kExitBadInput;
  } catch (const NeedsTorch& e) {
    return run_in_torch_build(argv, e.what(), json);
  } catch (const InputError& e) {
    code = report(kExitBadInput, e.what(), json);
  } catch (const OutputError& e) {
    code = report(kExitOutput, e.what(), json);
  } catch (const ResourceError& e) {
    code = report(kExitResources, e.what(), json);
  } catch (const std::bad_alloc&) {
    code = report(kExitResources, "out of memory (see docs/reliability.md for the input limits)", json);
  } catch (const nlohmann::json::exception& e) {
    code = report(kExitBadInput, "malformed JSON value: " + json_error_text(e), json);
  } catch (const std::exception& e) {
    code = report(kExitInternal, std::string("internal error: ") + e.what(), json);
  }
  return checked_stdout(code);
}
