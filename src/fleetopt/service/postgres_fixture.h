// A throw-away PostgreSQL server for tests (header-only; needs no libpq):
// initdb into a scratch folder, pg_ctl start on 127.0.0.1 and a free port,
// one database "fleetopt" owned by the superuser "fleetopt" (trust auth),
// pg_ctl stop -m fast when the object goes.
//
//   std::string why;
//   if (!PostgresFixture::available(&why)) GTEST_SKIP() << why;
//   PostgresFixture pg;                  // throws std::runtime_error with the server log
//   auto store = open_postgres_store(pg.uri());
//   std::string other = pg.create_database("replica_test");  // another empty database
//
// A crashed test leaves no server behind: a detached watchdog stops it once
// the test process is gone.
// PostgreSQL refuses to run as root: under uid 0 the server tools run as the
// `postgres` user (runuser), and the scratch folder is handed to it.
// The server tools are looked up in $FLEETOPT_PG_BINDIR, then
// /usr/lib/postgresql/<newest>/bin (Debian), then PATH.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fleetopt/core/scratch_dir.h"

namespace fleetopt::service {

class PostgresFixture {
 public:
  // True when initdb, pg_ctl and createdb are found and (as root) the
  // `postgres` user exists; else false with the reason in *why.
  static bool available(std::string* why = nullptr) {
    std::string reason;
    const bool ok = find_tools(reason).has_value() && runnable(reason);
    if (why) *why = ok ? "" : reason;
    return ok;
  }

  PostgresFixture() : scratch_("pg") {
    std::string reason;
    const auto bin = find_tools(reason);
    if (!bin || !runnable(reason)) throw std::runtime_error("PostgreSQL not available: " + reason);
    bin_ = *bin;
    data_ = scratch_.path("data");
    sock_ = scratch_.path("sock");
    log_ = scratch_.path("server.log");
    std::filesystem::create_directories(sock_);
    hand_over(scratch_.dir());

    const std::string initdb_log = scratch_.path("initdb.log");
    if (run(tool("initdb") + " -D " + quote(data_) + " -A trust -U fleetopt -E UTF8 --no-locale --no-sync", initdb_log) != 0)
      throw std::runtime_error("initdb failed: " + tail(initdb_log));

    std::string last_error;
    for (int attempt = 0; attempt < 5 && !started_; ++attempt) {
      port_ = free_port();
      const std::string options = "-p " + std::to_string(port_) + " -k " + sock_ +
                                  " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                                  " -c shared_buffers=16MB -c max_connections=40 -c max_wal_size=256MB";
      const std::string ctl_log = scratch_.path("pg_ctl.log");
      if (run(tool("pg_ctl") + " -D " + quote(data_) + " -l " + quote(log_) + " -o " + quote(options) +
              " -w -t 60 start",
          ctl_log) == 0) {
        started_ = true;
      } else {
        last_error = tail(ctl_log) + "\n" + tail(log_);  // a port taken since we looked: try another
      }
    }
    if (!started_) throw std::runtime_error("pg_ctl start failed: " + last_error);
    start_watchdog();
    create_database("fleetopt");
  }

  ~PostgresFixture() {
    if (started_) tool_quiet(tool("pg_ctl") + " -D " + quote(data_) + " -m fast -w -t 30 stop");
  }

  PostgresFixture(const PostgresFixture&) = delete;
  PostgresFixture& operator=(const PostgresFixture&) = delete;

