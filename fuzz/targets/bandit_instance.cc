// `bandit ... --instance FILE`: a function-placement instance. One that loads
// must validate and survive a JSON round trip.
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "fleetopt/faas/instance.h"
#include "fuzz/harness.h"
#include "fuzz/targets.h"

namespace fleetopt::fuzz {

void bandit_instance(std::string_view input) {
  const std::string path = write_file(fresh_dir(), "instance.json", input);
  expect_input_errors_only([&] {
    const faas::Instance in = faas::load_instance(path);
    try {
      faas::validate(in);
      (void)faas::instance_from_json(faas::instance_to_json(in, nullptr), "<written back>");
    } catch (const InputError& e) {
      throw std::logic_error(std::string("a loaded instance fails validation or a round trip: ") + e.what());
    }
    (void)in.idle_probability();
  });
}

}  // namespace fleetopt::fuzz
