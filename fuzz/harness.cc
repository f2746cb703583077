#include "fuzz/harness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/core/workload.h"

namespace fleetopt::fuzz {
namespace fs = std::filesystem;

namespace {

const ScratchDir& scratch() {
  static const ScratchDir dir("fuzz");
  return dir;
}

}  // namespace

std::vector<std::string_view> split_parts(std::string_view input, std::size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const std::size_t at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(0, at + 1));
    input.remove_prefix(at + kSeparator.size());
  }
  parts.push_back(input);
  return parts;
}

std::string fresh_dir() {
  const fs::path dir = scratch().dir() / "in";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  return dir.string();
}

std::string process_dir() {
  const fs::path dir = scratch().dir() / "fixed";
  fs::create_directories(dir);
  return dir.string();
}

std::string write_file(const std::string& dir, const std::string& name, std::string_view content) {
  const fs::path file = fs::path(dir) / name;
  fs::create_directories(file.parent_path());
  const std::string path = file.string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("fuzz harness: cannot write " + path);
  return path;
}

void note_input_error(const InputError& e) {
  static const bool verbose = std::getenv("FLEETOPT_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "InputError: %s\n", e.what());
}

void touch_workload(const Workload& w) {
  w.validate();
  const std::int64_t steps = w.steps();
  (void)steps;
  const std::size_t n = std::min<std::size_t>(w.size(), 10'000);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t first = w.arrival_step(i);
    const std::int64_t last = w.departure_step(i);
    const std::int64_t life = std::max<std::int64_t>(1, last - first);
    for (int d = 0; d < kMaxDims; ++d) {
      if (!has_dim(w.dims, d)) continue;
      for (const std::int64_t k : {std::int64_t{0}, life - 1}) {
        const double u = w.usage(i, k, d);
        if (!std::isfinite(u) || u < 0) {
          throw std::logic_error("reader returned a workload with usage " + std::to_string(u) +
                                 " (instance " + std::to_string(i) + ")");
        }
      }
    }
  }
}

}  // namespace fleetopt::fuzz
