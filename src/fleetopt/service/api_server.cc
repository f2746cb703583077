#include "fleetopt/service/api_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"
#include "fleetopt/core/limits.h"
#include "fleetopt/service/k8s_extender.h"
#include "fleetopt/service/metrics.h"
#include "fleetopt/service/rearrange_live.h"

namespace fleetopt::service {

using nlohmann::json;

bool token_matches(const std::string& expected, const std::string& presented) {
  // Every byte of the longer string is looked at whatever the contents.
  const std::size_t n = std::max(expected.size(), presented.size());
  unsigned char diff = expected.size() == presented.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char a = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    const unsigned char b = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    diff = static_cast<unsigned char>(diff | (a ^ b));
  }
  return diff == 0;
}

namespace {

// A refused request: status, the field at fault ("" for the body or the
// path), and what is wrong.
struct HttpError : std::runtime_error {
  HttpError(int s, std::string f, const std::string& m) : std::runtime_error(m), status(s), field(std::move(f)) {}
  int status;
  std::string field;
};

HttpError bad(const std::string& field, const std::string& message) { return {400, field, message}; }

constexpr std::size_t kMaxIdLength = 253;

void check_id(const std::string& id, const std::string& field) {
  if (id.empty() || id.size() > kMaxIdLength) {
    throw bad(field, fmt::format("expected 1 to {} characters, got {}", kMaxIdLength, id.size()));
  }
  for (char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':';
    if (!ok) throw bad(field, "only letters, digits and . _ - : are allowed");
  }
}

std::string get_id(const json& body, const std::string& field) {
  if (!body.contains(field)) throw bad(field, "missing");
  if (!body[field].is_string()) throw bad(field, fmt::format("expected a string, got {}", body[field].type_name()));
  std::string id = body[field].get<std::string>();
  check_id(id, field);
  return id;
}

void only_fields(const json& obj, const std::string& where, std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) throw bad(where.empty() ? it.key() : where + "." + it.key(), "unknown field");
  }
}

// {"cpu": 2, "mem": 8, ...}: known dimensions, finite, >= 0, plausible.
Resources get_resources(const json& body, const std::string& field, DimMask required, bool allow_zero) {
  if (!body.contains(field)) throw bad(field, "missing");
  const json& obj = body[field];
  if (!obj.is_object()) throw bad(field, fmt::format("expected an object like {{\"cpu\": 2, \"mem\": 4}}, got {}",
                                                     obj.type_name()));
  Resources r;
  DimMask given = 0;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string name = field + "." + it.key();
    const auto d = dim_from_name(it.key());
    if (!d) throw bad(name, "unknown resource (cpu, mem, disk, net, gpu)");
    if (!it.value().is_number()) throw bad(name, fmt::format("expected a number, got {}", it.value().type_name()));
    const double x = it.value().get<double>();
    if (!std::isfinite(x)) throw bad(name, "expected a finite number");
    if (x < 0) throw bad(name, fmt::format("negative amount {}", x));
    if (x > limits::kMaxResourceAmount) throw bad(name, fmt::format("{} is over the plausible limit {}", x, limits::kMaxResourceAmount));
    r[*d] = x;
    given |= dim_bit(*d);
  }
  for (int d = 0; d < kMaxDims; ++d) {
    if (!has_dim(required, d)) continue;
    const std::string name = field + "." + std::string(kDimNames[static_cast<std::size_t>(d)]);
    if (!has_dim(given, d)) throw bad(name, "missing");
    if (!allow_zero && !(r[d] > 0)) throw bad(name, "must be positive");
  }
  return r;
}

json resources_json(const Resources& r, DimMask dims) {
  json j = json::object();
  for (int d = 0; d < kMaxDims; ++d) {
    if (has_dim(dims, d) || r[d] != 0) j[std::string(kDimNames[static_cast<std::size_t>(d)])] = r[d];
  }
  return j;
}

json parse_body(const httplib::Request& req) {
  if (req.body.empty()) throw bad("", "empty body; expected a JSON object");
  json j;
  try {
    j = json::parse(req.body);
  } catch (const json::parse_error& e) {
    throw bad("", fmt::format("invalid JSON at byte {}: {}", e.byte, e.what()));
  }
  if (!j.is_object()) throw bad("", fmt::format("expected a JSON object, got {}", j.type_name()));
  return j;
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

std::string error_kind(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 404: return "not_found";
    case 409: return "conflict";
    case 413: return "body_too_large";
    default: return status >= 500 ? "internal" : "other";
  }
}

}  // namespace

