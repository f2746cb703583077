// PostgreSQL backend of the state store (libpqxx 6.4): several `serve`
// replicas share one database. reserve() locks the host's row (SELECT ... FOR
// UPDATE) and re-checks its room inside the transaction, so replicas deciding
// on stale mirrors never over-commit a host; the placement's primary key
// makes a reservation idempotent by id even when two replicas race on it.
//
// One connection per store object, guarded by a mutex (a replica serialises
// its own decisions). Serialization failures and deadlocks are retried a
// bounded number of times; a lost connection is re-opened on the next call.
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>

#include "fleetopt/core/error.h"
#include "fleetopt/service/reserve_check.h"
#include "fleetopt/service/state_store.h"

namespace fleetopt::service {
namespace {

constexpr int kMaxAttempts = 20;
constexpr long long kSchemaLockKey = 0x666c656574;  // "fleet": serialises schema creation
constexpr DimMask kAllDims = static_cast<DimMask>((1u << kMaxDims) - 1);

// Local names (the backend does not depend on the service library that
// defines host_state_name); the strings are what the hosts.state column holds.
const char* state_name(HostState s) {
  switch (s) {
    case HostState::kActive: return "active";
    case HostState::kCordoned: return "cordoned";
    case HostState::kDraining: return "draining";
  }
  return "active";
}

HostState state_from_name(const std::string& name) {
  if (name == "cordoned") return HostState::kCordoned;
  if (name == "draining") return HostState::kDraining;
  if (name == "active") return HostState::kActive;
  // A value this version does not know: not schedulable is the safe reading.
  return HostState::kCordoned;
}

// The URI as it may be shown in messages: the password, whether in the
// userinfo ("user:secret@") or as a parameter ("password=secret"), replaced.
std::string redact(const std::string& uri) {
  std::string out = uri;
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto slash = out.find_first_of("/?", start);
    const auto at = out.rfind('@', slash == std::string::npos ? std::string::npos : slash);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t pos = 0; (pos = out.find("password=", pos)) != std::string::npos;) {
    pos += 9;
    auto end = out.find_first_of("& ", pos);
    if (end == std::string::npos) end = out.size();
    out.replace(pos, end - pos, "***");
    pos += 3;
  }
  return out;
}

void check_id(const std::string& id, const char* what) {
  if (id.empty()) throw InputError::field(what, "empty");
  if (id.find('\0') != std::string::npos) throw InputError::field(what, "contains a NUL byte");
}

void check_amounts(const Resources& r, const char* what) {
  if (r.any_negative_or_nan()) throw InputError::field(what, "negative, NaN or infinite amount");
}

Resources read_resources(const pqxx::row& row, int first) {
  Resources r;
  for (int d = 0; d < kMaxDims; ++d) r[d] = row[first + d].as<double>();
  return r;
}

// Columns (from `first`): id, host, req_cpu..req_gpu, seq
PlacementRecord read_placement(const pqxx::row& row, int first = 0) {
  PlacementRecord p;
  p.id = row[first].as<std::string>();
  p.host = row[first + 1].as<std::string>();
  p.requests = read_resources(row, first + 2);
  p.seq = row[first + 2 + kMaxDims].as<std::int64_t>();
  return p;
}

// Columns: id, state, cap_cpu..cap_gpu, res_cpu..res_gpu
HostRecord read_host(const pqxx::row& row) {
  HostRecord h;
  h.id = row[0].as<std::string>();
  h.state = state_from_name(row[1].as<std::string>());
  h.capacity = read_resources(row, 2);
  h.reserved = read_resources(row, 2 + kMaxDims);
  return h;
}

constexpr const char* kPlacementColumns = "id, host, req_cpu, req_mem, req_disk, req_net, req_gpu, seq";
constexpr int kHostColumnCount = 2 + 2 * kMaxDims;
constexpr const char* kHostColumns =
    "id, state, cap_cpu, cap_mem, cap_disk, cap_net, cap_gpu, res_cpu, res_mem, res_disk, res_net, res_gpu";

class PostgresStore final : public StateStore {
 public:
  explicit PostgresStore(std::string uri) : uri_(std::move(uri)), shown_(redact(uri_)) {
    std::lock_guard lock(mu_);
    connect();
    create_schema();
  }

  std::string backend() const override { return "postgresql"; }

  std::vector<HostRecord> hosts() override {
    return run([&](pqxx::work& txn) {
      std::vector<HostRecord> out;
      for (const auto& row : txn.exec(fmt::format("SELECT {} FROM hosts ORDER BY id", kHostColumns)))
        out.push_back(read_host(row));
      return out;
    });
  }

