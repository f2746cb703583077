#include "fleetopt/reclaim/reclaim_run.h"

#include <chrono>

#include <fmt/format.h>

namespace fleetopt::reclaim {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

ReclaimProblem make_problem(const HostSet& hosts, const Forecasts& forecasts, double train_fraction,
                            std::uint64_t seed) {
  ReclaimProblem p{hosts, forecasts, {}, seed};
  for (const HostSeries& h : hosts.hosts) p.train_end.push_back(train_end(h.steps(), train_fraction));
  return p;
}

StrategyResult evaluate(MarginStrategy& strategy, const ReclaimProblem& problem, bool fit, bool keep_margins) {
  StrategyResult out;
  out.strategy = strategy.name();
  auto t0 = std::chrono::steady_clock::now();
  if (fit) strategy.fit(problem);
  out.fit_seconds = seconds_since(t0);
  out.params = strategy.summary();
  t0 = std::chrono::steady_clock::now();
  const std::size_t n = problem.hosts.hosts.size();
  out.hosts.resize(n);
  if (keep_margins) out.margins.resize(n);
  HostMargins scratch;
  double choose_time = 0;
  for (std::size_t h = 0; h < n; ++h) {
    const HostSeries& host = problem.hosts.hosts[h];
    const std::size_t begin = problem.train_end[h], end = host.steps();
    HostMargins& hm = keep_margins ? out.margins[h] : scratch;
    hm.begin = begin;
    const std::size_t len = end > begin ? end - begin : 0;
    for (auto& m : hm.margin) m.assign(len, 0.0f);
    hm.violated.assign(len, 0);
    if (len == 0) continue;
    const auto c0 = std::chrono::steady_clock::now();
    strategy.choose(MarginContext{problem, h, begin, end},
                    {std::span<float>(hm.margin[0]), std::span<float>(hm.margin[1])});
    choose_time += seconds_since(c0);
    out.hosts[h] = account_host(host, {problem.forecasts.values[h][0].data(), problem.forecasts.values[h][1].data()},
                                {hm.margin[0].data(), hm.margin[1].data()}, begin, end, problem.hosts.step_seconds,
                                hm.violated.data());
    out.total.add(out.hosts[h]);
  }
  out.choose_seconds = choose_time;
  (void)t0;
  return out;
}

namespace {

nlohmann::json account_json(const HostAccount& a, double step_seconds) {
  nlohmann::json j = {{"savings_usd", a.savings_usd},
                      {"penalties_usd", a.penalties_usd},
                      {"net_usd", a.net_usd()},
                      {"violation_minutes", a.violation_minutes},
                      {"containers_sold", static_cast<double>(a.container_steps) * step_seconds / 3600.0},
                      {"steps", a.steps}};
  nlohmann::json mean = nlohmann::json::object(), per = nlohmann::json::object();
  for (int r = 0; r < kResources; ++r) {
    const ResourceAccount& ra = a.res[static_cast<std::size_t>(r)];
    mean[kResName[r]] = a.steps > 0 ? ra.margin_sum / static_cast<double>(a.steps) : 0.0;
    per[kResName[r]] = {{"savings_usd", ra.savings_usd},
                        {"penalties_usd", ra.penalties_usd},
                        {"net_usd", ra.savings_usd - ra.penalties_usd},
                        {"violation_minutes", ra.violation_minutes}};
  }
  j["mean_margin"] = mean;
  j["per_resource"] = per;
  return j;
}

}  // namespace

nlohmann::json to_json(const StrategyResult& r, const ReclaimProblem& problem, bool per_host) {
  nlohmann::json j = account_json(r.total, problem.hosts.step_seconds);
  j["strategy"] = r.strategy;
  j["fit_seconds"] = r.fit_seconds;
  j["choose_seconds"] = r.choose_seconds;
  if (!r.params.is_null()) j["params"] = r.params;
  if (per_host) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t h = 0; h < r.hosts.size(); ++h) {
      nlohmann::json row = account_json(r.hosts[h], problem.hosts.step_seconds);
      row["host"] = problem.hosts.hosts[h].id;
      rows.push_back(row);
    }
    j["hosts"] = rows;
  }
  return j;
}

std::string margins_csv(const std::vector<StrategyResult>& results, const ReclaimProblem& problem) {
  std::string out = "strategy,host,resource,step,margin,error,violated\n";
  for (const StrategyResult& r : results) {
    for (std::size_t h = 0; h < r.margins.size(); ++h) {
      const HostMargins& hm = r.margins[h];
      for (int res = 0; res < kResources; ++res) {
        const auto& m = hm.margin[static_cast<std::size_t>(res)];
        for (std::size_t k = 0; k < m.size(); ++k) {
          out += fmt::format("{},{},{},{},{:.4f},{:.4f},{}\n", r.strategy, problem.hosts.hosts[h].id, kResName[res],
                             hm.begin + k, m[k], problem.error(h, res, hm.begin + k), (hm.violated[k] >> res) & 1);
        }
      }
    }
  }
  return out;
}

}  // namespace fleetopt::reclaim
