// Fast text input for the readers: a whole file in one read, lines as views,
// fields split without allocating. Trace files are up to a few hundred MB, so
// no per-character iostream work.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fleetopt::text {

// Reads the whole file; throws InputError naming the file if it cannot.
std::string read_file(const std::string& path);

// Iterates the lines of a buffer; strips a trailing '\r'. line_no() is the
// 1-based number of the line last returned.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line);
  std::size_t line_no() const { return line_no_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_no_ = 0;
};

// Splits at every `sep` (no quoting); fields keep surrounding blanks.
void split(std::string_view line, char sep, std::vector<std::string_view>& out);
// Splits a CSV line honouring double quotes ("a,b" and "" escapes). Quoted
// fields are unescaped into `storage`, so views stay valid until the next
// call. Returns false on an unterminated quote.
bool split_csv(std::string_view line, std::vector<std::string_view>& out, std::string& storage);
// Quotes a CSV field if it needs it.
std::string csv_field(std::string_view field);

std::string_view trim(std::string_view s);
// Index of the header field named `name` (blanks trimmed), or npos.
std::size_t find_column(const std::vector<std::string_view>& header, std::string_view name);
bool is_blank(std::string_view s);

// Regular files of a directory, sorted by name; skips hidden files (counted in
// *hidden). Throws InputError if the directory cannot be listed.
std::vector<std::string> list_files(const std::string& dir, std::size_t* hidden = nullptr);

bool exists(const std::string& path);
bool is_directory(const std::string& path);
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace fleetopt::text
