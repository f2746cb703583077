// `fleetopt serve`: the decision service (docs/service.md) over the same
// placement policies as `simulate` and `size`.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "commands.h"
#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/output_file.h"
#include "fleetopt/service/api_server.h"
#include "fleetopt/faas/instance.h"
#include "fleetopt/service/decision_service.h"
#include "fleetopt/service/functions_service.h"
#include "sim_options.h"

namespace fleetopt::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string db = "sqlite:fleetopt-state.db";
  std::string policy;
  std::string model;
  std::string overcommit = "cpu=1,mem=1";
  std::uint64_t seed = 1;
  std::string token_file;
  std::size_t max_body = 1 << 20;
  int threads = 16;
  int io_timeout = 10;
  std::string port_file;
  bool log_requests = false;
  std::string functions;  // bandit instance JSON
  std::string functions_algorithm = "fast";
  std::int64_t functions_horizon = 100000;
  double functions_reject = -1;  // reject cost; < 0: no reject node
};

std::pair<std::string, int> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) throw InputError::field("--listen", "expected HOST:PORT, got '" + text + "'");
  const std::string host = text.substr(0, colon), port_text = text.substr(colon + 1);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw InputError::field("--listen", "port must be 0..65535, got '" + port_text + "'");
  return {host, port};
}

std::string read_token(const std::string& path) {
  std::string token = read_text_file(path);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front()))) token.erase(0, 1);
  if (token.empty()) throw InputError::field("--token-file", path + " is empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    throw InputError::field("--token-file", path + ": the token must be one word");
  }
  return token;
}

void run_serve(const ServeArgs& args) {
  const auto [host, port] = parse_listen(args.listen);
  if (!args.port_file.empty()) check_output_file(args.port_file, "--port-file");
  service::ServiceConfig config;
  config.policy = !args.policy.empty() ? args.policy : !args.model.empty() ? "fireplace:" + args.model : "p2";
  config.seed = args.seed;
  SimOptions sim;
  sim.overcommit = args.overcommit;
  config.overcommit = sim.config().overcommit;
  service::ApiOptions api_options;
  if (!args.token_file.empty()) api_options.token = read_token(args.token_file);
  api_options.max_body_bytes = args.max_body;
  api_options.threads = args.threads;
  api_options.io_timeout_s = args.io_timeout;
  api_options.log_requests = args.log_requests;

  // SIGTERM / SIGINT: stop accepting, finish requests in flight, exit 0.
  // Blocked here so every server thread inherits the mask; one thread waits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  service::DecisionService svc(service::open_store(args.db), config);
  std::unique_ptr<service::FunctionsService> functions;
  if (!args.functions.empty()) {
    service::FunctionsConfig fc;
    fc.algorithm = args.functions_algorithm;
    fc.horizon = args.functions_horizon;
    fc.reject = args.functions_reject >= 0;
    fc.reject_cost = fc.reject ? args.functions_reject : 1.0;
    fc.seed = args.seed;
    functions = std::make_unique<service::FunctionsService>(faas::load_instance(args.functions), fc);
  }
  service::ApiServer api(svc, api_options, functions.get());
  const int bound = api.bind(host, port);
  if (bound < 0) throw ResourceError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", host, port));
  if (!args.port_file.empty()) write_file_atomically(args.port_file, fmt::format("{}\n", bound));
  fmt::print(stderr, "fleetopt serve: listening on http://{}:{} (policy {}, {} store, {})\n", host, bound, config.policy,
             svc.backend(), api_options.token.empty() ? "no token" : "bearer token");

  std::atomic<bool> done{false};
  std::thread waiter([&] {
    const timespec tick{0, 200'000'000};
    while (!done) {
      if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) {
        fmt::print(stderr, "fleetopt serve: stopping (requests in flight finish)\n");
        api.stop();
        return;
      }
    }
  });
  const bool ok = api.serve();
  done = true;
  waiter.join();
  if (!ok) throw ResourceError("the server socket failed");
  fmt::print(stderr, "fleetopt serve: stopped\n");
}

void add_serve_command(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "run the decision service: HTTP/JSON API and Kubernetes scheduler extender "
                                          "over the placement policies (docs/service.md)");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--db", args->db, "state store: sqlite:PATH or postgresql://USER@HOST:PORT/DB")->capture_default_str();
  cmd->add_option("--policy", args->policy, "placement policy spec (default: fireplace:MODEL with --model, else p2)");
  cmd->add_option("--model", args->model, "FirePlace model JSON (fleetopt train fireplace)");
  cmd->add_option("--overcommit", args->overcommit, "admission overcommit ratio per resource, e.g. cpu=4,mem=1")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "random seed of the policy's choices")->capture_default_str();
  cmd->add_option("--token-file", args->token_file, "file holding the bearer token clients must send");
  cmd->add_option("--max-body-bytes", args->max_body, "larger request bodies get 413")
      ->capture_default_str()->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30));
  cmd->add_option("--threads", args->threads, "worker threads (each keep-alive connection holds one)")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--io-timeout", args->io_timeout, "seconds a request may take to arrive or its answer to leave")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  cmd->add_option("--port-file", args->port_file, "write the bound port here (useful with port 0)");
  cmd->add_flag("--log-requests", args->log_requests, "one line per request on stderr");
  cmd->add_option("--functions", args->functions,
                  "serverless bandit instance JSON (nodes, classes, capacities) for /v1/functions");
  cmd->add_option("--functions-algorithm", args->functions_algorithm, "fast, base, greedy, epsilon or random")
      ->capture_default_str();
  cmd->add_option("--functions-horizon", args->functions_horizon, "T: the forced exploration fades over T decisions")
      ->capture_default_str()->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  cmd->add_option("--functions-reject", args->functions_reject, "enable a reject node with this cost")
      ->check(CLI::Range(0.0, 1e6));
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace

FLEETOPT_REGISTER_COMMAND(80, add_serve_command);

}  // namespace fleetopt::cli