struct ApiServer::Impl {
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  struct Route {
    const char* method;
    const char* pattern;  // regex
    const char* path;     // OpenAPI form
    Handler handler;
  };

  DecisionService& svc;
  ApiOptions opt;
  FunctionsService* functions = nullptr;
  httplib::Server server;
  Metrics metrics;
  std::atomic<bool> stopping{false};
  std::vector<Route> table;

  Impl(DecisionService& s, ApiOptions o, FunctionsService* f) : svc(s), opt(std::move(o)), functions(f) {
    const int threads = std::max(1, opt.threads);
    server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    server.set_payload_max_length(opt.max_body_bytes);
    server.set_read_timeout(opt.io_timeout_s, 0);
    server.set_write_timeout(opt.io_timeout_s, 0);
    server.set_keep_alive_timeout(5);
    server.set_tcp_nodelay(true);  // small JSON answers: Nagle + delayed ACK would add ~40 ms
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (opt.token.empty() || req.path == "/healthz" || req.path == "/readyz") {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      const std::string auth = req.get_header_value("Authorization");
      const std::string prefix = "Bearer ";
      if (auth.rfind(prefix, 0) != 0 || !token_matches(opt.token, auth.substr(prefix.size()))) {
        res.set_header("WWW-Authenticate", "Bearer");
        send_json(res, 401, {{"error", {{"status", 401}, {"message", "missing or wrong bearer token"}}}});
        metrics.count_error("unauthorized");
        metrics.observe_request("(auth)", req.method, 401, 0);
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      // httplib's own refusals (404 no route, 413 body too large, 400 bad request line).
      if (!res.body.empty()) return;
      const std::string message = res.status == 404   ? "no such route: " + req.method + " " + req.path
                                  : res.status == 413 ? fmt::format("body over {} bytes", opt.max_body_bytes)
                                  : res.status == 400 ? "malformed HTTP request (e.g. a POST without Content-Length)"
                                                      : "refused";
      send_json(res, res.status, {{"error", {{"status", res.status}, {"message", message}}}});
      metrics.count_error(error_kind(res.status));
    });
    build_routes();
    for (const Route& r : table) {
      Handler wrapped = [this, &r](const httplib::Request& req, httplib::Response& res) { handle(r, req, res); };
      const std::string m = r.method;
      if (m == "GET") server.Get(r.pattern, wrapped);
      else if (m == "POST") server.Post(r.pattern, wrapped);
      else if (m == "DELETE") server.Delete(r.pattern, wrapped);
    }
  }

