#include "fleetopt/core/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace fleetopt {

namespace {
std::atomic<bool> quiet{false};
}  // namespace

void Progress::set_quiet(bool q) { quiet = q; }

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(!quiet && isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { done(); }

void Progress::advance(std::uint64_t n) {
  current_ += n;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1)) return;
  if (now - last_draw_ > std::chrono::milliseconds(100) || current_ >= total_) {
    last_draw_ = now;
    draw();
  }
}

void Progress::draw() {
  drawn_ = true;
  const int width = 30;
  double frac = total_ > 0 ? static_cast<double>(current_) / static_cast<double>(total_) : 1.0;
  if (frac > 1) frac = 1;
  int filled = static_cast<int>(frac * width);
  std::fprintf(stderr, "\r%s [", label_.c_str());
  for (int i = 0; i < width; ++i) std::fputc(i < filled ? '#' : '.', stderr);
  std::fprintf(stderr, "] %llu/%llu", static_cast<unsigned long long>(current_),
               static_cast<unsigned long long>(total_));
  std::fflush(stderr);
}

void Progress::done() {
  if (finished_) return;
  finished_ = true;
  if (enabled_ && drawn_) {
    draw();
    std::fputc('\n', stderr);
  }
}

}  // namespace fleetopt
