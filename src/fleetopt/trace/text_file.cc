#include "fleetopt/trace/text_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"

namespace fleetopt::text {

std::string read_file(const std::string& path) { return read_text_file(path); }

bool Lines::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  std::size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos_ = end + 1;
  ++line_no_;
  return true;
}

void split(std::string_view line, char sep, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t pos = 0;
  while (true) {
    std::size_t at = line.find(sep, pos);
    if (at == std::string_view::npos) {
      out.push_back(line.substr(pos));
      return;
    }
    out.push_back(line.substr(pos, at - pos));
    pos = at + 1;
  }
}

bool split_csv(std::string_view line, std::vector<std::string_view>& out, std::string& storage) {
  out.clear();
  if (line.find('"') == std::string_view::npos) {
    split(line, ',', out);
    return true;
  }
  // Unescaped quoted fields go to storage; reserve so views never move.
  storage.clear();
  storage.reserve(line.size());
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // into storage
  std::size_t pos = 0;
  while (true) {
    std::size_t begin = storage.size();
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            storage.push_back('"');
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
        }
        storage.push_back(line[pos++]);
      }
      if (!closed) return false;
      std::size_t comma = line.find(',', pos);
      // Text between the closing quote and the comma is kept verbatim.
      std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
      storage.append(line.substr(pos, stop - pos));
      spans.emplace_back(begin, storage.size() - begin);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    } else {
      std::size_t comma = line.find(',', pos);
      std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
      storage.append(line.substr(pos, stop - pos));
      spans.emplace_back(begin, storage.size() - begin);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  std::string_view all(storage);
  for (auto [b, n] : spans) out.push_back(all.substr(b, n));
  return true;
}

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

std::size_t find_column(const std::vector<std::string_view>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) == name) return i;
  }
  return std::string_view::npos;
}

std::vector<std::string> list_files(const std::string& dir, std::size_t* hidden) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot list directory: {}", dir, ec.message()));
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw InputError(fmt::format("{}: cannot list directory: {}", dir, ec.message()));
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    if (!name.empty() && name.front() == '.') {
      if (hidden != nullptr) ++*hidden;
      continue;
    }
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool is_directory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace fleetopt::text
