// The report's sections, one function per decision problem: each reads the
// results of its commands (field errors name the file and the field) and
// turns them into figures with their tables (report.cc assembles the page).
#include "fleetopt/report/sections.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/report/svg.h"

namespace fleetopt::report::detail {

using nlohmann::json;

// Field access that names the file and the field on failure.
struct Reader {
  const std::string& file;
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw InputError(file + ": field '" + field + "': " + what);
  }
  const json& at(const json& j, const std::string& key, const std::string& where) const {
    if (!j.is_object() || !j.contains(key)) fail(where + key, "missing");
    return j.at(key);
  }
  double num(const json& j, const std::string& key, const std::string& where = "") const {
    const json& v = at(j, key, where);
    if (!v.is_number()) fail(where + key, "not a number");
    const double d = v.get<double>();
    // No fleetopt result comes near 1e15 (hosts, kWh, slots, USD); beyond it
    // a chart's scaled value could overflow.
    if (!std::isfinite(d) || std::fabs(d) > 1e15) fail(where + key, "not a finite number of plausible size (|x| <= 1e15)");
    return d;
  }
  std::string str(const json& j, const std::string& key, const std::string& where = "") const {
    const json& v = at(j, key, where);
    if (!v.is_string()) fail(where + key, "not a string");
    return v.get<std::string>();
  }
  const json& arr(const json& j, const std::string& key, const std::string& where = "") const {
    const json& v = at(j, key, where);
    if (!v.is_array()) fail(where + key, "not an array");
    return v;
  }
  std::string opt_str(const json& j, const std::string& key, const std::string& fallback) const {
    return j.is_object() && j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : fallback;
  }
  double opt_num(const json& j, const std::string& key, double fallback) const {
    return j.is_object() && j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : fallback;
  }
};

std::string fmtn(double v, int digits = 4) { return format_number(v, digits); }
// A share as a percentage; rounding noise around zero (1e-13) prints as 0.
std::string pct(double share) { return std::fabs(share) < 1e-9 ? "0%" : fmt::format("{:.3g}%", 100 * share); }

std::string provenance(const ResultFile& f) {
  std::string s = "machine: " + (f.machine.empty() ? std::string("not recorded") : f.machine);
  if (f.data.is_object() && f.data.contains("seed") && f.data["seed"].is_number()) {
    s += "; seed " + f.data["seed"].dump();
  }
  s += "; result file: " + f.path;
  return s;
}

std::string join_names(const std::vector<std::string>& v, const char* sep = ",") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// A policy named with a file argument ("fireplace:/long/path/model.json")
// keeps only the file name for labels; tables and commands keep it whole.
std::string short_name(const std::string& name) {
  const std::size_t colon = name.find(':');
  if (colon == std::string::npos) return name;
  const std::size_t at = name.find('@', colon);
  const std::string arg = name.substr(colon + 1, at == std::string::npos ? std::string::npos : at - colon - 1);
  if (arg.find('/') == std::string::npos) return name;
  return name.substr(0, colon + 1) + std::filesystem::path(arg).filename().string() +
         (at == std::string::npos ? "" : name.substr(at));
}

std::string command_or(const ResultFile& f, const std::string& rebuilt) {
  return f.command.empty() ? rebuilt + "   (rebuilt from the result's fields)" : f.command;
}

// ---------------------------------------------------------------- placement

