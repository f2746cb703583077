// Reading input files: one place that turns every failure (missing file, a
// directory where a file is expected, a read error, malformed JSON) into an
// InputError naming the file, and the line and column for JSON.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetopt {

// The whole file. A leading UTF-8 byte-order mark is dropped (spreadsheet
// exports write one). Throws InputError naming the file.
std::string read_text_file(const std::string& path);

// Parses JSON text read from `path`; a syntax error becomes
// "PATH:LINE:COLUMN: message".
nlohmann::json parse_json_text(std::string_view text, const std::string& path);
nlohmann::json read_json_file(const std::string& path);

// nlohmann's exception text without its "[json.exception.type_error.302] " tag.
std::string json_error_text(const std::exception& e);

}  // namespace fleetopt
