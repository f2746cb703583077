// Runs the fleetopt binary (FLEETOPT_BIN) as a user would, through the shell,
// for the command-line tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fleetopt::testing {

struct CommandResult {
  int code;         // exit code; 128 + N when killed by signal N
  std::string out;  // stdout and stderr together
};

// `args` is appended to the binary; `prefix` runs before it in the same shell
// (e.g. "ulimit -f 1;").
inline CommandResult run_fleetopt(const std::string& args, const std::string& prefix = "") {
  std::string cmd = prefix + " " + std::string(FLEETOPT_BIN) + " " + args + " 2>&1";
  CommandResult r{0, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) r.out += buf.data();
  int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline nlohmann::json first_json_object(const std::string& text) {
  auto start = text.find('{');
  EXPECT_NE(start, std::string::npos) << text;
  if (start == std::string::npos) return {};
  return nlohmann::json::parse(text.substr(start));
}

}  // namespace fleetopt::testing
