#pragma once
// A scratch directory for tests and tools, unique to this object (mkdtemp)
// and removed with it. ctest runs every test case in its own process, in
// parallel: a fixed path under /tmp would be shared, and one case would
// delete or overwrite another's files mid-run.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace fleetopt {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    std::string pattern = (std::filesystem::temp_directory_path() / ("fleetopt_" + name + "_XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    dir_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }
  // Writes `text` to dir()/file (creating parent folders); returns the path.
  std::string write(const std::string& file, const std::string& text) const {
    const std::filesystem::path p = dir_ / file;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace fleetopt
