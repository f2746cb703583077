#include "fleetopt/service/api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "fleetopt/core/rng.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/faas/instance.h"

namespace fleetopt::service {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void start(ApiOptions options = {}, const std::string& policy = "first-fit") {
    ServiceConfig config;
    config.policy = policy;
    svc_ = std::make_unique<DecisionService>(open_store("sqlite:" + (dir_.dir() / "state.db").string()), config);
    api_ = std::make_unique<ApiServer>(*svc_, options);
    port_ = api_->bind("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { api_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    for (int i = 0; i < 100; ++i) {  // wait until it answers
      if (auto r = client_->Get("/healthz")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void TearDown() override {
    if (api_) api_->stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Result post(const std::string& path, const std::string& body) {
    return client_->Post(path.c_str(), body, "application/json");
  }
  static json body(const httplib::Result& r) { return json::parse(r->body); }

  ScratchDir dir_{"api"};
  std::unique_ptr<DecisionService> svc_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(ApiTest, HostsPlacementsAndIdempotency) {
  start();
  auto r = post("/v1/hosts", R"({"id": "h1", "capacity": {"cpu": 4, "mem": 16}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(post("/v1/hosts", R"({"id": "h1", "capacity": {"cpu": 8, "mem": 16}})")->status, 200);  // update
  r = post("/v1/placements", R"({"id": "vm-1", "requests": {"cpu": 6, "mem": 2}})");
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(body(r)["host"], "h1");
  r = post("/v1/placements", R"({"id": "vm-1", "requests": {"cpu": 6, "mem": 2}})");
  EXPECT_EQ(r->status, 200);  // the retry: same answer, no second reservation
  EXPECT_EQ(body(r)["host"], "h1");
  r = post("/v1/placements", R"({"id": "vm-2", "requests": {"cpu": 6, "mem": 2}})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("room"), std::string::npos);
  auto list = client_->Get("/v1/placements");
  ASSERT_EQ(body(list)["placements"].size(), 1U);
  auto hosts = client_->Get("/v1/hosts");
  EXPECT_DOUBLE_EQ(body(hosts)["hosts"][0]["reserved"]["cpu"].get<double>(), 6);
  EXPECT_EQ(client_->Delete("/v1/placements/vm-1")->status, 204);
  EXPECT_EQ(client_->Delete("/v1/placements/vm-1")->status, 404);
  EXPECT_EQ(post("/v1/hosts/h1/cordon", "")->status, 200);
  EXPECT_EQ(post("/v1/placements", R"({"id": "vm-3", "requests": {"cpu": 1, "mem": 1}})")->status, 409);
  EXPECT_EQ(post("/v1/hosts/zz/drain", "")->status, 404);
  EXPECT_EQ(client_->Delete("/v1/hosts/h1")->status, 204);
  EXPECT_EQ(client_->Get("/v1/hosts/h1/nothing")->status, 404);
}

TEST_F(ApiTest, BadRequestsNameTheField) {
  start();
  post("/v1/hosts", R"({"id": "h1", "capacity": {"cpu": 4, "mem": 16}})");
  struct Case {
    const char* body;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {R"({"id": "a", "requests": {"cpu": 1)", 400, ""},               // truncated JSON
      {R"([1, 2])", 400, ""},                                           // not an object
      {R"({"id": 5, "requests": {"cpu": 1}})", 400, "id"},              // wrong type
      {R"({"requests": {"cpu": 1}})", 400, "id"},                       // missing
      {R"({"id": "a/b", "requests": {"cpu": 1}})", 400, "id"},          // bad character
      {R"({"id": "a", "requests": {"cpu": -1}})", 400, "requests.cpu"}, // negative
      {R"({"id": "a", "requests": {"cpu": 1e300}})", 400, "requests.cpu"},  // huge
      {R"({"id": "a", "requests": {"cpu": "1"}})", 400, "requests.cpu"},    // string
      {R"({"id": "a", "requests": {"gpus": 1}})", 400, "requests.gpus"},    // unknown resource
      {R"({"id": "a", "requests": {"cpu": 0}})", 400, "requests"},          // nothing asked
      {R"({"id": "a", "requests": {"cpu": 1}, "x": 1})", 400, "x"},          // unknown field
      {R"({"id": "a", "requests": {"cpu": 1}, "host": "nope"})", 409, ""},   // unknown pinned host
  };
  for (const Case& c : cases) {
    auto r = post("/v1/placements", c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body;
    const json j = body(r);
    ASSERT_TRUE(j.contains("error")) << c.body;
    if (c.field[0] != '\0') {
      EXPECT_EQ(j["error"].value("field", ""), c.field) << c.body;
    }
  }
  // NaN cannot be written in JSON; a literal NaN is a parse error.
  EXPECT_EQ(post("/v1/placements", R"({"id": "a", "requests": {"cpu": NaN}})")->status, 400);
  EXPECT_EQ(post("/v1/hosts", R"({"id": "h2", "capacity": {"cpu": 4}})")->status, 400);  // mem missing
  EXPECT_EQ(post("/v1/usage", R"({"samples": [{"id": "ghost", "usage": {"cpu": 1}}]})")->status, 404);
  EXPECT_EQ(post("/v1/nothing", "{}")->status, 404);
  // The server is still up and consistent.
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  EXPECT_EQ(body(client_->Get("/v1/placements"))["placements"].size(), 0U);
}

TEST_F(ApiTest, BodyLimitAndToken) {
  ApiOptions o;
  o.token = "s3cret";
  o.max_body_bytes = 1024;
  start(o);
  EXPECT_EQ(client_->Get("/v1/hosts")->status, 401);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);  // probes need no token
  client_->set_bearer_token_auth("wrong");
  EXPECT_EQ(client_->Get("/v1/hosts")->status, 401);
  client_->set_bearer_token_auth("s3cret");
  EXPECT_EQ(client_->Get("/v1/hosts")->status, 200);
  const std::string big = R"({"id": "h1", "capacity": {"cpu": 4, "mem": 16}, "pad": ")" + std::string(4096, 'x') + "\"}";
  EXPECT_EQ(post("/v1/hosts", big)->status, 413);
  EXPECT_TRUE(token_matches("abc", "abc"));
  EXPECT_FALSE(token_matches("abc", "abd"));
  EXPECT_FALSE(token_matches("abc", "ab"));
  EXPECT_FALSE(token_matches("abc", ""));
}

TEST_F(ApiTest, MetricsAndKubernetesExtender) {
  start({}, "best-fit");
  post("/v1/hosts", R"({"id": "n1", "capacity": {"cpu": 4, "mem": 16}})");
  post("/v1/hosts", R"({"id": "n2", "capacity": {"cpu": 8, "mem": 32}})");
  post("/v1/placements", R"({"id": "x", "requests": {"cpu": 6, "mem": 8}, "host": "n2"})");
  const std::string args = R"({"pod": {"metadata": {"name": "p"}, "spec": {"containers": [
      {"resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}}]}},
      "nodes": {"items": [{"metadata": {"name": "n1"}}, {"metadata": {"name": "n2"}}, {"metadata": {"name": "n9"}}]}})";
  auto f = post("/k8s/filter", args);
  ASSERT_EQ(f->status, 200);
  const json fj = body(f);
  ASSERT_EQ(fj["nodes"]["items"].size(), 2U);  // n1 and n2 (6 + 1.5 <= 8)
  EXPECT_TRUE(fj["failedNodes"].contains("n9"));
  auto p = post("/k8s/prioritize", args);
  ASSERT_EQ(p->status, 200);
  const json pj = body(p);
  ASSERT_EQ(pj.size(), 3U);
  EXPECT_EQ(pj[1]["host"], "n2");
  EXPECT_EQ(pj[1]["score"], 10);  // best fit: n2 is left with the least room
  for (const json& h : pj) EXPECT_LE(h["score"].get<int>(), 10);
  auto byname = post("/k8s/filter", R"({"pod": {"spec": {"containers": []}}, "nodenames": ["n1", "n9"]})");
  EXPECT_EQ(body(byname)["nodenames"], json::array({"n1"}));
  const std::string m = client_->Get("/metrics")->body;
  EXPECT_NE(m.find("# TYPE fleetopt_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(m.find("fleetopt_http_requests_total{route=\"/k8s/filter\",method=\"POST\",status=\"200\"} 2"),
            std::string::npos) << m;
  EXPECT_NE(m.find("fleetopt_hosts 2"), std::string::npos);
  EXPECT_NE(m.find("fleetopt_placements 1"), std::string::npos);
}

TEST_F(ApiTest, RearrangePlansWithoutMoving) {
  start();
  for (int h = 0; h < 3; ++h) post("/v1/hosts", R"({"id": "h)" + std::to_string(h) + R"(", "capacity": {"cpu": 8, "mem": 32}})");
  for (int i = 0; i < 3; ++i) {
    post("/v1/placements", R"({"id": "v)" + std::to_string(i) + R"(", "requests": {"cpu": 2, "mem": 4}, "host": "h)" +
                               std::to_string(i) + "\"}");
  }
  auto r = post("/v1/rearrange", R"({"goal": "defrag"})");
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = body(r);
  EXPECT_EQ(j["applied"], false);
  EXPECT_EQ(j["hosts_after"], 1);
  EXPECT_EQ(post("/v1/rearrange", R"({"goal": "no-such"})")->status, 400);
  // Nothing moved.
  const json after = body(client_->Get("/v1/placements"));  // kept: a range-for over a temporary's member dangles
  for (const json& p : after["placements"]) {
    EXPECT_EQ(p["host"].get<std::string>().substr(1), p["id"].get<std::string>().substr(1));
  }
}

// The serverless bandit online: one class, a cheap and a dear node; from
// decide/feedback alone the learner sends most arrivals to the cheap node
// (uniform random would send half).
TEST(FunctionsApi, LearnsTheCheapNodeOnline) {
  ScratchDir dir("api_functions");
  ServiceConfig config;
  DecisionService svc(open_store("sqlite:" + dir.path("state.db")), config);
  faas::Instance instance = faas::instance_from_json(
      json::parse(R"({"nodes": 2, "classes": 1, "resources": 1, "arrival": [1], "cost": [[0.2, 0.8]],
                      "demand": [[[0.3], [0.3]]], "capacity": [[1], [1]]})"),
      "test");
  FunctionsConfig fc;
  fc.horizon = 3000;
  FunctionsService functions(std::move(instance), fc);
  ApiServer api(svc, {}, &functions);
  const int port = api.bind("127.0.0.1", 0);
  std::thread server([&] { api.serve(); });
  httplib::Client c("127.0.0.1", port);
  Rng rng(4);
  int cheap_late = 0;
  for (int t = 0; t < 3000; ++t) {
    auto d = c.Post("/v1/functions/decide", R"({"class": 0})", "application/json");
    ASSERT_TRUE(d && d->status == 200);
    const int node = json::parse(d->body)["node"].get<int>();
    if (t >= 2500 && node == 0) ++cheap_late;
    const double cost = rng.uniform() < (node == 0 ? 0.2 : 0.8) ? 1 : 0;
    json demand = json::array({json::array({rng.uniform() < 0.3 ? 1 : 0}), json::array({rng.uniform() < 0.3 ? 1 : 0})});
    auto f = c.Post("/v1/functions/feedback", json({{"class", 0}, {"node", node}, {"cost", cost}, {"demand", demand}}).dump(),
                    "application/json");
    ASSERT_TRUE(f && f->status == 200) << (f ? f->body : "");
  }
  EXPECT_GT(cheap_late, 400);  // > 80% of the last 500
  EXPECT_EQ(c.Post("/v1/functions/decide", R"({"class": 3})", "application/json")->status, 400);
  EXPECT_EQ(c.Post("/v1/functions/feedback", R"({"class": 0, "node": 0, "cost": 1, "demand": [[1]]})",
                   "application/json")->status, 400);  // one node's demand missing
  EXPECT_EQ(c.Post("/v1/functions/feedback", R"({"class": 0, "node": null, "cost": 1, "demand": [[1], [1]]})",
                   "application/json")->status, 400);  // rejected, but no reject node
  api.stop();
  server.join();
}

TEST_F(ApiTest, FunctionsRoutesSayHowToEnableThem) {
  start();
  auto r = post("/v1/functions/decide", R"({"class": 0})");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("--functions"), std::string::npos);
}

// docs/openapi.json describes exactly the routes the server serves.
TEST_F(ApiTest, OpenApiDocumentMatchesTheRoutes) {
  start();
  const char* root = std::getenv("FLEETOPT_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "run under ctest (it sets FLEETOPT_SOURCE_DIR)";
  std::ifstream in(std::string(root) + "/docs/openapi.json");
  ASSERT_TRUE(in) << "docs/openapi.json missing";
  const json doc = json::parse(in);
  std::set<std::string> documented;
  for (auto it = doc["paths"].begin(); it != doc["paths"].end(); ++it) {
    for (auto m = it.value().begin(); m != it.value().end(); ++m) {
      std::string method = m.key();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + it.key());
    }
  }
  std::set<std::string> served;
  for (const std::string& r : api_->routes()) served.insert(r);
  EXPECT_EQ(documented, served);
}

}  // namespace
}  // namespace fleetopt::service