  std::vector<PlacementRecord> placements() override {
    return run([&](pqxx::work& txn) {
      std::vector<PlacementRecord> out;
      for (const auto& row :
           txn.exec(fmt::format("SELECT {} FROM placements ORDER BY seq", kPlacementColumns)))
        out.push_back(read_placement(row));
      return out;
    });
  }

  std::optional<PlacementRecord> placement(const std::string& id) override {
    if (id.find('\0') != std::string::npos) return std::nullopt;
    return run([&](pqxx::work& txn) -> std::optional<PlacementRecord> {
      const auto r = txn.exec_prepared("placement_by_id", id);
      if (r.empty()) return std::nullopt;
      return read_placement(r[0]);
    });
  }

  HostChange upsert_host(const std::string& id, const Resources& capacity) override {
    check_id(id, "id");
    check_amounts(capacity, "capacity");
    return run([&](pqxx::work& txn) {
      const auto& c = capacity;
      const auto ins = txn.exec_prepared("host_insert", id, c[0], c[1], c[2], c[3], c[4]);
      if (!ins.empty()) {
        txn.commit();
        return HostChange{HostChange::kCreated, ""};
      }
      const auto cur = txn.exec_prepared("host_lock", id);
      if (cur.empty()) throw pqxx::serialization_failure("host removed during update");  // retried
      const HostRecord h = read_host(cur[0]);
      if (!h.reserved.fits_within(capacity, kAllDims)) {
        for (int d = 0; d < kMaxDims; ++d) {
          if (!h.reserved.fits_within(capacity, dim_bit(d)))
            return HostChange{HostChange::kBusy,
                              fmt::format("host {}: {} reserved {} > new capacity {}", id, kDimNames[d],
                                          h.reserved[d], capacity[d])};
        }
      }
      txn.exec_prepared("host_set_capacity", id, c[0], c[1], c[2], c[3], c[4]);
      txn.commit();
      return HostChange{HostChange::kUpdated, ""};
    });
  }

  HostChange set_host_state(const std::string& id, HostState state) override {
    if (id.find('\0') != std::string::npos) return HostChange{HostChange::kUnknown, "no host " + id};
    return run([&](pqxx::work& txn) {
      const auto r = txn.exec_prepared("host_set_state", id, std::string(state_name(state)));
      if (r.affected_rows() == 0) return HostChange{HostChange::kUnknown, "no host " + id};
      txn.commit();
      return HostChange{HostChange::kUpdated, ""};
    });
  }

  HostChange remove_host(const std::string& id) override {
    if (id.find('\0') != std::string::npos) return HostChange{HostChange::kUnknown, "no host " + id};
    return run([&](pqxx::work& txn) {
      if (txn.exec_prepared("host_lock", id).empty()) return HostChange{HostChange::kUnknown, "no host " + id};
      const auto n = txn.exec_prepared("host_placement_count", id)[0][0].as<long long>();
      if (n > 0)
        return HostChange{HostChange::kBusy, fmt::format("host {}: {} placement{} remain", id, n, n == 1 ? "" : "s")};
      txn.exec_prepared("host_delete", id);
      txn.commit();
      return HostChange{HostChange::kUpdated, ""};
    });
  }

  ReserveResult reserve(const ReserveRequest& req) override {
    check_id(req.id, "id");
    check_id(req.host, "host");
    check_amounts(req.requests, "requests");
    return run([&](pqxx::work& txn) {
      ReserveResult out;
      // One round trip: lock the host's row and look the id up.
      const auto hr = txn.exec_prepared("reserve_lock", req.id, req.host);
      if (hr.empty()) {  // no such host, unless the id is placed already
        if (const auto r = txn.exec_prepared("placement_by_id", req.id); !r.empty()) {
          out.outcome = ReserveResult::kExisting;
          out.record = read_placement(r[0]);
          return out;
        }
        out.outcome = ReserveResult::kUnknownHost;
        out.reason = "no host " + req.host;
        return out;
      }
      if (!hr[0][kHostColumnCount].is_null()) {  // placed already (this or another replica)
        out.outcome = ReserveResult::kExisting;
        out.record = read_placement(hr[0], kHostColumnCount);
        return out;
      }
      const HostRecord h = read_host(hr[0]);
      if (h.state != HostState::kActive) {
        out.outcome = ReserveResult::kNotSchedulable;
        out.reason = fmt::format("host {} is {}", h.id, state_name(h.state));
        return out;
      }
      if (auto why = room_shortfall(h.id, h.capacity, h.reserved, req.requests, req.overcommit, req.dims)) {
        out.outcome = ReserveResult::kNoRoom;
        out.reason = std::move(*why);
        return out;
      }
      const auto& q = req.requests;
      const auto ins = txn.exec_prepared("placement_insert", req.id, req.host, q[0], q[1], q[2], q[3], q[4]);
      if (ins.empty()) {
        // Another replica placed this id after our first look (it has
        // committed: ON CONFLICT waited for it). Nothing of ours to keep.
        const auto r = txn.exec_prepared("placement_by_id", req.id);
        if (r.empty()) throw pqxx::serialization_failure("placement vanished during reserve");  // retried
        out.outcome = ReserveResult::kExisting;
        out.record = read_placement(r[0]);
        return out;
      }
      txn.commit();
      out.outcome = ReserveResult::kReserved;
      out.record.id = req.id;
      out.record.host = req.host;
      out.record.requests = req.requests;
      out.record.seq = ins[0][0].as<std::int64_t>();
      return out;
    });
  }

