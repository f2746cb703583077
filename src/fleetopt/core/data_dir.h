// Where the real traces live: --data flag, else $FLEETOPT_DATA, else
// ../shared/traces relative to the working directory.
#pragma once

#include <string>

namespace fleetopt {

std::string data_dir(const std::string& flag_value = "");
// Substitutes a leading "$DATA/" or "@/" in a path with data_dir().
std::string resolve_data_path(const std::string& path, const std::string& flag_value = "");

}  // namespace fleetopt
