// The SQLite backend: one file in WAL mode, one connection guarded by a
// mutex (one process writes it). synchronous=NORMAL: in WAL mode a commit is
// then durable against a crash of the process (SIGKILL) — the record is in
// the WAL file before the answer leaves — though not against power loss
// between checkpoints; FULL adds an fsync per commit (--db sqlite:PATH?sync=full).
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "fleetopt/service/reserve_check.h"
#include "fleetopt/service/state_store.h"

namespace fleetopt::service {
namespace {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(fmt::format("sqlite: cannot prepare '{}': {}", sql, sqlite3_errmsg(db)));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    next_ = 1;
    return *this;
  }
  Statement& bind(const std::string& s) {
    sqlite3_bind_text(stmt_, next_++, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(double x) {
    sqlite3_bind_double(stmt_, next_++, x);
    return *this;
  }
  Statement& bind(const Resources& r) {
    for (int d = 0; d < kMaxDims; ++d) bind(r[d]);
    return *this;
  }
  bool step() {  // true: a row is ready
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
  void run() {
    while (step()) {
    }
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  Resources resources(int first) const {
    Resources r;
    for (int d = 0; d < kMaxDims; ++d) r[d] = real(first + d);
    return r;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_ = 1;
};

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS hosts (
  id TEXT PRIMARY KEY, state TEXT NOT NULL,
  cap_cpu REAL NOT NULL, cap_mem REAL NOT NULL, cap_disk REAL NOT NULL, cap_net REAL NOT NULL, cap_gpu REAL NOT NULL,
  res_cpu REAL NOT NULL, res_mem REAL NOT NULL, res_disk REAL NOT NULL, res_net REAL NOT NULL, res_gpu REAL NOT NULL);
CREATE TABLE IF NOT EXISTS placements (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, host TEXT NOT NULL REFERENCES hosts(id),
  req_cpu REAL NOT NULL, req_mem REAL NOT NULL, req_disk REAL NOT NULL, req_net REAL NOT NULL, req_gpu REAL NOT NULL);
)";

class SqliteStore final : public StateStore {
 public:
  explicit SqliteStore(const std::string& spec) {
    std::string path = spec;
    bool full_sync = false;
    if (const auto q = spec.find('?'); q != std::string::npos) {
      const std::string opt = spec.substr(q + 1);
      path = spec.substr(0, q);
      if (opt == "sync=full") {
        full_sync = true;
      } else if (opt != "sync=normal") {
        throw std::runtime_error("sqlite: unknown option '" + opt + "' (sync=full or sync=normal)");
      }
    }
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error(fmt::format("sqlite: cannot open {}: {}", path, msg));
    }
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    exec(kSchema);
    // Checkpoints copy the WAL back into the database file (and fsync it):
    // done by the writer they would stall one request in a thousand for
    // milliseconds, so a thread with its own connection does them instead.
    exec("PRAGMA wal_autocheckpoint=0");
    checkpointer_ = std::thread([this, path] { checkpoint_loop(path); });
    get_placement_ = std::make_unique<Statement>(
        db_, "SELECT id, host, req_cpu, req_mem, req_disk, req_net, req_gpu, seq FROM placements WHERE id = ?");
    get_host_ = std::make_unique<Statement>(
        db_, "SELECT state, cap_cpu, cap_mem, cap_disk, cap_net, cap_gpu, res_cpu, res_mem, res_disk, res_net, res_gpu "
             "FROM hosts WHERE id = ?");
    insert_placement_ = std::make_unique<Statement>(
        db_, "INSERT INTO placements (id, host, req_cpu, req_mem, req_disk, req_net, req_gpu) VALUES (?,?,?,?,?,?,?)");
    add_reserved_ = std::make_unique<Statement>(
        db_, "UPDATE hosts SET res_cpu = res_cpu + ?, res_mem = res_mem + ?, res_disk = res_disk + ?, "
             "res_net = res_net + ?, res_gpu = res_gpu + ? WHERE id = ?");
    delete_placement_ = std::make_unique<Statement>(db_, "DELETE FROM placements WHERE id = ?");
    begin_ = std::make_unique<Statement>(db_, "BEGIN IMMEDIATE");
    commit_ = std::make_unique<Statement>(db_, "COMMIT");
    rollback_ = std::make_unique<Statement>(db_, "ROLLBACK");
  }
  ~SqliteStore() override {
    {
      std::lock_guard lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    get_placement_.reset();
    get_host_.reset();
    insert_placement_.reset();
    add_reserved_.reset();
    delete_placement_.reset();
    begin_.reset();
    commit_.reset();
    rollback_.reset();
    sqlite3_close(db_);
  }

  std::string backend() const override { return "sqlite"; }

  std::vector<HostRecord> hosts() override {
    std::lock_guard lock(mu_);
    Statement s(db_, "SELECT id, state, cap_cpu, cap_mem, cap_disk, cap_net, cap_gpu, "
                     "res_cpu, res_mem, res_disk, res_net, res_gpu FROM hosts ORDER BY id");
    std::vector<HostRecord> out;
    while (s.step()) {
      HostRecord h;
      h.id = s.text(0);
      h.state = host_state_from_name(s.text(1)).value_or(HostState::kActive);
      h.capacity = s.resources(2);
      h.reserved = s.resources(7);
      out.push_back(std::move(h));
    }
    return out;
  }

  std::vector<PlacementRecord> placements() override {
    std::lock_guard lock(mu_);
    Statement s(db_, "SELECT id, host, req_cpu, req_mem, req_disk, req_net, req_gpu, seq FROM placements ORDER BY seq");
    std::vector<PlacementRecord> out;
    while (s.step()) out.push_back(read_placement(s));
    return out;
  }

  std::optional<PlacementRecord> placement(const std::string& id) override {
    std::lock_guard lock(mu_);
    return find_placement(id);
  }

  HostChange upsert_host(const std::string& id, const Resources& capacity) override {
    std::lock_guard lock(mu_);
    Transaction tx(*this);
    get_host_->reset().bind(id);
    HostChange out;
    if (get_host_->step()) {
      const Resources reserved = get_host_->resources(6);
      get_host_->reset();
      for (int d = 0; d < kMaxDims; ++d) {
        if (reserved[d] > capacity[d] * (1 + 1e-9) + 1e-12) {
          return {HostChange::kBusy, fmt::format("host {}: {} {} is below the {} already reserved", id,
                                                 kDimNames[static_cast<std::size_t>(d)], capacity[d], reserved[d])};
        }
      }
      Statement s(db_, "UPDATE hosts SET cap_cpu = ?, cap_mem = ?, cap_disk = ?, cap_net = ?, cap_gpu = ? WHERE id = ?");
      s.bind(capacity).bind(id).run();
      out.outcome = HostChange::kUpdated;
    } else {
      get_host_->reset();
      Statement s(db_, "INSERT INTO hosts VALUES (?, 'active', ?,?,?,?,?, 0,0,0,0,0)");
      s.bind(id).bind(capacity).run();
      out.outcome = HostChange::kCreated;
    }
    tx.commit();
    return out;
  }

  HostChange set_host_state(const std::string& id, HostState state) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "UPDATE hosts SET state = ? WHERE id = ?");
    s.bind(std::string(host_state_name(state))).bind(id).run();
    return {sqlite3_changes(db_) > 0 ? HostChange::kUpdated : HostChange::kUnknown, ""};
  }

  HostChange remove_host(const std::string& id) override {
    std::lock_guard lock(mu_);
    Transaction tx(*this);
    Statement count(db_, "SELECT COUNT(*) FROM placements WHERE host = ?");
    count.bind(id).step();
    const std::int64_t n = count.integer(0);
    count.reset();
    if (n > 0) return {HostChange::kBusy, fmt::format("host {} still has {} placements", id, n)};
    Statement s(db_, "DELETE FROM hosts WHERE id = ?");
    s.bind(id).run();
    const bool removed = sqlite3_changes(db_) > 0;
    tx.commit();
    return {removed ? HostChange::kUpdated : HostChange::kUnknown, ""};
  }

  ReserveResult reserve(const ReserveRequest& req) override {
    std::lock_guard lock(mu_);
    Transaction tx(*this);
    ReserveResult out;
    if (auto existing = find_placement(req.id)) {
      out.outcome = ReserveResult::kExisting;
      out.record = *existing;
      return out;
    }
    get_host_->reset().bind(req.host);
    if (!get_host_->step()) {
      get_host_->reset();
      out.outcome = ReserveResult::kUnknownHost;
      out.reason = "unknown host " + req.host;
      return out;
    }
    const auto state = host_state_from_name(get_host_->text(0)).value_or(HostState::kActive);
    const Resources capacity = get_host_->resources(1), reserved = get_host_->resources(6);
    get_host_->reset();
    if (state != HostState::kActive) {
      out.outcome = ReserveResult::kNotSchedulable;
      out.reason = fmt::format("host {} is {}", req.host, host_state_name(state));
      return out;
    }
    if (auto why = room_shortfall(req.host, capacity, reserved, req.requests, req.overcommit, req.dims)) {
      out.outcome = ReserveResult::kNoRoom;
      out.reason = *why;
      return out;
    }
    insert_placement_->reset().bind(req.id).bind(req.host).bind(req.requests).run();
    out.record = {req.id, req.host, req.requests, sqlite3_last_insert_rowid(db_)};
    add_reserved_->reset().bind(req.requests).bind(req.host).run();
    tx.commit();
    out.outcome = ReserveResult::kReserved;
    return out;
  }

  std::optional<PlacementRecord> release(const std::string& id) override {
    std::lock_guard lock(mu_);
    Transaction tx(*this);
    auto existing = find_placement(id);
    if (!existing) return std::nullopt;
    delete_placement_->reset().bind(id).run();
    Resources minus;
    for (int d = 0; d < kMaxDims; ++d) minus[d] = -existing->requests[d];
    add_reserved_->reset().bind(minus).bind(existing->host).run();
    tx.commit();
    return existing;
  }

 private:
  // BEGIN IMMEDIATE .. COMMIT, rolled back unless committed.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& s) : s_(s) { s_.begin_->reset().run(); }
    void commit() {
      s_.commit_->reset().run();
      done_ = true;
    }
    ~Transaction() {
      if (!done_) {
        try {
          s_.rollback_->reset().run();
        } catch (...) {  // a failed rollback leaves SQLite to roll back on the next BEGIN
        }
      }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

   private:
    SqliteStore& s_;
    bool done_ = false;
  };

  static PlacementRecord read_placement(const Statement& s) {
    return {s.text(0), s.text(1), s.resources(2), s.integer(7)};
  }

  std::optional<PlacementRecord> find_placement(const std::string& id) {
    get_placement_->reset().bind(id);
    std::optional<PlacementRecord> out;
    if (get_placement_->step()) out = read_placement(*get_placement_);
    get_placement_->reset();
    return out;
  }

  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error(fmt::format("sqlite: {}: {}", sql, msg));
    }
  }

  void checkpoint_loop(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      db = nullptr;
    }
    if (db) sqlite3_busy_timeout(db, 100);
    std::unique_lock lock(stop_mu_);
    while (!stopping_) {
      stop_cv_.wait_for(lock, std::chrono::milliseconds(250));
      if (db) sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    if (db) {
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      sqlite3_close(db);
    }
  }

  std::mutex mu_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread checkpointer_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Statement> get_placement_, get_host_, insert_placement_, add_reserved_, delete_placement_, begin_,
      commit_, rollback_;
};

}  // namespace

std::unique_ptr<StateStore> open_sqlite_store(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace fleetopt::service