  std::optional<PlacementRecord> release(const std::string& id) override {
    if (id.find('\0') != std::string::npos) return std::nullopt;
    return run([&](pqxx::work& txn) -> std::optional<PlacementRecord> {
      const auto r = txn.exec_prepared("placement_release", id);
      if (r.empty()) return std::nullopt;
      txn.commit();
      return read_placement(r[0]);
    });
  }

 private:
  void connect() {
    conn_.reset();
    try {
      auto c = std::make_unique<pqxx::connection>(uri_);
      prepare(*c);
      conn_ = std::move(c);
    } catch (const pqxx::broken_connection& e) {
      throw std::runtime_error(fmt::format("postgresql {}: cannot connect: {}", shown_, trim(e.what())));
    } catch (const std::exception& e) {
      // libpq rejects a malformed URI here as well.
      throw std::runtime_error(fmt::format("postgresql {}: cannot open: {}", shown_, trim(e.what())));
    }
  }

  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  static void prepare(pqxx::connection& c) {
    c.prepare("placement_by_id", fmt::format("SELECT {} FROM placements WHERE id = $1", kPlacementColumns));
    c.prepare("host_lock", fmt::format("SELECT {} FROM hosts WHERE id = $1 FOR UPDATE", kHostColumns));
    // The host's row locked and the id's placement beside it (NULLs when the
    // id is new); no row when the host does not exist.
    c.prepare("reserve_lock",
              "SELECT h.id, h.state, h.cap_cpu, h.cap_mem, h.cap_disk, h.cap_net, h.cap_gpu, "
              "h.res_cpu, h.res_mem, h.res_disk, h.res_net, h.res_gpu, "
              "p.id, p.host, p.req_cpu, p.req_mem, p.req_disk, p.req_net, p.req_gpu, p.seq "
              "FROM hosts h LEFT JOIN placements p ON p.id = $1 WHERE h.id = $2 FOR UPDATE OF h");
    c.prepare("host_insert",
              "INSERT INTO hosts (id, state, cap_cpu, cap_mem, cap_disk, cap_net, cap_gpu, "
              "res_cpu, res_mem, res_disk, res_net, res_gpu) "
              "VALUES ($1, 'active', $2, $3, $4, $5, $6, 0, 0, 0, 0, 0) ON CONFLICT (id) DO NOTHING RETURNING id");
    c.prepare("host_set_capacity",
              "UPDATE hosts SET cap_cpu = $2, cap_mem = $3, cap_disk = $4, cap_net = $5, cap_gpu = $6 WHERE id = $1");
    c.prepare("host_set_state", "UPDATE hosts SET state = $2 WHERE id = $1");
    c.prepare("host_placement_count", "SELECT count(*) FROM placements WHERE host = $1");
    c.prepare("host_delete", "DELETE FROM hosts WHERE id = $1");
    // Insert and account in one round trip; nothing is inserted (no row
    // returned, host untouched) when the id is already placed.
    c.prepare("placement_insert",
              "WITH ins AS (INSERT INTO placements (id, host, req_cpu, req_mem, req_disk, req_net, req_gpu) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING seq, host), "
              "upd AS (UPDATE hosts SET res_cpu = res_cpu + $3, res_mem = res_mem + $4, res_disk = res_disk + $5, "
              "res_net = res_net + $6, res_gpu = res_gpu + $7 WHERE id = (SELECT host FROM ins)) "
              "SELECT seq FROM ins");
    // Delete and give back in one statement (the DELETE locks the row; a
    // concurrent release of the same id finds nothing once this commits).
    // GREATEST(.., 0) keeps float residue from going below zero.
    c.prepare("placement_release",
              "WITH del AS (DELETE FROM placements WHERE id = $1 "
              "RETURNING id, host, req_cpu, req_mem, req_disk, req_net, req_gpu, seq), "
              "upd AS (UPDATE hosts h SET res_cpu = GREATEST(h.res_cpu - del.req_cpu, 0), "
              "res_mem = GREATEST(h.res_mem - del.req_mem, 0), res_disk = GREATEST(h.res_disk - del.req_disk, 0), "
              "res_net = GREATEST(h.res_net - del.req_net, 0), res_gpu = GREATEST(h.res_gpu - del.req_gpu, 0) "
              "FROM del WHERE h.id = del.host) "
              "SELECT id, host, req_cpu, req_mem, req_disk, req_net, req_gpu, seq FROM del");
  }

