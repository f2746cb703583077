// A timing wheel for the discrete-event simulator's service completions: the
// events that are most of its work, due a few service times after "now".
//
// Slots of one fixed width cover a window of kSlots x width seconds from the
// current time. A slot holds at most one event, inline in one flat array, and
// a bitmap of occupied slots finds the earliest one, so pushing and popping
// touch one or two cache lines and no pointer is followed (slots that were
// vectors cost a cache miss per event, measured with perf). An event beyond
// the window, or whose slot is taken, is refused by try_push and kept
// elsewhere by the caller (the simulator's heap), which compares both fronts,
// so the order stays exact whatever the width: the width only decides speed
// (narrow enough that slots rarely collide, see the simulator's fit_wheel).
// The hand-written structure is the point here (no Debian library offers a
// monotone event queue this cheap).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace fleetopt::scaling {

class TimingWheel {
 public:
  struct Entry {
    double t;
    std::uint32_t id;
  };

  static constexpr std::size_t kSlots = 2048;  // a power of two (4096 and 8192: no faster)

  explicit TimingWheel(double width = 1e-3) { set_width(width); }

  double width() const { return width_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Changes the slot width (> 0, finite) and re-files every event; `now` is
  // the simulation time (no event is earlier).
  void set_width(double width, double now = 0) {
    std::vector<Entry> all;
    all.reserve(size_);
    for_each([&](const Entry& e) { all.push_back(e); });
    occupied_.fill(0);
    size_ = 0;
    width_ = width;
    inv_width_ = 1 / width;
    cursor_ = slot_of(now);
    for (const Entry& e : all) {
      if (!try_push(e.t, e.id, now)) overflow_.push_back(e);
    }
  }

  // Files the event when it lies inside the window starting at `now` (the
  // caller's current time, <= t) and its slot is free; returns false when not
  // (then the caller keeps it). After set_width, events that no longer fit
  // are left in take_overflow().
  [[gnu::always_inline]] bool try_push(double t, std::uint32_t id, double now) {
    const double x = t * inv_width_;
    if (!(x < kMaxSlotIndex)) return false;
    const auto s = static_cast<std::int64_t>(x);
    if (s - cursor_ >= static_cast<std::int64_t>(kSlots)) {
      // The cursor follows the popped events, so it can lag behind `now`
      // (after arrivals, or an empty wheel): catch up, then judge.
      advance_cursor(now);
      if (s - cursor_ >= static_cast<std::int64_t>(kSlots)) return false;
    }
    const std::size_t k = static_cast<std::size_t>(s) & (kSlots - 1);
    std::uint64_t& word = occupied_[k >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (k & 63);
    if (word & bit) return false;
    word |= bit;
    slots_[k] = {t, id};
    ++size_;
    return true;
  }

  // The earliest event (infinite time when empty); `slot` is what pop() takes.
  struct Front {
    double t = std::numeric_limits<double>::infinity();
    std::uint32_t id = 0;
    std::uint32_t slot = 0;
  };
  [[gnu::always_inline]] Front front() const {
    Front f;
    if (size_ == 0) return f;
    const std::size_t k = first_occupied();
    f.t = slots_[k].t;
    f.id = slots_[k].id;
    f.slot = static_cast<std::uint32_t>(k);
    return f;
  }

  // Removes the event front() returned (no push in between).
  // The cursor moves to the popped event's slot: every pending event lies in
  // the window after it, and no conversion of the current time is needed.
  [[gnu::always_inline]] void pop(const Front& f) {
    occupied_[f.slot >> 6] &= ~(std::uint64_t{1} << (f.slot & 63));
    --size_;
    cursor_ += static_cast<std::int64_t>((f.slot - static_cast<std::uint64_t>(cursor_)) & (kSlots - 1));
  }

  template <class F>
  void for_each(F&& f) const {
    for (std::size_t w = 0; w < kWords; ++w) {
      for (std::uint64_t bits = occupied_[w]; bits != 0; bits &= bits - 1) {
        f(slots_[(w << 6) + static_cast<std::size_t>(std::countr_zero(bits))]);
      }
    }
  }

  // Events that set_width could not re-file (beyond the new window, or a
  // slot taken).
  std::vector<Entry> take_overflow() { return std::exchange(overflow_, {}); }

 private:
  static constexpr double kMaxSlotIndex = 4e18;

  std::int64_t slot_of(double t) const {
    const double x = t * inv_width_;
    return x < kMaxSlotIndex ? static_cast<std::int64_t>(x) : static_cast<std::int64_t>(kMaxSlotIndex);
  }

  void advance_cursor(double now) {
    const double x = now * inv_width_;
    if (x < kMaxSlotIndex) cursor_ = static_cast<std::int64_t>(x);
  }

  // The occupied slot nearest after the cursor, going round (every event lies
  // within kSlots of it, so the first one met is the earliest slot).
  std::size_t first_occupied() const {
    const std::size_t start = static_cast<std::size_t>(cursor_) & (kSlots - 1);
    std::size_t w = start >> 6;
    std::uint64_t bits = occupied_[w] & (~std::uint64_t{0} << (start & 63));
    for (std::size_t n = 0; n <= kWords; ++n) {
      if (bits != 0) return (w << 6) + static_cast<std::size_t>(std::countr_zero(bits));
      w = (w + 1) & (kWords - 1);
      bits = occupied_[w];
    }
    return start;  // unreachable when size_ > 0
  }

  static constexpr std::size_t kWords = kSlots / 64;

  double width_ = 1e-3, inv_width_ = 1e3;
  std::int64_t cursor_ = 0;
  std::size_t size_ = 0;
  std::array<Entry, kSlots> slots_{};
  std::array<std::uint64_t, kWords> occupied_{};
  std::vector<Entry> overflow_;
};

}  // namespace fleetopt::scaling