  // The database "fleetopt" as a libpq URI.
  std::string uri() const { return uri_for("fleetopt"); }
  std::string uri_for(const std::string& database) const {
    return "postgresql://fleetopt@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return scratch_.dir(); }

  // Creates an empty database (name: letters, digits, '_') and returns its URI.
  std::string create_database(const std::string& name) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }))
      throw std::invalid_argument("create_database: bad name '" + name + "'");
    const std::string log = scratch_.path("createdb.log");
    if (run(tool("createdb") + " -h 127.0.0.1 -p " + std::to_string(port_) + " -U fleetopt " + name, log) != 0)
      throw std::runtime_error("createdb " + name + " failed: " + tail(log));
    return uri_for(name);
  }

  // Stops the server (fast shutdown) without removing its files, and starts
  // it again on the same port: for tests of reconnecting clients.
  void restart() {
    const std::string log = scratch_.path("pg_ctl.log");
    if (run(tool("pg_ctl") + " -D " + quote(data_) + " -l " + quote(log_) + " -m fast -w -t 60 restart", log) != 0)
      throw std::runtime_error("pg_ctl restart failed: " + tail(log) + "\n" + tail(log_));
  }

 private:
  static bool as_root() { return geteuid() == 0; }

  static bool runnable(std::string& reason) {
    if (!as_root()) return true;
    if (getpwnam("postgres") == nullptr) {
      reason = "running as root and there is no 'postgres' user to run the server as";
      return false;
    }
    if (!std::filesystem::exists("/usr/sbin/runuser") && !std::filesystem::exists("/sbin/runuser") &&
        !std::filesystem::exists("/usr/bin/runuser")) {
      reason = "running as root and runuser(1) is not installed";
      return false;
    }
    return true;
  }

  static bool has_tools(const std::filesystem::path& dir) {
    for (const char* t : {"initdb", "pg_ctl", "createdb", "postgres"})
      if (access((dir / t).c_str(), X_OK) != 0) return false;
    return true;
  }

  static std::optional<std::filesystem::path> find_tools(std::string& reason) {
    if (const char* env = std::getenv("FLEETOPT_PG_BINDIR"); env && *env) {
      if (has_tools(env)) return std::filesystem::path(env);
      reason = std::string("FLEETOPT_PG_BINDIR=") + env + " lacks initdb/pg_ctl/createdb/postgres";
      return std::nullopt;
    }
    std::error_code ec;
    std::vector<std::pair<int, std::filesystem::path>> found;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const auto bin = e.path() / "bin";
      if (!has_tools(bin)) continue;
      int version = 0;
      try {
        version = std::stoi(e.path().filename().string());
      } catch (const std::exception&) {
      }
      found.emplace_back(version, bin);
    }
    if (!found.empty()) return std::max_element(found.begin(), found.end())->second;
    if (const char* path = std::getenv("PATH")) {
      std::stringstream ss(path);
      for (std::string dir; std::getline(ss, dir, ':');)
        if (!dir.empty() && has_tools(dir)) return std::filesystem::path(dir);
    }
    reason = "PostgreSQL server tools (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or PATH "
             "(scripts/install-deps.sh installs them; or set FLEETOPT_PG_BINDIR)";
    return std::nullopt;
  }

  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'')
        out += "'\\''";
      else
        out += c;
    }
    return out + "'";
  }

  // The command line for a server tool, run as `postgres` when we are root.
  std::string tool(const std::string& name) const {
    // From the scratch folder: the tools fail when they cannot read the
    // working directory (as `postgres`, the caller's often is out of reach).
    const std::string path = quote((bin_ / name).string());
    return "cd " + quote(scratch_.dir().string()) + " && " + (as_root() ? "runuser -u postgres -- " + path : path);
  }

  // Runs cmd with stdout and stderr into log; the exit status.
  static int run(const std::string& cmd, const std::string& log) {
    const int rc = std::system((cmd + " >" + quote(log) + " 2>&1 </dev/null").c_str());
    return rc == -1 ? -1 : (WIFEXITED(rc) ? WEXITSTATUS(rc) : 128);
  }
  static void tool_quiet(const std::string& cmd) {
    [[maybe_unused]] const int rc = std::system((cmd + " >/dev/null 2>&1 </dev/null").c_str());
  }

  static std::string tail(const std::string& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.size() > 2000) s = "..." + s.substr(s.size() - 2000);
    return s;
  }

  // Should this process die without running the destructor (a crash, a
  // test timeout's SIGKILL), a detached shell stops the server and removes
  // the folder once it is gone; after a normal exit it finds nothing to do.
  void start_watchdog() const {
    const std::string stop = tool("pg_ctl") + " -D " + quote(data_) + " -m immediate -w -t 30 stop";
    const std::string script = "while kill -0 " + std::to_string(getpid()) + " 2>/dev/null; do sleep 1; done; " +
                               "if [ -d " + quote(data_) + " ]; then " + stop + "; rm -rf " +
                               quote(scratch_.dir().string()) + "; fi";
    [[maybe_unused]] const int rc =
        std::system(("setsid sh -c " + quote(script) + " >/dev/null 2>&1 </dev/null &").c_str());
  }

  // Under root: the scratch folder (and everything in it) to `postgres`.
  static void hand_over(const std::filesystem::path& dir) {
    if (!as_root()) return;
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("no postgres user");
    auto own = [&](const std::filesystem::path& p) {
      if (chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("chown " + p.string() + " to postgres failed");
    };
    own(dir);
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) own(e.path());
    // The server must reach its folder: every parent needs search permission.
    for (auto p = dir.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
      struct stat st {};
      if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0)
        throw std::runtime_error("the postgres user cannot enter " + p.string() +
                                 " (set TMPDIR to a folder it can reach, e.g. /tmp)");
    }
  }

  // A port nobody listens on right now (the kernel's pick for port 0).
  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close(fd);
      throw std::runtime_error("cannot bind a loopback port");
    }
    close(fd);
    return ntohs(addr.sin_port);
  }

  ScratchDir scratch_;  // first: removed after the server has stopped
  std::filesystem::path bin_;
  std::string data_, sock_, log_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace fleetopt::service