void placement(const std::vector<const ResultFile*>& sizes, const std::vector<const ResultFile*>& sims,
               Section& sec) {
  for (const ResultFile* f : sizes) {
    Reader r{f->path};
    const json& d = f->data;
    const std::string workload = r.opt_str(d, "workload", "?");
    const double limit = r.num(d, "overload_limit");
    BarChart chart;
    chart.frame.title = "Servers needed per policy: " + workload;
    chart.frame.x_label = "policy";
    chart.frame.y_label = "servers needed";
    BarSeries s{"servers needed", {}, {}, {}};
    DataTable t{{"policy", "servers", "per seed", "lower bound", "set by"}, {}};
    std::vector<std::string> never, policies;
    bool whiskers = false;
    const json& results = r.arr(d, "results");
    for (std::size_t i = 0; i < results.size(); ++i) {
      const json& row = results[i];
      const std::string where = fmt::format("results[{}].", i);
      const std::string policy = r.str(row, "policy", where);
      policies.push_back(policy);
      const bool found = row.value("found", true);
      std::vector<double> per;
      if (row.contains("servers_needed_per_seed")) {
        for (const json& v : r.arr(row, "servers_needed_per_seed", where)) {
          if (!v.is_number()) r.fail(where + "servers_needed_per_seed", "not a number");
          per.push_back(v.get<double>());
        }
      }
      std::string per_text;
      for (double v : per) per_text += (per_text.empty() ? "" : " / ") + fmtn(v);
      const double lb = r.opt_num(row, "lower_bound_hosts", 0);
      if (!found) {
        never.push_back(policy);
        t.rows.push_back({policy, fmt::format(">{}", fmtn(r.opt_num(d, "vms", 0))), per_text, fmtn(lb), "never"});
        continue;
      }
      const double need = r.num(row, "servers_needed", where);
      chart.categories.push_back(short_name(policy));
      s.values.push_back(need);
      double lo = need, hi = need;
      for (double v : per) lo = std::min(lo, v), hi = std::max(hi, v);
      whiskers = whiskers || per.size() > 1;
      s.lo.push_back(lo);
      s.hi.push_back(hi);
      t.rows.push_back({policy, fmtn(need), per_text, fmtn(lb), r.opt_str(row, "set_by", "")});
    }
    if (!whiskers) s.lo.clear(), s.hi.clear();
    chart.series.push_back(s);
    Figure fig;
    fig.svg = render_bars(chart);
    fig.table = t;
    fig.caption = fmt::format("Fewest servers that keep the overload rate at or below {} on {}{}.", pct(limit), workload,
                              whiskers ? " (median over seeds; whiskers: the range over seeds)" : "");
    if (!never.empty()) fig.caption += " Never meets the limit (not drawn): " + join_names(never, ", ") + ".";
    const std::size_t seeds = d.contains("seeds") && d["seeds"].is_array() ? d["seeds"].size() : 1;
    fig.command = command_or(*f, fmt::format("fleetopt size --workload {} --policy {} --overload-limit {}{} --json",
                                             workload, join_names(policies), fmtn(limit),
                                             seeds > 1 ? fmt::format(" --seeds {}", seeds) : ""));
    fig.provenance = provenance(*f);
    sec.figures.push_back(std::move(fig));
  }
  if (!sims.empty()) {
    // Overload rate against fleet size, one series per policy (and workload).
    std::map<std::string, std::vector<std::pair<double, double>>> points;
    std::set<std::string> workloads;
    for (const ResultFile* f : sims) workloads.insert(Reader{f->path}.opt_str(f->data, "workload", "?"));
    DataTable t{{"policy", "hosts", "overload rate", "host-hours"}, {}};
    for (const ResultFile* f : sims) {
      Reader r{f->path};
      std::string name = short_name(r.str(f->data, "policy"));
      if (workloads.size() > 1) name += " @ " + r.opt_str(f->data, "workload", "?");
      points[name].emplace_back(r.num(f->data, "hosts"), 100 * r.num(f->data, "overload_rate"));
    }
    XyChart chart;
    chart.frame.title = "Overload rate vs fleet size";
    chart.frame.x_label = "hosts";
    chart.frame.y_label = "overload rate (% of VM-steps)";
    for (auto& [name, pts] : points) {
      std::sort(pts.begin(), pts.end());
      XySeries s{name, {}, {}};
      for (const auto& [x, y] : pts) {
        s.x.push_back(x);
        s.y.push_back(y);
        t.rows.push_back({name, fmtn(x), fmt::format("{:.3g}%", y), ""});
      }
      chart.series.push_back(s);
    }
    // host-hours column from the files, in the same order
    std::map<std::pair<std::string, double>, double> hh;
    for (const ResultFile* f : sims) {
      Reader r{f->path};
      std::string name = short_name(r.str(f->data, "policy"));
      if (workloads.size() > 1) name += " @ " + r.opt_str(f->data, "workload", "?");
      hh[{name, r.num(f->data, "hosts")}] = r.opt_num(f->data, "active_host_hours", 0);
    }
    for (auto& row : t.rows) {
      for (const auto& [key, v] : hh) {
        if (key.first == row[0] && fmtn(key.second) == row[1]) row[3] = fmtn(v);
      }
    }
    Figure fig;
    fig.svg = render_lines(chart);
    fig.table = t;
    fig.caption = "Share of VM-steps on an overloaded host as the fleet grows (one simulate run per point), on " +
                  join_names({workloads.begin(), workloads.end()}, ", ") + ".";
    const ResultFile& first = *sims.front();
    fig.command = command_or(first, fmt::format("fleetopt simulate placement --workload {} --policy P --hosts H --json",
                                                *workloads.begin()));
    if (sims.size() > 1) fig.command += "   (one run per point; this is the first)";
    fig.provenance = provenance(first);
    sec.figures.push_back(std::move(fig));
  } else if (!sizes.empty()) {
    sec.notes.push_back("Overload rate vs fleet size: give `fleetopt simulate placement --hosts H --json` results "
                        "for a few fleet sizes to draw it.");
  }
}

