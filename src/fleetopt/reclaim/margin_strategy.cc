#include "fleetopt/reclaim/margin_strategy.h"

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::reclaim {
namespace {

struct Entry {
  std::string name, summary;
  MarginFactory factory;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

}  // namespace

bool register_margin_strategy(const std::string& name, const std::string& summary, MarginFactory factory) {
  registry().push_back({name, summary, std::move(factory)});
  return true;
}

std::unique_ptr<MarginStrategy> make_margin_strategy(const std::string& spec_text) {
  const PlacerSpec spec = PlacerSpec::parse(spec_text);
  for (const Entry& e : registry()) {
    if (e.name == spec.name) return e.factory(spec_text);
  }
  std::string known;
  for (const Entry& e : registry()) known += (known.empty() ? "" : ", ") + e.name;
  throw InputError::field("--strategy", fmt::format("unknown margin strategy '{}' (known: {})", spec.name, known));
}

std::vector<std::pair<std::string, std::string>> registered_margin_strategies() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : registry()) out.emplace_back(e.name, e.summary);
  return out;
}

}  // namespace fleetopt::reclaim