  void create_schema() {
    try {
      pqxx::work txn(*conn_);
      // Two replicas starting at once would race in CREATE ... IF NOT EXISTS
      // (a unique violation in the catalogue); the lock makes it one at a time.
      txn.exec(fmt::format("SELECT pg_advisory_xact_lock({})", kSchemaLockKey));
      txn.exec(
          "CREATE TABLE IF NOT EXISTS hosts ("
          " id TEXT PRIMARY KEY, state TEXT NOT NULL,"
          " cap_cpu DOUBLE PRECISION NOT NULL, cap_mem DOUBLE PRECISION NOT NULL,"
          " cap_disk DOUBLE PRECISION NOT NULL, cap_net DOUBLE PRECISION NOT NULL,"
          " cap_gpu DOUBLE PRECISION NOT NULL,"
          " res_cpu DOUBLE PRECISION NOT NULL, res_mem DOUBLE PRECISION NOT NULL,"
          " res_disk DOUBLE PRECISION NOT NULL, res_net DOUBLE PRECISION NOT NULL,"
          " res_gpu DOUBLE PRECISION NOT NULL)");
      txn.exec(
          "CREATE TABLE IF NOT EXISTS placements ("
          " id TEXT PRIMARY KEY, host TEXT NOT NULL REFERENCES hosts(id),"
          " req_cpu DOUBLE PRECISION NOT NULL, req_mem DOUBLE PRECISION NOT NULL,"
          " req_disk DOUBLE PRECISION NOT NULL, req_net DOUBLE PRECISION NOT NULL,"
          " req_gpu DOUBLE PRECISION NOT NULL, seq BIGSERIAL)");
      txn.exec("CREATE INDEX IF NOT EXISTS placements_host ON placements (host)");
      txn.commit();
    } catch (const pqxx::broken_connection& e) {
      throw std::runtime_error(fmt::format("postgresql {}: connection lost: {}", shown_, trim(e.what())));
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("postgresql {}: cannot create the schema: {}", shown_, trim(e.what())));
    }
  }

  // Runs body in a transaction (the body commits; returning without a commit
  // aborts). Retries on serialization failures and deadlocks.
  template <class Body>
  auto run(Body&& body) -> decltype(body(std::declval<pqxx::work&>())) {
    std::lock_guard lock(mu_);
    for (int attempt = 1;; ++attempt) {
      try {
        if (!conn_ || !conn_->is_open()) connect();
        pqxx::work txn(*conn_);
        return body(txn);
      } catch (const pqxx::transaction_rollback& e) {
        if (attempt >= kMaxAttempts)
          throw std::runtime_error(
              fmt::format("postgresql {}: gave up after {} attempts: {}", shown_, attempt, trim(e.what())));
        std::this_thread::sleep_for(std::chrono::microseconds(100 * attempt));
      } catch (const pqxx::in_doubt_error& e) {
        conn_.reset();
        throw std::runtime_error(
            fmt::format("postgresql {}: connection lost during commit, outcome unknown: {}", shown_, trim(e.what())));
      } catch (const pqxx::broken_connection& e) {
        conn_.reset();  // re-opened by the next call
        throw std::runtime_error(fmt::format("postgresql {}: connection lost: {}", shown_, trim(e.what())));
      } catch (const pqxx::sql_error& e) {
        throw std::runtime_error(fmt::format("postgresql {}: {}", shown_, trim(e.what())));
      }
    }
  }

  std::mutex mu_;
  std::string uri_;
  std::string shown_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

std::unique_ptr<StateStore> open_postgres_store(const std::string& uri) {
  return std::make_unique<PostgresStore>(uri);
}

}  // namespace fleetopt::service
