#include "fleetopt/placement/placer.h"

#include <algorithm>

#include <fmt/format.h>

#include "fleetopt/core/error.h"

namespace fleetopt {
namespace {

struct Entry {
  std::string name;
  std::string summary;
  PlacerFactory factory;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

}  // namespace

PlacerSpec PlacerSpec::parse(const std::string& text) {
  PlacerSpec spec;
  spec.text = text;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find('@', start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  const std::string& head = parts.front();
  std::size_t colon = head.find(':');
  spec.name = head.substr(0, colon);
  if (colon != std::string::npos) spec.arg = head.substr(colon + 1);
  if (spec.name.empty()) throw InputError::field("policy", fmt::format("empty policy name in '{}'", text));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::size_t eq = parts[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError::field("policy", fmt::format("option '{}' in '{}' is not KEY=VALUE", parts[i], text));
    }
    spec.options[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
  }
  return spec;
}

std::string PlacerSpec::option(const std::string& key, const std::string& fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

int PlacerSpec::int_option(const std::string& key, int fallback) const {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  long long v = 0;
  if (!parse_int64(it->second, v) || v < 0 || v > 1'000'000) {
    throw InputError::field(fmt::format("policy {} option {}", name, key),
                            fmt::format("expected an integer in [0, 1000000], got '{}'", it->second));
  }
  return static_cast<int>(v);
}

double PlacerSpec::double_option(const std::string& key, double fallback, double lo, double hi) const {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  double v = 0;
  if (!parse_double(it->second, v) || !(v >= lo && v <= hi)) {
    throw InputError::field(fmt::format("policy {} option {}", name, key),
                            fmt::format("expected a number in [{}, {}], got '{}'", lo, hi, it->second));
  }
  return v;
}

void PlacerSpec::check_options(const std::vector<std::string>& known) const {
  for (const auto& [key, value] : options) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InputError::field(fmt::format("policy {}", name),
                              fmt::format("unknown option '{}' (known: {})", key,
                                          list.empty() ? "none" : list));
    }
  }
}

bool register_placer(const std::string& name, const std::string& summary, PlacerFactory factory) {
  registry().push_back({name, summary, std::move(factory)});
  return true;
}

std::unique_ptr<Placer> make_placer(const std::string& spec_text) {
  PlacerSpec spec = PlacerSpec::parse(spec_text);
  // An exact name wins over a prefix ("peak-max" is not power-of-K "p*").
  for (const Entry& e : registry()) {
    if (spec.name == e.name) return e.factory(spec);
  }
  for (const Entry& e : registry()) {
    const bool prefix = !e.name.empty() && e.name.back() == '*';
    const std::string stem = e.name.substr(0, e.name.size() - 1);
    if (prefix && spec.name.rfind(stem, 0) == 0 && spec.name.size() > stem.size()) return e.factory(spec);
  }
  std::string known;
  for (const Entry& e : registry()) known += (known.empty() ? "" : ", ") + e.name;
  throw InputError::field("policy", fmt::format("unknown placement policy '{}' (known: {})",
                                                spec.name, known));
}

std::vector<std::pair<std::string, std::string>> registered_placers() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : registry()) out.emplace_back(e.name, e.summary);
  return out;
}

std::vector<std::string> split_policy_list(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : list) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace fleetopt