// ---------------------------------------------------------------- bandit

void bandit(const std::vector<const ResultFile*>& files, Section& sec) {
  std::map<std::string, std::vector<const ResultFile*>> by_instance;
  for (const ResultFile* f : files) by_instance[Reader{f->path}.opt_str(f->data, "instance", "?")].push_back(f);
  for (const auto& [instance, group] : by_instance) {
    XyChart gap, cons;
    gap.frame.title = "Relative gap to the oracle over time";
    gap.frame.x_label = "slot t";
    gap.frame.y_label = "relative cost gap (%)";
    cons.frame.title = "Max constraint (use / capacity) over time";
    cons.frame.x_label = "slot t";
    cons.frame.y_label = "max constraint";
    cons.frame.y_from_zero = false;
    DataTable tg{{"algorithm", "final gap", "runs", "runs over capacity", "us/decision"}, {}};
    DataTable tc{{"algorithm", "final max constraint", "mean max constraint"}, {}};
    std::vector<std::string> commands;
    for (const ResultFile* f : group) {
      Reader r{f->path};
      const json& d = f->data;
      const std::string alg = r.str(d, "algorithm");
      XySeries sg{alg, {}, {}}, sc{alg, {}, {}};
      const json& curve = r.arr(d, "curve");
      for (std::size_t i = 0; i < curve.size(); ++i) {
        const std::string where = fmt::format("curve[{}].", i);
        const double t = r.num(curve[i], "t", where);
        sg.x.push_back(t);
        sg.y.push_back(100 * r.num(curve[i], "relative_gap", where));
        sc.x.push_back(t);
        sc.y.push_back(r.num(curve[i], "max_constraint", where));
      }
      gap.series.push_back(sg);
      cons.series.push_back(sc);
      tg.rows.push_back({alg, pct(r.num(d, "relative_gap")), fmtn(r.opt_num(d, "runs", 1)),
                         fmtn(r.opt_num(d, "runs_over_capacity", 0)), fmt::format("{:.3g}", r.opt_num(d, "per_decision_us", 0))});
      tc.rows.push_back({alg, fmtn(r.num(d, "max_constraint")), fmtn(r.opt_num(d, "max_constraint_mean", 0))});
      commands.push_back(command_or(
          *f, fmt::format("fleetopt bandit run --instance {} --algorithm {} --horizon {} --runs {} --seed {} --json",
                          instance, alg, fmtn(r.opt_num(d, "horizon", 0), 10), fmtn(r.opt_num(d, "runs", 1)),
                          fmtn(r.opt_num(d, "seed", 1), 12))));
    }
    Figure fg;
    fg.svg = render_lines(gap);
    fg.table = tg;
    fg.caption = "Instance " + instance + ": cost of the placements so far relative to the oracle LP's (per window).";
    fg.command = join_names(commands, "  ;  ");
    std::vector<std::string> provs;
    for (const ResultFile* f : group) provs.push_back(provenance(*f));
    fg.provenance = join_names(provs, " | ");
    Figure fc;
    fc.svg = render_lines(cons);
    fc.table = tc;
    fc.caption = "Largest resource use relative to capacity over all nodes; above 1 a node is over capacity.";
    fc.command = fg.command;
    fc.provenance = fg.provenance;
    sec.figures.push_back(std::move(fg));
    sec.figures.push_back(std::move(fc));
  }
}

