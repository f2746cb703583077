// The simple margin strategies: none, fixed, random, feedback.
#include <algorithm>

#include <fmt/format.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/rng.h"
#include "fleetopt/placement/placer.h"
#include "fleetopt/reclaim/margin_strategy.h"

namespace fleetopt::reclaim {
namespace {

double fraction_arg(const PlacerSpec& spec, double fallback) {
  if (spec.arg.empty()) return fallback;
  double v = 0;
  if (!parse_double(spec.arg, v) || v < 0 || v > 1) {
    throw InputError::field("--strategy", fmt::format("{}: margin must be a fraction in [0, 1], got '{}'", spec.name, spec.arg));
  }
  return v;
}

// A constant margin: none = 0, fixed = 5% (fixed:F for another fraction).
class ConstantMargin : public MarginStrategy {
 public:
  ConstantMargin(std::string name, double margin) : name_(std::move(name)), margin_(margin) {}
  void choose(const MarginContext&, const std::array<std::span<float>, kResources>& margin) override {
    for (const auto& m : margin) std::fill(m.begin(), m.end(), static_cast<float>(margin_));
  }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  double margin_;
};

// Uniform in [0, max] per step (random:MAX, default 0.2); seeded per host and
// resource so the result does not depend on evaluation order.
class RandomMargin : public MarginStrategy {
 public:
  explicit RandomMargin(double max) : max_(max) {}
  void choose(const MarginContext& ctx, const std::array<std::span<float>, kResources>& margin) override {
    for (int r = 0; r < kResources; ++r) {
      Rng rng(ctx.problem.seed * 1'000'003ull + ctx.host * 2 + static_cast<std::size_t>(r) + 17);
      for (float& m : margin[static_cast<std::size_t>(r)]) m = static_cast<float>(rng.uniform(0, max_));
    }
  }
  std::string name() const override { return "random"; }

 private:
  double max_;
};

// 5% plus the last step's under-forecast (feedback:BASE for another base):
// margin(t) = base + max(0, error(t-1)), at most 1.
class FeedbackMargin : public MarginStrategy {
 public:
  explicit FeedbackMargin(double base) : base_(base) {}
  void choose(const MarginContext& ctx, const std::array<std::span<float>, kResources>& margin) override {
    for (int r = 0; r < kResources; ++r) {
      auto& out = margin[static_cast<std::size_t>(r)];
      for (std::size_t t = ctx.begin; t < ctx.end; ++t) {
        const double last = t == 0 ? 0.0 : std::max(0.0f, ctx.problem.error(ctx.host, r, t - 1));
        out[t - ctx.begin] = static_cast<float>(std::min(1.0, base_ + last));
      }
    }
  }
  std::string name() const override { return "feedback"; }

 private:
  double base_;
};

PlacerSpec parse_plain(const std::string& text) {
  PlacerSpec spec = PlacerSpec::parse(text);
  spec.check_options({});
  return spec;
}

}  // namespace

FLEETOPT_REGISTER_MARGIN_STRATEGY("none", "no margin: resell capacity - forecast", [](const std::string& text) {
  parse_plain(text);
  return std::make_unique<ConstantMargin>("none", 0.0);
});
FLEETOPT_REGISTER_MARGIN_STRATEGY("fixed", "a constant margin, 5% of capacity (fixed:F)", [](const std::string& text) {
  return std::make_unique<ConstantMargin>("fixed", fraction_arg(parse_plain(text), 0.05));
});
FLEETOPT_REGISTER_MARGIN_STRATEGY("random", "uniform in [0, 20%] per step (random:MAX), seeded",
                                  [](const std::string& text) {
                                    return std::make_unique<RandomMargin>(fraction_arg(parse_plain(text), 0.2));
                                  });
FLEETOPT_REGISTER_MARGIN_STRATEGY("feedback", "5% + the last step's under-forecast (feedback:BASE)",
                                  [](const std::string& text) {
                                    return std::make_unique<FeedbackMargin>(fraction_arg(parse_plain(text), 0.05));
                                  });

}  // namespace fleetopt::reclaim
