// Prints rows either as an aligned text table or as JSON, so every command
// that shows a table can also print --json.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetopt::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  // One row: JSON values keyed by column name (numbers stay numbers in JSON).
  void add(nlohmann::json row) { rows_.push_back(std::move(row)); }
  std::string text() const;
  nlohmann::json json() const { return rows_; }

 private:
  std::vector<std::string> columns_;
  std::vector<nlohmann::json> rows_;
};

// Prints json with 2-space indentation to stdout.
void print_json(const nlohmann::json& j);

}  // namespace fleetopt::cli