// ---------------------------------------------------------------- rearrangement

void rearrangement(const std::vector<const ResultFile*>& files, Section& sec) {
  BarChart hosts;
  hosts.frame.title = "Hosts in use before and after vs lower bound";
  hosts.frame.x_label = "run";
  hosts.frame.y_label = "hosts";
  BarSeries before{"before", {}, {}, {}}, after{"after", {}, {}, {}}, bound{"lower bound", {}, {}, {}};
  DataTable th{{"run", "before", "after", "lower bound", "migrations", "stages"}, {}};
  BarChart stages;
  stages.frame.title = "Migrations per stage of the plan";
  stages.frame.x_label = "stage";
  stages.frame.y_label = "migrations";
  std::vector<std::pair<std::string, std::map<int, double>>> per_stage;
  std::vector<std::string> clusters;
  int max_stage = 0;
  std::vector<std::string> commands;
  for (const ResultFile* f : files) {
    Reader r{f->path};
    const json& d = f->data;
    const json* plan = &d;
    std::string label;
    if (f->kind == "rearrange") {
      // "examples/cluster-a.json" or "planetlab:.../20110303 (CloudSim setting) at step 144: ...": the file or
      // day name is the label, the whole text is in the caption.
      const std::string cluster = r.opt_str(d, "cluster", "?");
      label = r.opt_str(d, "strategy", "?") + ": " +
              std::filesystem::path(cluster.substr(0, cluster.find(' '))).filename().string();
      clusters.push_back(cluster);
      hosts.categories.push_back(label);
      before.values.push_back(r.num(d, "hosts_before"));
      after.values.push_back(r.num(d, "hosts_after"));
      bound.values.push_back(r.num(d, "lower_bound_hosts"));
      plan = &r.at(d, "plan", "");
      commands.push_back(command_or(*f, fmt::format("fleetopt rearrange --cluster {} --goal {} --json",
                                                    r.opt_str(d, "cluster", "?"), r.opt_str(d, "strategy", "?"))));
    } else {
      label = "plan " + std::filesystem::path(f->path).filename().string();
      commands.push_back(command_or(*f, "fleetopt plan --from A.json --to B.json --json"));
    }
    std::map<int, double> counts;
    const json& migrations = r.arr(*plan, "migrations", f->kind == "rearrange" ? "plan." : "");
    for (std::size_t i = 0; i < migrations.size(); ++i) {
      const int st = static_cast<int>(r.num(migrations[i], "stage", fmt::format("migrations[{}].", i)));
      if (st < 0 || st > 100000) r.fail(fmt::format("migrations[{}].stage", i), "out of range");
      counts[st] += 1;
      max_stage = std::max(max_stage, st);
    }
    if (f->kind == "rearrange") {
      th.rows.push_back({label, fmtn(before.values.back()), fmtn(after.values.back()), fmtn(bound.values.back()),
                         fmtn(static_cast<double>(migrations.size())), fmtn(r.opt_num(*plan, "stages", 0))});
    }
    per_stage.emplace_back(label, counts);
  }
  if (!hosts.categories.empty()) {
    hosts.series = {before, after, bound};
    Figure fig;
    fig.svg = render_bars(hosts);
    fig.table = th;
    fig.caption = "Hosts with at least one VM before and after the rearrangement, and the best lower bound. Cluster: " +
                  join_names(clusters, "; ") + ".";
    fig.command = join_names(commands, "  ;  ");
    fig.provenance = provenance(*files.front());
    sec.figures.push_back(std::move(fig));
  }
  DataTable ts{{"run", "stage", "migrations"}, {}};
  for (int st = 1; st <= max_stage; ++st) stages.categories.push_back(std::to_string(st));
  for (const auto& [label, counts] : per_stage) {
    BarSeries s{label, {}, {}, {}};
    for (int st = 1; st <= max_stage; ++st) {
      const auto it = counts.find(st);
      s.values.push_back(it == counts.end() ? 0.0 : it->second);
      ts.rows.push_back({label, std::to_string(st), fmtn(s.values.back())});
    }
    stages.series.push_back(s);
  }
  Figure fig;
  fig.svg = render_bars(stages);
  fig.table = ts;
  fig.caption = "Migrations that run in parallel in each stage of the staged plan (temporary moves included).";
  fig.command = join_names(commands, "  ;  ");
  fig.provenance = provenance(*files.front());
  sec.figures.push_back(std::move(fig));
}

