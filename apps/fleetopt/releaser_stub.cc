// The plain `fleetopt` binary does not load libtorch. It still knows the
// releaser margin strategy by name: making it throws NeedsTorch, and main()
// re-runs the whole command in fleetopt-torch, the build that registers the
// real DDPG strategy (fleetopt/reclaim/releaser.cc).
#include "fleetopt/core/error.h"
#include "fleetopt/reclaim/margin_strategy.h"

namespace fleetopt::reclaim {
namespace {

std::unique_ptr<MarginStrategy> make_releaser_elsewhere(const std::string&) { throw NeedsTorch("strategy releaser"); }

}  // namespace

FLEETOPT_REGISTER_MARGIN_STRATEGY("releaser",
                                  "ReLeaSER: DDPG margin per host and resource from the last hour of forecast "
                                  "errors (releaser:MODEL loads one; runs in fleetopt-torch)",
                                  make_releaser_elsewhere);

}  // namespace fleetopt::reclaim
