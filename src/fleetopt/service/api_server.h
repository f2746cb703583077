// The HTTP/JSON API over a DecisionService (cpp-httplib): versioned /v1
// routes, the Kubernetes scheduler extender (/k8s), /metrics, /healthz,
// /readyz. docs/service.md documents it; docs/openapi.json describes every
// route (a test checks the two agree).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "fleetopt/service/decision_service.h"
#include "fleetopt/service/functions_service.h"

namespace fleetopt::service {

struct ApiOptions {
  std::string token;                       // bearer token; empty: no authentication
  std::size_t max_body_bytes = 1 << 20;    // larger bodies get 413
  int io_timeout_s = 10;                   // read/write timeout per request
  int threads = 16;                        // worker threads (keep-alive connections hold one each)
  bool log_requests = false;
};

class ApiServer {
 public:
  // functions: the serverless bandit behind /v1/functions (null: those
  // routes answer 404 saying how to enable them).
  ApiServer(DecisionService& service, ApiOptions options, FunctionsService* functions = nullptr);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds host:port (port 0: any free port); returns the bound port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns false if the socket failed.
  bool serve();
  // Stops accepting, lets requests in flight finish, makes serve() return.
  void stop();

  // Every route served, as "METHOD PATH" (PATH with {param}s), from the
  // table the server routes by: the OpenAPI check reads it.
  std::vector<std::string> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Bearer token comparison in time independent of where the strings differ.
bool token_matches(const std::string& expected, const std::string& presented);

}  // namespace fleetopt::service