// ---------------------------------------------------------------- consolidation

void consolidation(const std::vector<const ResultFile*>& files, Section& sec) {
  XyChart scatter;
  scatter.frame.title = "Energy vs migrations per policy and day";
  scatter.frame.x_label = "VM migrations";
  scatter.frame.y_label = "energy (kWh)";
  std::map<std::string, XySeries> by_policy;
  std::vector<std::string> order;
  DataTable t{{"policy", "day", "energy kWh", "migrations", "SLAV", "mean active hosts"}, {}};
  XyChart active;
  active.frame.title = "Active hosts over the day";
  active.frame.x_label = "hour";
  active.frame.y_label = "active hosts";
  std::string active_day;
  std::string command;
  for (const ResultFile* f : files) {
    Reader r{f->path};
    // An array of rows, {"results": [...]}, or one row (one day, one policy).
    const json rows = f->data.is_array()          ? f->data
                      : f->data.contains("results") ? r.arr(f->data, "results")
                                                    : json::array({f->data});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string where = fmt::format("[{}].", i);
      const json& row = rows[i];
      const std::string policy = r.str(row, "policy", where);
      const std::string day = r.opt_str(row, "day", "?");
      if (!by_policy.count(policy)) {
        by_policy[policy] = XySeries{policy, {}, {}};
        order.push_back(policy);
      }
      const double mig = r.num(row, "migrations", where), energy = r.num(row, "energy_kwh", where);
      by_policy[policy].x.push_back(mig);
      by_policy[policy].y.push_back(energy);
      t.rows.push_back({policy, day, fmt::format("{:.2f}", energy), fmtn(mig), fmt::format("{:.3g}", r.opt_num(row, "slav", 0)),
                        fmt::format("{:.1f}", r.opt_num(row, "mean_active_hosts", 0))});
      // A per-step series of active hosts, when the result carries one.
      const json* series = nullptr;
      if (row.contains("active_hosts") && row["active_hosts"].is_array()) series = &row["active_hosts"];
      if (row.contains("series") && row["series"].is_object() && row["series"].contains("active_hosts") &&
          row["series"]["active_hosts"].is_array()) {
        series = &row["series"]["active_hosts"];
      }
      if (series != nullptr && (active_day.empty() || active_day == day)) {
        active_day = day;
        const double step_h = r.opt_num(row, "step_seconds", 300) / 3600.0;
        XySeries s{policy, {}, {}};
        for (std::size_t k = 0; k < series->size(); ++k) {
          if (!(*series)[k].is_number()) r.fail(where + "active_hosts", "not a number");
          s.x.push_back(static_cast<double>(k) * step_h);
          s.y.push_back((*series)[k].get<double>());
        }
        active.series.push_back(s);
      }
    }
    if (command.empty()) command = command_or(*f, "fleetopt consolidate --workload planetlab:DAY --policy P1,P2 --json");
  }
  for (const auto& p : order) scatter.series.push_back(by_policy[p]);
  Figure fig;
  fig.svg = render_scatter(scatter);
  fig.table = t;
  fig.caption = "Each point is one policy on one day (CloudSim's PlanetLab setting); lower-left is better.";
  fig.command = command;
  fig.provenance = provenance(*files.front());
  sec.figures.push_back(std::move(fig));
  if (!active.series.empty()) {
    Figure fa;
    fa.svg = render_lines(active);
    DataTable ta{{"policy", "mean", "max"}, {}};
    for (const auto& s : active.series) {
      double sum = 0, mx = 0;
      for (double v : s.y) sum += v, mx = std::max(mx, v);
      ta.rows.push_back({s.name, fmt::format("{:.1f}", s.y.empty() ? 0 : sum / static_cast<double>(s.y.size())), fmtn(mx)});
    }
    fa.table = ta;
    fa.caption = "Hosts switched on through day " + active_day + ".";
    fa.command = command;
    fa.provenance = fig.provenance;
    sec.figures.push_back(std::move(fa));
  } else {
    sec.notes.push_back("Active hosts over the day: these consolidate results carry no per-step series "
                        "(the table has the mean).");
  }
}

