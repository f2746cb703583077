#include "table.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace fleetopt::cli {

static std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    double x = v.get<double>();
    if (x != 0 && (std::abs(x) < 0.01 || std::abs(x) >= 1e6)) return fmt::format("{:.3g}", x);
    return fmt::format("{:.4g}", x);
  }
  return v.dump();
}

std::string Table::text() const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) width[c] = columns_[c].size();
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows_) {
    std::vector<std::string> line;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      line.push_back(row.contains(columns_[c]) ? cell(row.at(columns_[c])) : "-");
      width[c] = std::max(width[c], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& line) {
    for (std::size_t c = 0; c < line.size(); ++c) {
      out += c == 0 ? fmt::format("{:<{}}", line[c], width[c])
                    : fmt::format("  {:>{}}", line[c], width[c]);
    }
    out += '\n';
  };
  emit(columns_);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  emit(rule);
  for (const auto& line : cells) emit(line);
  return out;
}

void print_json(const nlohmann::json& j) { std::printf("%s\n", j.dump(2).c_str()); }

}  // namespace fleetopt::cli
