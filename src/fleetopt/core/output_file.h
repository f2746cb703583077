// Every file and directory fleetopt writes goes through here, so one rule
// holds everywhere: the new content is written beside the target under a
// temporary name, flushed, fsync'ed and checked, then renamed over the target.
// A failure at any point (full disk, missing directory, a signal) leaves the
// previous good file or directory untouched, and is reported as OutputError.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace fleetopt {

// Checks before any work starts that `path` can become an output file: its
// directory exists and is writable, and it is not itself a directory.
// Throws InputError naming `option` (e.g. "--out").
void check_output_file(const std::string& path, const std::string& option);
// The same for an output directory (its parent must exist and be writable;
// the path may exist as a directory, never as a file).
void check_output_directory(const std::string& path, const std::string& option);

// Writes `contents` to `path` atomically.
void write_file_atomically(const std::string& path, std::string_view contents);

// A file being written: write through file() (or let a library write to
// temp_path()), then commit(). Destroyed without commit(), it removes the
// temporary and the target keeps its old content. A target that is a device
// or pipe (/dev/stdout) is written in place, with the same checks.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* file() { return file_; }
  const std::string& temp_path() const { return temp_; }
  const std::string& path() const { return path_; }
  void write(std::string_view data);
  // Closes file() (checked) so that a library can write temp_path() by name.
  void close_stream() { close_checked(); }
  // Flushes, fsyncs, closes (checking each step) and renames over the target.
  void commit();

 private:
  void close_checked();
  std::string path_, target_, temp_;
  std::FILE* file_ = nullptr;
  bool direct_ = false;  // a device or pipe, written in place
  bool committed_ = false;
};

// A directory being written: fill staging(), then commit() swaps it in place
// of the target in one rename (renameat2 RENAME_EXCHANGE where the target
// exists), so a reader sees the old directory or the complete new one, never
// a mix; files of an earlier output never survive into the new one.
class AtomicDirectory {
 public:
  explicit AtomicDirectory(std::string path);
  ~AtomicDirectory();
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  const std::string& staging() const { return staging_; }
  void commit();

 private:
  std::string path_, staging_;
  bool committed_ = false;
};

}  // namespace fleetopt
