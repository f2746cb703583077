#pragma once
// Members of a group (the VMs on a host) kept in a vector, each member
// remembering its position in `slot`, so that insert and erase are O(1):
// erase moves the last member into the freed position.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fleetopt {

inline void slot_list_insert(std::vector<std::int32_t>& list, std::vector<std::int32_t>& slot,
                             std::int32_t member) {
  slot[static_cast<std::size_t>(member)] = static_cast<std::int32_t>(list.size());
  list.push_back(member);
}

inline void slot_list_erase(std::vector<std::int32_t>& list, std::vector<std::int32_t>& slot,
                            std::int32_t member) {
  const std::int32_t at = slot[static_cast<std::size_t>(member)];
  const std::int32_t last = list.back();
  list[static_cast<std::size_t>(at)] = last;
  slot[static_cast<std::size_t>(last)] = at;
  list.pop_back();
}

}  // namespace fleetopt
