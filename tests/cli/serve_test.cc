// End-to-end tests of `fleetopt serve`: a real server process spoken to
// over HTTP on loopback, killed with SIGKILL mid-load and restarted, with
// SQLite and with two replicas on a throw-away PostgreSQL. Load is bounded
// in count and time.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/service/postgres_fixture.h"
#include "fleetopt/service/replay.h"
#include "fleetopt/service/state_store.h"
#include "fleetopt/service/test_workload.h"
#include "fleetopt/sim/simulator.h"

namespace fleetopt::service {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One `fleetopt serve` process on 127.0.0.1 and a free port.
class ServeProcess {
 public:
  ServeProcess(const ScratchDir& dir, const std::string& name, std::vector<std::string> args)
      : port_file_(dir.path(name + ".port")), log_(dir.path(name + ".log")) {
    std::filesystem::remove(port_file_);
    args.insert(args.begin(), {FLEETOPT_BIN, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file_});
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      std::ifstream in(port_file_);
      if (in >> port_ && port_ > 0) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "serve did not start: " << log();
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  // Sends sig and waits; the exit code, or 128 + signal.
  int stop(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string port_file_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

json get(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get(path.c_str());
  if (!r || r->status != 200) {
    ADD_FAILURE() << "GET " << path << " failed";
    return json::object();
  }
  return json::parse(r->body);
}

void add_hosts(int port, int n, double cpu, double mem) {
  httplib::Client c("127.0.0.1", port);
  for (int h = 0; h < n; ++h) {
    auto r = c.Post("/v1/hosts", json({{"id", fmt::format("h{:02}", h)}, {"capacity", {{"cpu", cpu}, {"mem", mem}}}}).dump(),
                    "application/json");
    ASSERT_TRUE(r && (r->status == 201 || r->status == 200));
  }
}

// What the clients were told.
struct Answers {
  std::mutex mu;
  std::map<std::string, std::string> placed;  // id -> host (2xx)
  std::set<std::string> refused;              // 409: no room
  std::atomic<int> count{0};
};

// `threads` clients, each sending up to `per_thread` placements to the
// ports in turn, until `stop` is set or `deadline` passes.
void load(const std::vector<int>& ports, int threads, int per_thread, Answers& answers, std::atomic<bool>& stop,
          Clock::time_point deadline) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", ports[static_cast<std::size_t>(t) % ports.size()]);
      c.set_connection_timeout(1, 0);
      c.set_read_timeout(5, 0);
      for (int i = 0; i < per_thread && !stop && Clock::now() < deadline; ++i) {
        const std::string id = fmt::format("t{}-{}", t, i);
        const double cpu = 0.5 + (i * 7 + t * 3) % 4 * 0.5, mem = 1 + (i * 5 + t) % 4;
        auto r = c.Post("/v1/placements", json({{"id", id}, {"requests", {{"cpu", cpu}, {"mem", mem}}}}).dump(),
                        "application/json");
        if (!r) break;  // the server went away
        std::lock_guard lock(answers.mu);
        if (r->status == 201 || r->status == 200) {
          answers.placed[id] = json::parse(r->body)["host"].get<std::string>();
        } else if (r->status == 409) {
          answers.refused.insert(id);
        } else {
          ADD_FAILURE() << "status " << r->status << ": " << r->body;
        }
        ++answers.count;
      }
    });
  }
  for (auto& th : pool) th.join();
}

