// What a trace reader did to the file's quirks: how often it filled a gap,
// skipped an offline row, clamped a value, ... and the first few warnings with
// file:line. Readers never fix input silently: every repair is counted here,
// and the CLI prints the report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fleetopt {

class ReadReport {
 public:
  // Keeps this many warnings; the rest are only counted.
  static constexpr std::size_t kMaxWarnings = 50;

  // Adds n to the counter of a quirk (e.g. "gap_steps_held").
  void count(std::string_view quirk, std::int64_t n = 1);
  std::int64_t get(std::string_view quirk) const;
  const std::map<std::string, std::int64_t, std::less<>>& counts() const { return counts_; }

  // "FILE:LINE: message", kept up to kMaxWarnings.
  void warn(const std::string& file, std::size_t line, const std::string& message);
  void warn(const std::string& message);
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::int64_t warnings_total() const { return warnings_total_; }

  // Free-form lines on choices the reader made (seed, default sizes, ...).
  void note(const std::string& message) { notes_.push_back(message); }
  const std::vector<std::string>& notes() const { return notes_; }

  void merge(const ReadReport& other);
  // Multi-line human-readable summary; empty when nothing was reported.
  std::string text() const;

 private:
  std::map<std::string, std::int64_t, std::less<>> counts_;
  std::vector<std::string> warnings_;
  std::vector<std::string> notes_;
  std::int64_t warnings_total_ = 0;
};

// Readers take a nullable ReadReport*; this gives them something to write to.
class ReportSink {
 public:
  explicit ReportSink(ReadReport* report) : report_(report != nullptr ? report : &local_) {}
  ReportSink(const ReportSink&) = delete;
  ReportSink& operator=(const ReportSink&) = delete;
  ReadReport& operator*() { return *report_; }
  ReadReport* operator->() { return report_; }

 private:
  ReadReport local_;
  ReadReport* report_;
};

}  // namespace fleetopt
