#include "fleetopt/service/state_store.h"

#include "fleetopt/core/error.h"

namespace fleetopt::service {

const char* host_state_name(HostState s) {
  switch (s) {
    case HostState::kActive: return "active";
    case HostState::kCordoned: return "cordoned";
    case HostState::kDraining: return "draining";
  }
  return "active";
}

std::optional<HostState> host_state_from_name(const std::string& name) {
  if (name == "active") return HostState::kActive;
  if (name == "cordoned") return HostState::kCordoned;
  if (name == "draining") return HostState::kDraining;
  return std::nullopt;
}

std::unique_ptr<StateStore> open_store(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    const std::string path = url.substr(7);
    if (path.empty()) throw InputError::field("--db", "sqlite: needs a file path (sqlite:PATH)");
    return open_sqlite_store(path);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres_store(url);
  throw InputError::field("--db", "expected sqlite:PATH or postgresql://USER@HOST:PORT/DB, got '" + url + "'");
}

}  // namespace fleetopt::service
