#include "fleetopt/core/output_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"

namespace fleetopt {
namespace {

namespace fs = std::filesystem;

std::string parent_of(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

std::string errno_text() { return std::strerror(errno); }

// ".NAME.partial-XXXXXX" beside `path`, a template for mkstemp/mkdtemp.
std::string partial_name(const std::string& path) {
  return fmt::format("{}/.{}.partial-XXXXXX", parent_of(path), fs::path(path).filename().string());
}

void check_parent(const std::string& path, const std::string& option) {
  if (path.empty()) throw InputError::field(option, "empty path");
  std::string parent = parent_of(path);
  struct stat st {};
  if (::stat(parent.c_str(), &st) != 0) {
    throw InputError::field(option, fmt::format("{}: directory {} does not exist", path, parent));
  }
  if (!S_ISDIR(st.st_mode)) throw InputError::field(option, fmt::format("{}: {} is not a directory", path, parent));
  if (::access(parent.c_str(), W_OK) != 0) {
    throw InputError::field(option, fmt::format("{}: directory {} is not writable", path, parent));
  }
}

// fsync a directory so that a rename in it survives a crash.
void sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

void sync_tree(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw OutputError(fmt::format("{}: cannot sync: {}", entry.path().string(), errno_text()));
  }
  sync_directory(dir.string());
}

}  // namespace

void check_output_file(const std::string& path, const std::string& option) {
  check_parent(path, option);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw InputError::field(option, fmt::format("{}: is a directory, expected a file", path));
  }
}

void check_output_directory(const std::string& path, const std::string& option) {
  check_parent(path, option);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    throw InputError::field(option, fmt::format("{}: exists and is not a directory", path));
  }
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicFile f(path);
  f.write(contents);
  f.commit();
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw OutputError(fmt::format("{}: is a directory, expected a file", path_));
    if (!S_ISREG(st.st_mode)) {
      // A device or pipe (/dev/stdout, a FIFO): nothing to replace atomically;
      // write it directly, still checking every step.
      direct_ = true;
      temp_ = path_;
      file_ = std::fopen(path_.c_str(), "wb");
      if (file_ == nullptr) throw OutputError(fmt::format("{}: cannot write: {}", path_, errno_text()));
      return;
    }
  }
  // Through a symbolic link, replace the file it points to, not the link.
  std::error_code ec;
  fs::path resolved = fs::canonical(path_, ec);
  fs::path p = ec ? fs::path(path_) : resolved;
  target_ = p.string();
  std::string pattern = partial_name(target_);
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw OutputError(fmt::format("{}: cannot write: {}", path_, errno_text()));
  // mkstemp creates 0600; give the file the usual permissions (umask applies).
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  temp_ = pattern;
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    ::close(fd);
    ::unlink(temp_.c_str());
    throw OutputError(fmt::format("{}: cannot write: {}", path_, errno_text()));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (file_ != nullptr) std::fclose(file_);
  if (!direct_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view data) {
  if (data.empty()) return;
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    throw OutputError(fmt::format("{}: write failed: {}", path_, errno_text()));
  }
}

void AtomicFile::close_checked() {
  if (file_ == nullptr) return;
  std::FILE* f = file_;
  file_ = nullptr;
  bool ok = std::fflush(f) == 0 && std::ferror(f) == 0;
  int saved = errno;
  if (ok && !direct_ && ::fsync(::fileno(f)) != 0) {
    ok = false;
    saved = errno;
  }
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (!ok) throw OutputError(fmt::format("{}: write failed: {}", path_, std::strerror(saved)));
}

void AtomicFile::commit() {
  close_checked();
  if (direct_) {
    committed_ = true;
    return;
  }
  // A library may have replaced temp_path() by writing it itself: sync that.
  int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0) throw OutputError(fmt::format("{}: write failed: temporary file vanished", path_));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw OutputError(fmt::format("{}: write failed: {}", path_, errno_text()));
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    throw OutputError(fmt::format("{}: cannot replace: {}", path_, errno_text()));
  }
  committed_ = true;
  sync_directory(parent_of(target_));
}

AtomicDirectory::AtomicDirectory(std::string path) : path_(std::move(path)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    throw OutputError(fmt::format("{}: exists and is not a directory", path_));
  }
  std::string pattern = partial_name(path_);
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw OutputError(fmt::format("{}: cannot create: {}", path_, errno_text()));
  }
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(pattern.c_str(), 0777 & ~mask);
  staging_ = pattern;
}

AtomicDirectory::~AtomicDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void AtomicDirectory::commit() {
  sync_tree(staging_);
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    // Swap the complete new directory with the old one in one step, then
    // delete the old one (now under the staging name).
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) != 0) {
      throw OutputError(fmt::format("{}: cannot replace: {}", path_, errno_text()));
    }
    committed_ = true;
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  } else {
    if (std::rename(staging_.c_str(), path_.c_str()) != 0) {
      throw OutputError(fmt::format("{}: cannot create: {}", path_, errno_text()));
    }
    committed_ = true;
  }
  sync_directory(parent_of(path_));
}

}  // namespace fleetopt