// ---------------------------------------------------------------- autoscaling

void autoscaling(const std::vector<const ResultFile*>& files, Section& sec) {
  for (const ResultFile* f : files) {
    Reader r{f->path};
    const json& d = f->data;
    const std::string workload = r.opt_str(d, "workload", "?");
    const double slo = r.opt_num(d, "slo_p99_ms", 0);
    const double interval = r.opt_num(d, "interval_s", 60);
    XyChart p99;
    p99.frame.title = "p99 latency per interval: " + workload;
    p99.frame.x_label = "minute";
    p99.frame.y_label = "p99 latency (ms)";
    XyChart pareto;
    pareto.frame.title = "SLO-minutes vs VM-minutes (per repetition)";
    pareto.frame.x_label = "VM-minutes";
    pareto.frame.y_label = "minutes meeting the SLO";
    pareto.frame.y_from_zero = false;
    DataTable tp{{"autoscaler", "p99 median ms", "p99 max ms", "minutes over SLO"}, {}};
    DataTable tpar{{"autoscaler", "repetition", "SLO-minutes", "minutes", "VM-minutes"}, {}};
    std::vector<Figure> tiers;
    std::vector<std::string> names;
    const json& results = r.arr(d, "results");
    for (std::size_t i = 0; i < results.size(); ++i) {
      const std::string where = fmt::format("results[{}].", i);
      const json& row = results[i];
      const std::string name = r.str(row, "autoscaler", where);
      names.push_back(name);
      XySeries par{name, {}, {}};
      const json& reps = r.arr(row, "repetitions", where);
      for (std::size_t k = 0; k < reps.size(); ++k) {
        const std::string w = where + fmt::format("repetitions[{}].", k);
        par.x.push_back(r.num(reps[k], "vm_minutes", w));
        par.y.push_back(r.num(reps[k], "slo_minutes", w));
        tpar.rows.push_back({name, std::to_string(k + 1), fmtn(par.y.back()), fmtn(r.opt_num(reps[k], "minutes", 0)),
                             fmtn(par.x.back())});
      }
      pareto.series.push_back(par);
      if (reps.empty()) continue;
      // Time series of the last repetition (what the learner does once trained).
      const std::string w = where + fmt::format("repetitions[{}].series.", reps.size() - 1);
      const json& series = r.at(reps.back(), "series", where + "repetitions[last].");
      const json& p = r.arr(series, "p99_ms", w);
      XySeries s{name, {}, {}};
      std::vector<double> vals;
      int over = 0;
      for (std::size_t m = 0; m < p.size(); ++m) {
        if (!p[m].is_number()) continue;  // an interval without completions (null): a gap
        const double v = p[m].get<double>();
        if (!std::isfinite(v)) continue;
        s.x.push_back(static_cast<double>(m) * interval / 60.0);
        s.y.push_back(v);
        vals.push_back(v);
        over += slo > 0 && v > slo ? 1 : 0;
      }
      std::sort(vals.begin(), vals.end());
      tp.rows.push_back({name, vals.empty() ? "-" : fmtn(vals[vals.size() / 2]), vals.empty() ? "-" : fmtn(vals.back()),
                         std::to_string(over)});
      p99.series.push_back(s);
      if (series.contains("vms") && series["vms"].is_object()) {
        XyChart vc;
        vc.frame.title = "VMs per tier: " + name;
        vc.frame.x_label = "minute";
        vc.frame.y_label = "VMs";
        DataTable tv{{"tier", "mean", "min", "max"}, {}};
        for (const auto& [tier, arr] : series["vms"].items()) {
          if (!arr.is_array()) r.fail(w + "vms." + tier, "not an array");
          XySeries ts{tier, {}, {}};
          double sum = 0, mn = 1e300, mx = 0;
          for (std::size_t m = 0; m < arr.size(); ++m) {
            if (!arr[m].is_number()) r.fail(w + "vms." + tier, "not a number");
            const double v = arr[m].get<double>();
            ts.x.push_back(static_cast<double>(m) * interval / 60.0);
            ts.y.push_back(v);
            sum += v, mn = std::min(mn, v), mx = std::max(mx, v);
          }
          tv.rows.push_back({tier, ts.y.empty() ? "-" : fmt::format("{:.2f}", sum / static_cast<double>(ts.y.size())),
                             ts.y.empty() ? "-" : fmtn(mn), fmtn(mx)});
          vc.series.push_back(ts);
        }
        Figure fv;
        fv.svg = render_lines(vc);
        fv.table = tv;
        fv.caption = "Replicas per tier chosen by " + name + " in its last repetition.";
        tiers.push_back(std::move(fv));
      }
    }
    const std::string cmd = command_or(
        *f, fmt::format("fleetopt scale --workload {} --autoscaler {} --simulator {} --repeat {} --json", workload,
                        join_names(names), r.opt_str(d, "simulator", "des"), fmtn(r.opt_num(d, "repeat", 1))));
    Figure fp;
    fp.svg = render_lines(p99);
    fp.table = tp;
    fp.caption = fmt::format("Last repetition of each autoscaler; SLO p99 <= {} ms.", fmtn(slo));
    fp.command = cmd;
    fp.provenance = provenance(*f);
    sec.figures.push_back(std::move(fp));
    for (Figure& fv : tiers) {
      fv.command = cmd;
      fv.provenance = provenance(*f);
      sec.figures.push_back(std::move(fv));
    }
    Figure fpar;
    fpar.svg = render_scatter(pareto);
    fpar.table = tpar;
    fpar.caption = "Upper-left is better: more minutes within the SLO for fewer VM-minutes.";
    fpar.command = cmd;
    fpar.provenance = provenance(*f);
    sec.figures.push_back(std::move(fpar));
  }
}

