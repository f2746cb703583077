#include "fleetopt/core/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt {

std::string read_text_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw InputError(fmt::format("{}: is a directory, expected a file", path));
  // Read-only descriptor: nothing here ever writes (outputs go through output_file.h).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::string data;
  data.reserve(static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)));
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      throw InputError(fmt::format("{}: read error: {}", path, std::strerror(saved)));
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (data.size() >= 3 && data.compare(0, 3, "\xEF\xBB\xBF") == 0) data.erase(0, 3);
  return data;
}

std::string json_error_text(const std::exception& e) {
  std::string_view what = e.what();
  if (!what.empty() && what.front() == '[') {
    std::size_t close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  return std::string(what);
}

nlohmann::json parse_json_text(std::string_view text, const std::string& path) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based, one past the offending character.
    std::size_t at = e.byte == 0 ? 0 : std::min(e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string message = json_error_text(e);
    // Drop nlohmann's own "parse error at line L, column C: " prefix: the
    // position is in front already.
    std::size_t colon = message.find(": ");
    if (message.rfind("parse error at line", 0) == 0 && colon != std::string::npos) message.erase(0, colon + 2);
    throw InputError(fmt::format("{}:{}:{}: malformed JSON: {}", path, line, column, message));
  } catch (const nlohmann::json::exception& e) {
    // e.g. "number overflow parsing '1e400'": name the line of that token.
    std::string message = json_error_text(e);
    auto open = message.find('\''), close = message.rfind('\'');
    if (open != std::string::npos && close > open) {
      auto at = text.find(std::string_view(message).substr(open + 1, close - open - 1));
      if (at != std::string_view::npos) {
        auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
        throw InputError(fmt::format("{}:{}: malformed JSON: {}", path, line, message));
      }
    }
    throw InputError(fmt::format("{}: malformed JSON: {}", path, message));
  }
}

nlohmann::json read_json_file(const std::string& path) { return parse_json_text(read_text_file(path), path); }

}  // namespace fleetopt
