#include "fleetopt/scaling/app_model.h"

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetopt/core/error.h"
#include "fleetopt/core/input_file.h"
#include "fleetopt/core/limits.h"

namespace fleetopt::scaling {
namespace {

using nlohmann::json;

// Limits of a plausible application (checked where read; docs/reliability.md).
constexpr int kMaxTiers = 16;
constexpr int kMaxClasses = 64;
constexpr int kMaxReplicasPerTier = 10'000;
constexpr int kMaxCores = 1024;
constexpr double kMaxDemandSeconds = 3600;
constexpr double kMaxVisits = 1000;

}  // namespace

double AppModel::mean_demand(int tier) const {
  double total_share = 0, demand = 0;
  for (const RequestClass& c : classes) total_share += c.share;
  for (const RequestClass& c : classes) {
    const auto t = static_cast<std::size_t>(tier);
    demand += c.share / total_share * c.visits[t] * c.demand_s[t];
  }
  return demand;
}

void AppModel::validate() const {
  if (tiers.empty()) throw InputError::field("tiers", "at least one tier is required");
  if (tiers.size() > kMaxTiers) throw InputError::field("tiers", fmt::format("at most {} tiers", kMaxTiers));
  std::set<std::string> names;
  int min_total = 0;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    const TierSpec& s = tiers[t];
    const std::string where = fmt::format("tiers[{}]", t);
    if (s.name.empty()) throw InputError::field(where + ".name", "empty");
    if (!names.insert(s.name).second) throw InputError::field(where + ".name", "duplicate tier '" + s.name + "'");
    limits::check_count(s.cores, 1, kMaxCores, where + ".cores");
    limits::check_count(s.min_replicas, 1, kMaxReplicasPerTier, where + ".min");
    limits::check_count(s.max_replicas, s.min_replicas, kMaxReplicasPerTier, where + ".max");
    limits::check_count(s.initial_replicas, s.min_replicas, s.max_replicas, where + ".initial");
    min_total += s.min_replicas;
  }
  limits::check_count(max_total_vms, min_total, static_cast<std::int64_t>(kMaxReplicasPerTier) * kMaxTiers,
                      "max_total_vms");
  if (classes.empty()) throw InputError::field("classes", "at least one request class is required");
  if (classes.size() > kMaxClasses) throw InputError::field("classes", fmt::format("at most {} classes", kMaxClasses));
  double total_share = 0;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const RequestClass& c = classes[k];
    const std::string where = fmt::format("classes[{}]", k);
    limits::check_range(c.share, 0, 1e6, where + ".share");
    total_share += c.share;
    if (c.demand_s.size() != tiers.size() || c.visits.size() != tiers.size()) {
      throw InputError::field(where, "needs a demand and a visit count for every tier");
    }
    double work = 0;
    for (std::size_t t = 0; t < tiers.size(); ++t) {
      limits::check_range(c.demand_s[t], 0, kMaxDemandSeconds, where + ".demand_ms." + tiers[t].name + " (seconds)");
      limits::check_range(c.visits[t], 0, kMaxVisits, where + ".visits." + tiers[t].name);
      work += c.demand_s[t] * c.visits[t];
    }
    if (!(work > 0)) throw InputError::field(where, "a request must need some service at some tier");
  }
  if (!(total_share > 0)) throw InputError::field("classes", "the shares sum to 0");
  limits::check_range(demand_cv, 0, 100, "demand_cv");
  limits::check_range(boot_delay_s, 0, 86'400, "boot_delay_s");
  limits::check_range(timeout_s, 1e-3, 86'400, "timeout_s");
  limits::check_range(think_time_s, 0, 86'400, "think_time_s");
}

AppModel default_app() {
  AppModel app;
  // RUBiS-like: the application tier does most of the work; the database
  // tier is the second bottleneck (the "report" class leans on it, which the
  // bottleneck-shift scenario uses).
  app.tiers = {{"web", 2, 1, 10, 1}, {"app", 2, 1, 20, 2}, {"db", 4, 1, 10, 1}};
  app.classes = {
      {"browse", 0.8, {0.004, 0.030, 0.010}, {1, 1, 1}},
      {"report", 0.2, {0.004, 0.020, 0.080}, {1, 1, 2}},
  };
  return app;
}

AppModel read_app_json(const std::string& path) {
  json doc = read_json_file(path);
  auto fail = [&](const std::string& field, const std::string& message) -> InputError {
    return InputError::field(path + ": " + field, message);
  };
  auto only = [&](const json& obj, const std::string& where, std::initializer_list<const char*> known) {
    if (!obj.is_object()) throw fail(where.empty() ? "(top level)" : where, "expected an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) throw fail(where.empty() ? it.key() : where + "." + it.key(), "unknown field");
    }
  };
  auto number = [&](const json& v, const std::string& field) {
    if (!v.is_number()) throw fail(field, "expected a number");
    double x = v.get<double>();
    if (!std::isfinite(x)) throw fail(field, "expected a finite number");
    return x;
  };
  auto integer = [&](const json& v, const std::string& field) {
    if (!v.is_number_integer()) throw fail(field, "expected an integer");
    long long x = v.get<long long>();
    if (x < -1'000'000'000LL || x > 1'000'000'000LL) throw fail(field, "out of range");
    return static_cast<int>(x);
  };
  only(doc, "", {"tiers", "classes", "distribution", "demand_cv", "boot_delay_s", "timeout_s", "max_total_vms",
                 "think_time_s"});
  AppModel app;
  if (!doc.contains("tiers") || !doc["tiers"].is_array()) throw fail("tiers", "missing or not an array");
  for (std::size_t t = 0; t < doc["tiers"].size(); ++t) {
    const json& j = doc["tiers"][t];
    const std::string where = fmt::format("tiers[{}]", t);
    only(j, where, {"name", "cores", "min", "max", "initial"});
    TierSpec s;
    if (!j.contains("name") || !j["name"].is_string()) throw fail(where + ".name", "missing or not a string");
    s.name = j["name"].get<std::string>();
    if (j.contains("cores")) s.cores = integer(j["cores"], where + ".cores");
    if (j.contains("min")) s.min_replicas = integer(j["min"], where + ".min");
    if (j.contains("max")) s.max_replicas = integer(j["max"], where + ".max");
    s.initial_replicas = j.contains("initial") ? integer(j["initial"], where + ".initial") : s.min_replicas;
    app.tiers.push_back(s);
  }
  auto tier_index = [&](const std::string& name, const std::string& field) {
    for (std::size_t t = 0; t < app.tiers.size(); ++t) {
      if (app.tiers[t].name == name) return t;
    }
    throw fail(field, fmt::format("unknown tier '{}'", name));
  };
  if (!doc.contains("classes") || !doc["classes"].is_array()) throw fail("classes", "missing or not an array");
  for (std::size_t k = 0; k < doc["classes"].size(); ++k) {
    const json& j = doc["classes"][k];
    const std::string where = fmt::format("classes[{}]", k);
    only(j, where, {"name", "share", "demand_ms", "visits"});
    RequestClass c;
    c.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : fmt::format("class{}", k);
    if (j.contains("share")) c.share = number(j["share"], where + ".share");
    c.demand_s.assign(app.tiers.size(), 0.0);
    c.visits.assign(app.tiers.size(), 1.0);
    if (!j.contains("demand_ms") || !j["demand_ms"].is_object()) {
      throw fail(where + ".demand_ms", "missing: an object {tier: milliseconds per visit}");
    }
    for (auto it = j["demand_ms"].begin(); it != j["demand_ms"].end(); ++it) {
      const std::string field = where + ".demand_ms." + it.key();
      double ms = number(it.value(), field);
      if (ms < 0) throw fail(field, fmt::format("negative demand {}", ms));
      c.demand_s[tier_index(it.key(), field)] = ms / 1000.0;
    }
    if (j.contains("visits")) {
      if (!j["visits"].is_object()) throw fail(where + ".visits", "expected an object {tier: visits}");
      for (auto it = j["visits"].begin(); it != j["visits"].end(); ++it) {
        const std::string field = where + ".visits." + it.key();
        double v = number(it.value(), field);
        if (v < 0) throw fail(field, fmt::format("negative visit count {}", v));
        c.visits[tier_index(it.key(), field)] = v;
      }
    }
    app.classes.push_back(c);
  }
  if (doc.contains("distribution")) {
    if (!doc["distribution"].is_string()) throw fail("distribution", "expected a string");
    const std::string d = doc["distribution"].get<std::string>();
    if (d == "exponential") {
      app.distribution = DemandDistribution::kExponential;
    } else if (d == "lognormal") {
      app.distribution = DemandDistribution::kLognormal;
    } else if (d == "deterministic") {
      app.distribution = DemandDistribution::kDeterministic;
    } else {
      throw fail("distribution", fmt::format("expected exponential, lognormal or deterministic, got '{}'", d));
    }
  }
  if (doc.contains("demand_cv")) app.demand_cv = number(doc["demand_cv"], "demand_cv");
  if (doc.contains("boot_delay_s")) app.boot_delay_s = number(doc["boot_delay_s"], "boot_delay_s");
  if (doc.contains("timeout_s")) app.timeout_s = number(doc["timeout_s"], "timeout_s");
  if (doc.contains("think_time_s")) app.think_time_s = number(doc["think_time_s"], "think_time_s");
  int sum_max = 0;
  for (const TierSpec& s : app.tiers) sum_max += s.max_replicas;
  app.max_total_vms = doc.contains("max_total_vms") ? integer(doc["max_total_vms"], "max_total_vms") : sum_max;
  try {
    app.validate();
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
  return app;
}

}  // namespace fleetopt::scaling
