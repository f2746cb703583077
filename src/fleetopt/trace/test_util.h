// Helpers for the trace tests: a private temporary directory and small files.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"

namespace fleetopt::testing {

// The trace tests' view of a scratch directory: path() is the directory.
class TempDir {
 public:
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return scratch_.path(name); }
  // Writes `content` to path()/name (creating parent folders); returns the path.
  std::string write(const std::string& name, const std::string& content) const {
    return scratch_.write(name, content);
  }

 private:
  ScratchDir scratch_{"trace"};
  std::string path_ = scratch_.dir().string();
};

// Runs f, expecting an InputError whose message contains `needle`.
template <typename F>
void expect_input_error(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected an InputError containing '" << needle << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << needle;
  }
}

}  // namespace fleetopt::testing