  void handle(const Route& r, const httplib::Request& req, httplib::Response& res) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      r.handler(req, res);
    } catch (const HttpError& e) {
      json err = {{"status", e.status}, {"message", e.what()}};
      if (!e.field.empty()) err["field"] = e.field;
      send_json(res, e.status, {{"error", err}});
      metrics.count_error(error_kind(e.status));
    } catch (const InputError& e) {
      send_json(res, 400, {{"error", {{"status", 400}, {"message", e.what()}}}});
      metrics.count_error("bad_request");
    } catch (const std::exception& e) {
      send_json(res, 500, {{"error", {{"status", 500}, {"message", std::string("internal error: ") + e.what()}}}});
      metrics.count_error("internal");
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    metrics.observe_request(r.path, r.method, res.status, s);
    if (opt.log_requests) fmt::print(stderr, "{} {} {} {:.3f} ms\n", req.method, req.path, res.status, s * 1e3);
  }

  json host_json(const HostView& h) const {
    const DimMask dims = svc.config().dims;
    json j = {{"id", h.record.id},
              {"state", host_state_name(h.record.state)},
              {"capacity", resources_json(h.record.capacity, dims)},
              {"reserved", resources_json(h.record.reserved, dims)},
              {"placements", h.placements}};
    j["usage"] = h.usage ? resources_json(*h.usage, dims) : json(nullptr);
    return j;
  }

  json placement_json(const PlacementRecord& p) const {
    return {{"id", p.id}, {"host", p.host}, {"requests", resources_json(p.requests, svc.config().dims)}};
  }

  static void host_change_error(const HostChange& c, const std::string& id) {
    if (c.outcome == HostChange::kUnknown) throw HttpError(404, "id", "unknown host " + id);
    if (c.outcome == HostChange::kBusy) throw HttpError(409, "", c.reason);
  }

  FunctionsService& need_functions() const {
    if (!functions) {
      throw HttpError(404, "", "serverless placement is not configured (start serve with --functions INSTANCE.json)");
    }
    return *functions;
  }

  static int get_index(const json& body, const std::string& field) {
    if (!body.contains(field)) throw bad(field, "missing");
    if (!body[field].is_number_integer()) throw bad(field, "expected an integer index");
    const auto v = body[field].get<std::int64_t>();
    if (v < 0 || v > 1'000'000) throw bad(field, fmt::format("{} is out of range", v));
    return static_cast<int>(v);
  }

  void set_state(const httplib::Request& req, httplib::Response& res, HostState state) {
    const std::string id = req.matches[1];
    check_id(id, "id");
    const HostChange c = svc.set_host_state(id, state);
    host_change_error(c, id);
    send_json(res, 200, {{"id", id}, {"state", host_state_name(state)}});
  }

  void build_routes() {
    table = {
        {"GET", "/healthz", "/healthz", [](const httplib::Request&, httplib::Response& res) {
           send_json(res, 200, {{"status", "ok"}});
         }},
        {"GET", "/readyz", "/readyz", [this](const httplib::Request&, httplib::Response& res) {
           if (stopping) {
             send_json(res, 503, {{"status", "stopping"}});
           } else {
             send_json(res, 200, {{"status", "ready"}, {"backend", svc.backend()}});
           }
         }},
        {"GET", "/metrics", "/metrics", [this](const httplib::Request&, httplib::Response& res) {
           const auto c = svc.counts();
           res.status = 200;
           res.set_content(metrics.render({c.hosts, c.placements, c.conflicts, svc.backend()}),
                           "text/plain; version=0.0.4; charset=utf-8");
         }},
        {"GET", "/v1/policy", "/v1/policy", [this](const httplib::Request&, httplib::Response& res) {
           const ServiceConfig& c = svc.config();
           json dims = json::array();
           for (int d = 0; d < kMaxDims; ++d) {
             if (has_dim(c.dims, d)) dims.push_back(std::string(kDimNames[static_cast<std::size_t>(d)]));
           }
           send_json(res, 200, {{"policy", c.policy}, {"seed", c.seed}, {"dims", dims},
                                {"overcommit", resources_json(c.overcommit, c.dims)}, {"backend", svc.backend()}});
         }},
        {"GET", "/v1/hosts", "/v1/hosts", [this](const httplib::Request&, httplib::Response& res) {
           json list = json::array();
           for (const HostView& h : svc.hosts()) list.push_back(host_json(h));
           send_json(res, 200, {{"hosts", list}});
         }},
        {"POST", "/v1/hosts", "/v1/hosts", [this](const httplib::Request& req, httplib::Response& res) {
           const json body = parse_body(req);
           only_fields(body, "", {"id", "capacity"});
           const std::string id = get_id(body, "id");
           const Resources cap = get_resources(body, "capacity", svc.config().dims, false);
           const HostChange c = svc.register_host(id, cap);
           host_change_error(c, id);
           send_json(res, c.outcome == HostChange::kCreated ? 201 : 200,
                     {{"id", id}, {"capacity", resources_json(cap, svc.config().dims)},
                      {"created", c.outcome == HostChange::kCreated}});
         }},
        {"DELETE", R"(/v1/hosts/([^/]+))", "/v1/hosts/{id}",
         [this](const httplib::Request& req, httplib::Response& res) {
           const std::string id = req.matches[1];
           check_id(id, "id");
           host_change_error(svc.remove_host(id), id);
           res.status = 204;
         }},
        {"POST", R"(/v1/hosts/([^/]+)/cordon)", "/v1/hosts/{id}/cordon",
         [this](const httplib::Request& req, httplib::Response& res) { set_state(req, res, HostState::kCordoned); }},
        {"POST", R"(/v1/hosts/([^/]+)/uncordon)", "/v1/hosts/{id}/uncordon",
         [this](const httplib::Request& req, httplib::Response& res) { set_state(req, res, HostState::kActive); }},
        {"POST", R"(/v1/hosts/([^/]+)/drain)", "/v1/hosts/{id}/drain",
         [this](const httplib::Request& req, httplib::Response& res) { set_state(req, res, HostState::kDraining); }},
        {"GET", "/v1/placements", "/v1/placements", [this](const httplib::Request&, httplib::Response& res) {
           json list = json::array();
           for (const PlacementRecord& p : svc.placements()) list.push_back(placement_json(p));
           send_json(res, 200, {{"placements", list}});
         }},
        {"POST", "/v1/placements", "/v1/placements", [this](const httplib::Request& req, httplib::Response& res) {
           const json body = parse_body(req);
           only_fields(body, "", {"id", "requests", "host"});
           const std::string id = get_id(body, "id");
           const Resources requests = get_resources(body, "requests", 0, true);
           bool any = false;
           for (int d = 0; d < kMaxDims; ++d) any = any || requests[d] > 0;
           if (!any) throw bad("requests", "at least one amount must be positive");
           const PlaceOutcome o = body.contains("host") ? svc.place_on(id, get_id(body, "host"), requests)
                                                        : svc.place(id, requests);
           const std::string policy = svc.config().policy;
           if (o.status == PlaceOutcome::kNoHost) {
             metrics.count_decision(policy, "no_host");
             throw HttpError(409, "", o.reason);
           }
           if (o.status == PlaceOutcome::kExisting && !(o.record.requests == requests)) {
             throw HttpError(409, "requests", fmt::format("placement {} exists with other requests", id));
           }
           metrics.count_decision(policy, o.status == PlaceOutcome::kPlaced ? "placed" : "existing");
           json j = placement_json(o.record);
           j["created"] = o.status == PlaceOutcome::kPlaced;
           send_json(res, o.status == PlaceOutcome::kPlaced ? 201 : 200, j);
         }},
        {"GET", R"(/v1/placements/([^/]+))", "/v1/placements/{id}",
         [this](const httplib::Request& req, httplib::Response& res) {
           const std::string id = req.matches[1];
           check_id(id, "id");
           for (const PlacementRecord& p : svc.placements()) {
             if (p.id == id) return send_json(res, 200, placement_json(p));
           }
           throw HttpError(404, "id", "unknown placement " + id);
         }},
        {"DELETE", R"(/v1/placements/([^/]+))", "/v1/placements/{id}",
         [this](const httplib::Request& req, httplib::Response& res) {
           const std::string id = req.matches[1];
           check_id(id, "id");
           if (!svc.release(id)) throw HttpError(404, "id", "unknown placement " + id);
           res.status = 204;
         }},
        {"POST", "/v1/usage", "/v1/usage", [this](const httplib::Request& req, httplib::Response& res) {
           const json body = parse_body(req);
           only_fields(body, "", {"samples"});
           if (!body.contains("samples") || !body["samples"].is_array()) throw bad("samples", "expected an array");
           std::vector<UsageSample> samples;
           for (std::size_t i = 0; i < body["samples"].size(); ++i) {
             const json& s = body["samples"][i];
             const std::string where = fmt::format("samples[{}]", i);
             if (!s.is_object()) throw bad(where, "expected an object {\"id\": ..., \"usage\": {...}}");
             only_fields(s, where, {"id", "usage"});
             UsageSample u;
             try {
               u.id = get_id(s, "id");
               u.usage = get_resources(s, "usage", 0, true);
             } catch (const HttpError& e) {
               throw bad(where + "." + e.field, e.what());
             }
             samples.push_back(std::move(u));
           }
           const UsageOutcome o = svc.report_usage(samples);
           if (!o.unknown.empty()) {
             throw HttpError(404, "samples", fmt::format("unknown placement(s): {} (the batch was not applied)",
                                                          fmt::join(o.unknown, ", ")));
           }
           send_json(res, 200, {{"step", o.step}, {"samples", samples.size()}});
         }},
        {"POST", "/v1/rearrange", "/v1/rearrange", [this](const httplib::Request& req, httplib::Response& res) {
           const json body = parse_body(req);
           only_fields(body, "", {"goal", "budget"});
           RearrangeQuery q;
           if (!body.contains("goal") || !body["goal"].is_string()) throw bad("goal", "expected a strategy spec string");
           q.goal = body["goal"].get<std::string>();
           if (body.contains("budget")) {
             const json& b = body["budget"];
             if (!b.is_object()) throw bad("budget", "expected {\"migrations\": N, \"cost\": X}");
             only_fields(b, "budget", {"migrations", "cost"});
             if (b.contains("migrations")) {
               if (!b["migrations"].is_number_integer() || b["migrations"].get<std::int64_t>() < 0) {
                 throw bad("budget.migrations", "expected a non-negative integer");
               }
               q.max_migrations = b["migrations"].get<std::int64_t>();
             }
             if (b.contains("cost")) {
               if (!b["cost"].is_number() || !std::isfinite(b["cost"].get<double>()) || b["cost"].get<double>() < 0) {
                 throw bad("budget.cost", "expected a non-negative finite number");
               }
               q.max_cost = b["cost"].get<double>();
             }
           }
           std::vector<HostView> hosts = svc.hosts();
           std::vector<PlacementRecord> placements = svc.placements();
           if (placements.empty()) throw HttpError(409, "", "nothing is placed: nothing to rearrange");
           send_json(res, 200, rearrange_live(hosts, placements, svc.config().dims, q));
         }},
        {"POST", "/v1/functions/decide", "/v1/functions/decide",
         [this](const httplib::Request& req, httplib::Response& res) {
           FunctionsService& f = need_functions();
           const json body = parse_body(req);
           only_fields(body, "", {"class"});
           const int cls = get_index(body, "class");
           const FunctionsService::Decision d = f.decide(cls);
           metrics.count_decision("functions:" + f.algorithm(), d.node < 0 ? "rejected" : "placed");
           send_json(res, 200, {{"slot", d.slot}, {"node", d.node < 0 ? json(nullptr) : json(d.node)},
                                {"rejected", d.node < 0}});
         }},
        {"POST", "/v1/functions/feedback", "/v1/functions/feedback",
         [this](const httplib::Request& req, httplib::Response& res) {
           FunctionsService& f = need_functions();
           const json body = parse_body(req);
           only_fields(body, "", {"class", "node", "cost", "demand"});
           const int cls = get_index(body, "class");
           if (!body.contains("node")) throw bad("node", "missing (null when the arrival was rejected)");
           const int node = body["node"].is_null() ? -1 : get_index(body, "node");
           if (!body.contains("cost") || !body["cost"].is_number()) throw bad("cost", "expected a number");
           const double cost = body["cost"].get<double>();
           if (!body.contains("demand") || !body["demand"].is_array() ||
               body["demand"].size() != static_cast<std::size_t>(f.nodes())) {
             throw bad("demand", fmt::format("expected {} arrays (one per node) of {} numbers", f.nodes(), f.resources()));
           }
           std::vector<double> demand;
           for (std::size_t j = 0; j < body["demand"].size(); ++j) {
             const json& row = body["demand"][j];
             if (!row.is_array() || row.size() != static_cast<std::size_t>(f.resources())) {
               throw bad(fmt::format("demand[{}]", j), fmt::format("expected {} numbers", f.resources()));
             }
             for (std::size_t k = 0; k < row.size(); ++k) {
               if (!row[k].is_number()) throw bad(fmt::format("demand[{}][{}]", j, k), "expected a number");
               demand.push_back(row[k].get<double>());
             }
           }
           f.feedback(cls, node, cost, demand);
           send_json(res, 200, {{"learned", true}});
         }},
        {"POST", "/k8s/filter", "/k8s/filter", [this](const httplib::Request& req, httplib::Response& res) {
           send_json(res, 200, k8s_filter(svc, parse_body(req)));
         }},
        {"POST", "/k8s/prioritize", "/k8s/prioritize", [this](const httplib::Request& req, httplib::Response& res) {
           send_json(res, 200, k8s_prioritize(svc, parse_body(req)));
         }},
    };
  }
};

ApiServer::ApiServer(DecisionService& service, ApiOptions options, FunctionsService* functions)
    : impl_(std::make_unique<Impl>(service, std::move(options), functions)) {}

ApiServer::~ApiServer() = default;

int ApiServer::bind(const std::string& host, int port) {
  if (port == 0) return impl_->server.bind_to_any_port(host);
  return impl_->server.bind_to_port(host, port) ? port : -1;
}

bool ApiServer::serve() { return impl_->server.listen_after_bind(); }

void ApiServer::stop() {
  impl_->stopping = true;
  impl_->server.stop();
}

std::vector<std::string> ApiServer::routes() const {
  std::vector<std::string> out;
  for (const Impl::Route& r : impl_->table) out.push_back(std::string(r.method) + " " + r.path);
  return out;
}

}  // namespace fleetopt::service
