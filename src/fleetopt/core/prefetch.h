// Asking the memory system for data before it is read. Used where a decision
// visits a few random hosts of a large fleet: each host's rows are cold in
// cache, and reading them one host after another serialises the misses.
// Requesting every host's lines first lets the misses overlap.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fleetopt {

inline constexpr std::size_t kCacheLine = 64;

// Every cache line of [p, p + bytes); a hint only, never faults.
inline void prefetch_span(const void* p, std::size_t bytes) {
  if (bytes == 0) return;
  const auto first = reinterpret_cast<std::uintptr_t>(p) & ~(std::uintptr_t{kCacheLine} - 1);
  const auto last = reinterpret_cast<std::uintptr_t>(p) + bytes - 1;
  for (std::uintptr_t a = first; a <= last; a += kCacheLine) {
    __builtin_prefetch(reinterpret_cast<const void*>(a));
  }
}

template <typename T>
inline void prefetch_object(const T& x) {
  prefetch_span(&x, sizeof(T));
}

}  // namespace fleetopt
