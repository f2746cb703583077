// The admission rule every store applies inside its reserve transaction,
// shared so that SQLite and PostgreSQL refuse exactly the same requests.
#pragma once

#include <optional>
#include <string>

#include <fmt/format.h>

#include "fleetopt/core/resources.h"

namespace fleetopt::service {

// nullopt when reserved + request fits capacity x overcommit in every
// dimension of `dims`; else the first dimension that does not, in words.
inline std::optional<std::string> room_shortfall(const std::string& host, const Resources& capacity,
                                                 const Resources& reserved, const Resources& request,
                                                 const Resources& overcommit, DimMask dims) {
  Resources limit;
  for (int d = 0; d < kMaxDims; ++d) limit[d] = capacity[d] * overcommit[d];
  const Resources after = reserved + request;
  if (after.fits_within(limit, dims)) return std::nullopt;
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(dims, d)) continue;
    Resources one;
    one[d] = after[d];
    Resources lim;
    lim[d] = limit[d];
    if (!one.fits_within(lim, dim_bit(d))) {
      return fmt::format("host {}: {} {:g} reserved + {:g} requested > {:g} admissible", host,
                         kDimNames[static_cast<std::size_t>(d)], reserved[d], request[d], limit[d]);
    }
  }
  return "host " + host + ": no room";
}

}  // namespace fleetopt::service
