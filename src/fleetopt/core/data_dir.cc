#include "fleetopt/core/data_dir.h"

#include <cstdlib>

namespace fleetopt {

std::string data_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("FLEETOPT_DATA"); env != nullptr && *env != '\0') return env;
  return "../shared/traces";
}

std::string resolve_data_path(const std::string& path, const std::string& flag_value) {
  for (const char* prefix : {"$DATA/", "@/"}) {
    std::string p(prefix);
    if (path.rfind(p, 0) == 0) return data_dir(flag_value) + "/" + path.substr(p.size());
  }
  return path;
}

}  // namespace fleetopt
