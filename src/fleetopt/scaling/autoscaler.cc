#include "fleetopt/scaling/autoscaler.h"

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/placement/placer.h"

namespace fleetopt::scaling {
namespace {

struct Entry {
  std::string name, summary;
  AutoscalerFactory factory;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

}  // namespace

bool register_autoscaler(const std::string& name, const std::string& summary, AutoscalerFactory factory) {
  registry().push_back({name, summary, std::move(factory)});
  return true;
}

std::unique_ptr<Autoscaler> make_autoscaler(const std::string& spec_text) {
  // The same NAME[:ARG][@KEY=VALUE] grammar as placement policies.
  const PlacerSpec spec = PlacerSpec::parse(spec_text);
  for (const Entry& e : registry()) {
    if (e.name == spec.name) return e.factory(spec_text);
  }
  std::string known;
  for (const Entry& e : registry()) known += (known.empty() ? "" : ", ") + e.name;
  throw InputError::field("--autoscaler", fmt::format("unknown autoscaler '{}' (known: {})", spec.name, known));
}

std::vector<std::pair<std::string, std::string>> registered_autoscalers() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : registry()) out.emplace_back(e.name, e.summary);
  return out;
}

}  // namespace fleetopt::scaling
