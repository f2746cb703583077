// The LSTM wrapper learns a rule a naive forecaster cannot, is deterministic
// under a seed, and round-trips through its file.
#include "fleetopt/ml/lstm_regressor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fleetopt/core/error.h"
#include "fleetopt/core/scratch_dir.h"
#include "fleetopt/core/rng.h"

namespace fleetopt::ml {
namespace {

// Sine waves of random phase: predict the next value from a window of 8.
void make_data(std::size_t rows, std::uint64_t seed, std::vector<float>& x, std::vector<float>& y) {
  Rng rng(seed);
  for (std::size_t r = 0; r < rows; ++r) {
    double phase = rng.uniform(0, 6.283);
    for (int t = 0; t <= 8; ++t) {
      float v = static_cast<float>(0.5 + 0.4 * std::sin(phase + 0.7 * t));
      (t < 8 ? x : y).push_back(v);
    }
  }
}

TEST(LstmRegressor, BeatsLastValueOnSines) {
  std::vector<float> x, y;
  make_data(1024, 1, x, y);
  LstmRegressor model({.channels = 1, .hidden = 16, .layers = 1, .outputs = 1}, 3);
  model.fit(x, y, 1024, 8, {.epochs = 40, .batch = 64, .learning_rate = 1e-2, .seed = 3});

  std::vector<float> tx, ty;
  make_data(200, 2, tx, ty);
  std::vector<float> pred(200);
  model.predict(tx.data(), 200, 8, pred.data());
  double mae = 0, naive = 0;
  for (std::size_t r = 0; r < 200; ++r) {
    mae += std::abs(pred[r] - ty[r]);
    naive += std::abs(tx[r * 8 + 7] - ty[r]);
  }
  EXPECT_LT(mae, 0.5 * naive) << "lstm " << mae / 200 << " naive " << naive / 200;
}

TEST(LstmRegressor, SameSeedSameWeightsAndFileRoundTrip) {
  std::vector<float> x, y;
  make_data(128, 1, x, y);
  LstmShape shape{.channels = 1, .hidden = 8, .layers = 1, .outputs = 1};
  LstmRegressor a(shape, 5), b(shape, 5);
  LstmTraining t{.epochs = 2, .batch = 32, .learning_rate = 1e-2, .seed = 5};
  EXPECT_EQ(a.fit(x, y, 128, 8, t), b.fit(x, y, 128, 8, t));
  std::vector<float> pa(4), pb(4), pc(4);
  a.predict(x.data(), 4, 8, pa.data());
  b.predict(x.data(), 4, 8, pb.data());
  EXPECT_EQ(pa, pb);

  fleetopt::ScratchDir scratch("lstm_test");
  auto path = scratch.path("model.pt");
  a.set_metadata({12, 6, 0.25});
  a.save(path);
  LstmRegressor c = LstmRegressor::load(path);
  EXPECT_EQ(c.metadata(), std::vector<double>({12, 6, 0.25}));
  c.predict(x.data(), 4, 8, pc.data());
  EXPECT_EQ(pa, pc);
  std::filesystem::remove(path);
}

TEST(LstmRegressor, BadFilesNameThePath) {
  fleetopt::ScratchDir scratch("lstm_garbage");
  auto path = scratch.path("garbage.pt");
  std::ofstream(path) << "not a model";
  try {
    LstmRegressor::load(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  std::filesystem::remove(path);
  EXPECT_THROW(LstmRegressor::load(path), InputError);
}

}  // namespace
}  // namespace fleetopt::ml
