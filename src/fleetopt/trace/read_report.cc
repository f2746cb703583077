#include "fleetopt/trace/read_report.h"

#include <fmt/format.h>

namespace fleetopt {

void ReadReport::count(std::string_view quirk, std::int64_t n) {
  auto it = counts_.find(quirk);
  if (it == counts_.end()) {
    if (n == 0) return;  // only quirks that happened are listed
    counts_.emplace(std::string(quirk), n);
  } else {
    it->second += n;
  }
}

std::int64_t ReadReport::get(std::string_view quirk) const {
  auto it = counts_.find(quirk);
  return it == counts_.end() ? 0 : it->second;
}

void ReadReport::warn(const std::string& file, std::size_t line, const std::string& message) {
  warn(fmt::format("{}:{}: {}", file, line, message));
}

void ReadReport::warn(const std::string& message) {
  ++warnings_total_;
  if (warnings_.size() < kMaxWarnings) warnings_.push_back(message);
}

void ReadReport::merge(const ReadReport& other) {
  for (const auto& [quirk, n] : other.counts_) count(quirk, n);
  for (const auto& w : other.warnings_) {
    if (warnings_.size() < kMaxWarnings) warnings_.push_back(w);
  }
  warnings_total_ += other.warnings_total_;
  notes_.insert(notes_.end(), other.notes_.begin(), other.notes_.end());
}

std::string ReadReport::text() const {
  std::string out;
  for (const auto& n : notes_) out += fmt::format("note: {}\n", n);
  for (const auto& [quirk, n] : counts_) out += fmt::format("{:>12}  {}\n", n, quirk);
  for (const auto& w : warnings_) out += fmt::format("warning: {}\n", w);
  if (warnings_total_ > static_cast<std::int64_t>(warnings_.size())) {
    out += fmt::format("warning: ... {} more warnings not shown\n",
                       warnings_total_ - static_cast<std::int64_t>(warnings_.size()));
  }
  return out;
}

}  // namespace fleetopt