// ---------------------------------------------------------------- reclamation

void reclamation(const std::vector<const ResultFile*>& runs, const std::vector<const ResultFile*>& margins,
                 Section& sec) {
  for (const ResultFile* f : runs) {
    Reader r{f->path};
    const json& d = f->data;
    BarChart chart;
    chart.frame.title = "Savings vs penalties per strategy: " + r.opt_str(d, "hosts", "?");
    chart.frame.x_label = "margin strategy";
    chart.frame.y_label = "USD";
    BarSeries sav{"savings", {}, {}, {}}, pen{"penalties", {}, {}, {}};
    DataTable t{{"strategy", "savings", "penalties", "net", "violation minutes"}, {}};
    std::vector<std::string> names;
    const json& results = r.arr(d, "results");
    for (std::size_t i = 0; i < results.size(); ++i) {
      const std::string where = fmt::format("results[{}].", i);
      const std::string s = r.str(results[i], "strategy", where);
      names.push_back(s);
      chart.categories.push_back(s);
      sav.values.push_back(r.num(results[i], "savings_usd", where));
      pen.values.push_back(r.num(results[i], "penalties_usd", where));
      t.rows.push_back({s, fmt::format("{:.2f}", sav.values.back()), fmt::format("{:.2f}", pen.values.back()),
                        fmt::format("{:.2f}", sav.values.back() - pen.values.back()),
                        fmtn(r.opt_num(results[i], "violation_minutes", 0))});
    }
    chart.series = {sav, pen};
    Figure fig;
    fig.svg = render_bars(chart);
    fig.table = t;
    fig.caption = "Money from reselling predicted-idle capacity and penalties for taking it back too late (test part, "
                  "forecaster " + r.opt_str(d, "forecaster", "?") + ").";
    fig.command = command_or(*f, fmt::format("fleetopt reclaim --hosts {} --strategy {} --json", r.opt_str(d, "hosts", "?"),
                                             join_names(names)));
    fig.provenance = provenance(*f);
    sec.figures.push_back(std::move(fig));
  }
  for (const ResultFile* f : margins) {
    // strategy,host,resource,step,margin,error,violated: CPU of the first three hosts.
    std::istringstream in(f->csv);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> hosts;
    std::map<std::string, std::map<std::string, XySeries>> margin;  // host -> strategy -> series
    std::map<std::string, XySeries> error;
    std::map<std::string, std::vector<std::string>> strategies;
    std::size_t line_no = 1;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty()) continue;
      std::vector<std::string> cells;
      std::stringstream ls(line);
      for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
      if (cells.size() != 7) throw InputError::at(f->path, line_no, "expected 7 comma-separated fields");
      if (cells[2] != "cpu") continue;
      double step = 0, m = 0, e = 0;
      if (!parse_double(cells[3], step) || !parse_double(cells[4], m) || !parse_double(cells[5], e)) {
        throw InputError::at(f->path, line_no, "step, margin and error must be finite numbers");
      }
      const std::string& host = cells[1];
      if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
        if (hosts.size() >= 3) continue;
        hosts.push_back(host);
      }
      auto& ms = margin[host];
      if (!ms.count(cells[0])) {
        ms[cells[0]] = XySeries{"margin: " + cells[0], {}, {}};
        strategies[host].push_back(cells[0]);
      }
      ms[cells[0]].x.push_back(step);
      ms[cells[0]].y.push_back(m);
      if (strategies[host].front() == cells[0]) {
        error[host].name = "forecast error";
        error[host].x.push_back(step);
        error[host].y.push_back(e);
      }
    }
    for (const std::string& host : hosts) {
      XyChart c;
      c.frame.title = "CPU margin and forecast error: host " + host;
      c.frame.x_label = "test step";
      c.frame.y_label = "share of capacity";
      c.frame.y_from_zero = false;
      c.series.push_back(error[host]);
      DataTable t{{"series", "mean", "max"}, {}};
      for (const auto& s : strategies[host]) c.series.push_back(margin[host][s]);
      for (const auto& s : c.series) {
        double sum = 0, mx = -1e300;
        for (double v : s.y) sum += v, mx = std::max(mx, v);
        t.rows.push_back({s.name, s.y.empty() ? "-" : fmt::format("{:.4f}", sum / static_cast<double>(s.y.size())),
                          s.y.empty() ? "-" : fmt::format("{:.4f}", mx)});
      }
      Figure fig;
      fig.svg = render_lines(c);
      fig.table = t;
      fig.caption = "Safety margin kept unsold per strategy, and the forecaster's error (actual - forecast).";
      fig.command = command_or(*f, "fleetopt reclaim --hosts HOSTS --strategy S1,S2 --margins-csv " + f->path);
      fig.provenance = provenance(*f);
      sec.figures.push_back(std::move(fig));
    }
  }
  if (margins.empty() && !runs.empty()) {
    sec.notes.push_back("Margin and forecast error over time: add the CSV of `fleetopt reclaim --margins-csv FILE`.");
  }
}

}  // namespace fleetopt::report::detail
