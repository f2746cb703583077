#pragma once
// A scratch directory for tests and tools, unique to this process and removed
// with the object. ctest runs every test case in its own process, in parallel:
// a fixed path under /tmp would be shared, and one case would delete or
// overwrite another's files mid-run.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace fleetopt {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("fleetopt_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(dir_ / file) << text;
    return path(file);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace fleetopt