// Every answered placement is there exactly once on its host, no refused
// one is, and no host holds more than its capacity.
void check_state(int port, const Answers& answers, double cpu_cap, double mem_cap) {
  const json placements = get(port, "/v1/placements")["placements"];
  std::map<std::string, int> seen;
  std::map<std::string, std::pair<double, double>> per_host;
  for (const json& p : placements) {
    const std::string id = p["id"];
    ++seen[id];
    per_host[p["host"]].first += p["requests"]["cpu"].get<double>();
    per_host[p["host"]].second += p["requests"]["mem"].get<double>();
  }
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  for (const auto& [id, host] : answers.placed) {
    ASSERT_EQ(seen.count(id), 1U) << "answered placement " << id << " lost";
    bool same_host = false;
    for (const json& p : placements) same_host = same_host || (p["id"] == id && p["host"] == host);
    EXPECT_TRUE(same_host) << id;
  }
  for (const std::string& id : answers.refused) EXPECT_EQ(seen.count(id), 0U) << id;
  for (const auto& [host, use] : per_host) {
    EXPECT_LE(use.first, cpu_cap + 1e-9) << host;
    EXPECT_LE(use.second, mem_cap + 1e-9) << host;
  }
  const json hosts = get(port, "/v1/hosts");  // kept: a range-for over a temporary's member dangles
  for (const json& h : hosts["hosts"]) {
    EXPECT_NEAR(h["reserved"]["cpu"].get<double>(), per_host[h["id"]].first, 1e-6) << h.dump();
    EXPECT_LE(h["reserved"]["cpu"].get<double>(), h["capacity"]["cpu"].get<double>() + 1e-9);
  }
}

TEST(Serve, SqliteSurvivesSigkillMidLoad) {
  ScratchDir dir("serve_kill");
  const std::vector<std::string> args = {"--db", "sqlite:" + dir.path("state.db"), "--policy", "p2"};
  Answers answers;
  {
    ServeProcess serve(dir, "a", args);
    ASSERT_GT(serve.port(), 0);
    add_hosts(serve.port(), 20, 16, 64);
    std::atomic<bool> stop{false};
    std::thread killer([&] {
      const auto until = Clock::now() + std::chrono::seconds(10);
      while (answers.count < 600 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      EXPECT_EQ(serve.stop(SIGKILL), 128 + SIGKILL);
    });
    load({serve.port()}, 4, 400, answers, stop, Clock::now() + std::chrono::seconds(20));
    killer.join();
  }
  ASSERT_GT(answers.placed.size(), 100U);
  ServeProcess again(dir, "b", args);
  ASSERT_GT(again.port(), 0);
  check_state(again.port(), answers, 16, 64);
  // A retry after the crash gets the committed answer, not a second reservation.
  const auto& [id, host] = *answers.placed.begin();
  httplib::Client c("127.0.0.1", again.port());
  auto r = c.Get(("/v1/placements/" + id).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["host"], host);
}

TEST(Serve, SigtermFinishesInFlightAndExitsZero) {
  ScratchDir dir("serve_term");
  const std::vector<std::string> args = {"--db", "sqlite:" + dir.path("state.db"), "--policy", "first-fit"};
  Answers answers;
  ServeProcess serve(dir, "a", args);
  ASSERT_GT(serve.port(), 0);
  add_hosts(serve.port(), 10, 16, 64);
  std::atomic<bool> stop{false};
  int code = -1;
  std::thread stopper([&] {
    while (answers.count < 200) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    code = serve.stop(SIGTERM);
  });
  load({serve.port()}, 3, 300, answers, stop, Clock::now() + std::chrono::seconds(20));
  stopper.join();
  EXPECT_EQ(code, 0) << serve.log();
  EXPECT_NE(serve.log().find("stopped"), std::string::npos);
  ServeProcess again(dir, "b", args);
  check_state(again.port(), answers, 16, 64);
}

TEST(Serve, ReplayThroughHttpDecidesAsSimulate) {
  const Workload w = test_workload(3);
  for (const std::string policy : {"p2", "best-fit"}) {
    SimConfig config;
    config.hosts = 12;
    config.host_capacity = make_resources(16, 64);
    config.seed = 9;
    std::vector<std::int32_t> assignment;
    config.assignment = &assignment;
    auto placer = make_placer(policy);
    simulate(w, *placer, config);

    ScratchDir dir("serve_replay");
    ServeProcess serve(dir, "a", {"--db", "sqlite:" + dir.path("state.db"), "--policy", policy, "--seed", "9"});
    ASSERT_GT(serve.port(), 0);
    add_hosts(serve.port(), 12, 16, 64);
    httplib::Client c("127.0.0.1", serve.port());
    ReplayClient client;
    client.place = [&](const std::string& id, const Resources& r) -> std::string {
      auto res = c.Post("/v1/placements", json({{"id", id}, {"requests", {{"cpu", r[kCpu]}, {"mem", r[kMem]}}}}).dump(),
                        "application/json");
      if (!res || res->status == 409) return "";
      return json::parse(res->body)["host"].get<std::string>();
    };
    client.release = [&](const std::string& id) { EXPECT_EQ(c.Delete(("/v1/placements/" + id).c_str())->status, 204); };
    client.report_usage = [&](const std::vector<UsageSample>& samples) {
      json batch = json::array();
      for (const UsageSample& s : samples) {
        // nlohmann::json writes doubles so that they read back exactly.
        batch.push_back({{"id", s.id}, {"usage", {{"cpu", s.usage[kCpu]}, {"mem", s.usage[kMem]}}}});
      }
      EXPECT_EQ(c.Post("/v1/usage", json({{"samples", batch}}).dump(), "application/json")->status, 200);
    };
    const std::vector<std::string> hosts = replay_workload(w, client);
    int differ = 0, placed = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string want = assignment[i] == kNoHost ? "" : fmt::format("h{:02}", assignment[i]);
      differ += hosts[i] != want ? 1 : 0;
      placed += want.empty() ? 0 : 1;
    }
    EXPECT_EQ(differ, 0) << policy;
    EXPECT_GT(placed, 0) << policy;
  }
}

class ServePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!PostgresFixture::available(&why)) GTEST_SKIP() << "PostgreSQL is not installed here: " << why;
    pg_ = std::make_unique<PostgresFixture>();
  }
  std::unique_ptr<PostgresFixture> pg_;
};

// Two replicas on one database under concurrent placements: no host ever
// holds more than its capacity (read from the database after the run).
TEST_F(ServePostgres, TwoReplicasNeverOvercommit) {
  ScratchDir dir("serve_pg");
  const std::vector<std::string> args = {"--db", pg_->uri(), "--policy", "p2"};
  ServeProcess a(dir, "a", args), b(dir, "b", args);
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  add_hosts(a.port(), 6, 8, 32);  // small hosts: the replicas compete for the last room
  Answers answers;
  std::atomic<bool> stop{false};
  load({a.port(), b.port()}, 6, 150, answers, stop, Clock::now() + std::chrono::seconds(30));
  EXPECT_GT(answers.refused.size(), 0U);  // the fleet filled up
  auto store = open_store(pg_->uri());
  std::map<std::string, double> cpu;
  for (const PlacementRecord& p : store->placements()) cpu[p.host] += p.requests[kCpu];
  for (const HostRecord& h : store->hosts()) {
    EXPECT_LE(h.reserved[kCpu], h.capacity[kCpu] + 1e-9) << h.id;
    EXPECT_NEAR(h.reserved[kCpu], cpu[h.id], 1e-6) << h.id;
  }
  EXPECT_EQ(store->placements().size(), answers.placed.size());
  check_state(b.port(), answers, 8, 32);
}

TEST_F(ServePostgres, ReplicaSurvivesSigkillMidLoad) {
  ScratchDir dir("serve_pg_kill");
  const std::vector<std::string> args = {"--db", pg_->uri(), "--policy", "p2"};
  Answers answers;
  auto a = std::make_unique<ServeProcess>(dir, "a", args);
  ServeProcess b(dir, "b", args);
  ASSERT_GT(a->port(), 0);
  add_hosts(a->port(), 20, 16, 64);
  std::atomic<bool> stop{false};
  std::thread killer([&] {
    const auto until = Clock::now() + std::chrono::seconds(15);
    while (answers.count < 300 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(a->stop(SIGKILL), 128 + SIGKILL);
  });
  load({a->port(), b.port()}, 4, 200, answers, stop, Clock::now() + std::chrono::seconds(30));
  killer.join();
  ServeProcess again(dir, "c", args);
  ASSERT_GT(again.port(), 0);
  check_state(again.port(), answers, 16, 64);
  check_state(b.port(), answers, 16, 64);
}

}  // namespace
}  // namespace fleetopt::service
