// Load on the decision service (issue 12): placement decisions per second
// and their latency, over HTTP on loopback, against a real ApiServer with
// the SQLite store (and PostgreSQL when --pg URI is given). Bounded: a fixed
// number of placements and a time limit. Each client thread keeps one
// connection (keep-alive) and sends its placements one after another, as a
// scheduler would; latency is measured per request at the client. Prints
// JSON.
//
//   build/bench/service/bench_serve_load [--clients 4] [--placements 20000] [--hosts 1000]
//                                        [--policy p2] [--pg postgresql://...]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/service/api_server.h"
#include "fleetopt/service/decision_service.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  int clients = 4;
  int placements = 20000;
  int hosts = 1000;
  double time_limit_s = 60;
  std::string policy = "p2";
  std::string pg;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p / 100 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

json run(const std::string& db, const Options& o) {
  using namespace fleetopt::service;
  ServiceConfig config;
  config.policy = o.policy;
  DecisionService svc(open_store(db), config);
  ApiOptions api_options;
  api_options.threads = o.clients + 2;
  ApiServer api(svc, api_options);
  const int port = api.bind("127.0.0.1", 0);
  std::thread server([&] { api.serve(); });
  for (int h = 0; h < o.hosts; ++h) svc.register_host(fmt::format("h{:04}", h), fleetopt::make_resources(64, 256));

  std::vector<std::vector<double>> latency(static_cast<std::size_t>(o.clients));
  std::atomic<int> errors{0}, placed{0};
  const auto deadline = Clock::now() + std::chrono::duration<double>(o.time_limit_s);
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < o.clients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      auto& lat = latency[static_cast<std::size_t>(c)];
      lat.reserve(static_cast<std::size_t>(o.placements / o.clients + 1));
      for (int i = c; i < o.placements && Clock::now() < deadline; i += o.clients) {
        const std::string body = fmt::format(R"({{"id":"vm-{}","requests":{{"cpu":{},"mem":{}}}}})", i, 0.5 + i % 4 * 0.5,
                                             1 + i % 8);
        const auto s = Clock::now();
        auto r = cli.Post("/v1/placements", body, "application/json");
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        if (r && r->status == 201) {
          ++placed;
        } else {
          ++errors;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  api.stop();
  server.join();
  std::vector<double> all;
  for (auto& l : latency) all.insert(all.end(), l.begin(), l.end());
  return {{"backend", svc.backend()},
          {"policy", o.policy},
          {"clients", o.clients},
          {"hosts", o.hosts},
          {"requests", all.size()},
          {"placed", placed.load()},
          {"errors", errors.load()},
          {"seconds", seconds},
          {"placements_per_s", static_cast<double>(all.size()) / seconds},
          {"p50_ms", percentile(all, 50)},
          {"p99_ms", percentile(all, 99)},
          {"max_ms", all.empty() ? 0 : *std::max_element(all.begin(), all.end())}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--clients") o.clients = std::max(1, std::atoi(v.c_str()));
    else if (k == "--placements") o.placements = std::max(1, std::atoi(v.c_str()));
    else if (k == "--hosts") o.hosts = std::max(1, std::atoi(v.c_str()));
    else if (k == "--policy") o.policy = v;
    else if (k == "--pg") o.pg = v;
    else if (k == "--time-limit") o.time_limit_s = std::atof(v.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  fleetopt::ScratchDir dir("bench_serve");
  json out = json::array();
  out.push_back(run("sqlite:" + dir.path("state.db"), o));
  if (!o.pg.empty()) out.push_back(run(o.pg, o));
  std::printf("%s\n", out.dump(1).c_str());
  return 0;
}
