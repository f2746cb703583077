// Runs the fleetopt binary (FLEETOPT_BIN) as a user would, through the shell,
// for the command-line tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/scratch_dir.h"

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

// The whole text of a file ("" and a test failure if it cannot be read).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The same run with standard output and standard error kept apart (for
// commands whose stdout must parse as JSON while warnings go to stderr).
struct SplitResult {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  std::string all() const { return out + err; }
};

inline SplitResult run_fleetopt_split(const std::string& args) {
  fleetopt::ScratchDir scratch("cli_stderr");
  const std::string err_path = scratch.path("stderr");
  const std::string cmd = std::string(FLEETOPT_BIN) + " " + args + " 2>" + err_path;
  SplitResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_text(err_path);
  return r;
}

// Standard output of a successful command, parsed as one JSON document.
inline nlohmann::json stdout_json(const SplitResult& r) {
  EXPECT_EQ(r.code, 0) << r.all();
  return nlohmann::json::parse(r.out);
}

inline nlohmann::json first_json_object(const std::string& text) {
  auto start = text.find('{');
  EXPECT_NE(start, std::string::npos) << text;
  if (start == std::string::npos) return {};
  return nlohmann::json::parse(text.substr(start));
}

}  // namespace fleetopt::testing
