// The decision service's durable state behind one interface, with two
// backends: SQLite (embedded default: one file, WAL) and PostgreSQL (several
// `serve` replicas share one database). The store, not the replica's
// in-memory mirror, is the authority on capacity: reserve() re-checks the
// host's room inside a transaction that locks the host's row, so two
// replicas deciding on stale mirrors can never over-commit a host.
//
// URLs: "sqlite:PATH" (created on first start) or "postgresql://..." /
// "postgres://..." (a libpq connection URI).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetopt/core/resources.h"

namespace fleetopt::service {

enum class HostState { kActive, kCordoned, kDraining };
const char* host_state_name(HostState s);
std::optional<HostState> host_state_from_name(const std::string& name);

struct HostRecord {
  std::string id;
  Resources capacity;
  Resources reserved;  // sum of the requests placed on it
  HostState state = HostState::kActive;
};

struct PlacementRecord {
  std::string id;
  std::string host;
  Resources requests;
  std::int64_t seq = 0;  // commit order (ascending; gaps allowed)
};

struct ReserveRequest {
  std::string id;
  std::string host;
  Resources requests;
  Resources overcommit;  // admit while reserved + request <= capacity x overcommit
  DimMask dims = kCpuMem;
};

struct ReserveResult {
  enum Outcome {
    kReserved,       // committed now
    kExisting,       // the id was already placed (by this or another replica): record is that placement
    kUnknownHost,
    kNotSchedulable, // cordoned or draining
    kNoRoom,         // reason names the dimension
  };
  Outcome outcome = kReserved;
  PlacementRecord record;
  std::string reason;
};

struct HostChange {
  enum Outcome { kCreated, kUpdated, kUnknown, kBusy };  // kBusy: capacity below reservations / placements remain
  Outcome outcome = kCreated;
  std::string reason;
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::string backend() const = 0;  // "sqlite" or "postgresql"

  virtual std::vector<HostRecord> hosts() = 0;             // by id
  virtual std::vector<PlacementRecord> placements() = 0;   // by seq
  virtual std::optional<PlacementRecord> placement(const std::string& id) = 0;

  // Registers a host or changes its capacity; a capacity under what is
  // already reserved on it is refused (kBusy).
  virtual HostChange upsert_host(const std::string& id, const Resources& capacity) = 0;
  virtual HostChange set_host_state(const std::string& id, HostState state) = 0;  // kUpdated or kUnknown
  virtual HostChange remove_host(const std::string& id) = 0;  // kUpdated, kUnknown, or kBusy (placements remain)

  // Idempotent by id; commits before it returns.
  virtual ReserveResult reserve(const ReserveRequest& request) = 0;
  // The released placement, or nullopt when the id is unknown.
  virtual std::optional<PlacementRecord> release(const std::string& id) = 0;
};

// Throws InputError naming `what` on a malformed URL; std::runtime_error when
// the database cannot be opened or its schema created.
std::unique_ptr<StateStore> open_store(const std::string& url);

// The backends (open_store dispatches on the URL's scheme).
std::unique_ptr<StateStore> open_sqlite_store(const std::string& path);
std::unique_ptr<StateStore> open_postgres_store(const std::string& uri);

}  // namespace fleetopt::service
