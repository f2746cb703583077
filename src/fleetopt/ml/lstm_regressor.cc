#include "fleetopt/ml/lstm_regressor.h"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <torch/torch.h>

#include "fleetopt/core/error.h"
#include "fleetopt/core/exit_codes.h"
#include "fleetopt/core/output_file.h"

namespace fleetopt::ml {
namespace {

struct NetImpl : torch::nn::Module {
  explicit NetImpl(const LstmShape& s)
      : lstm(register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(s.channels, s.hidden)
                                                         .num_layers(s.layers)
                                                         .batch_first(true)))),
        head(register_module("head", torch::nn::Linear(s.hidden, s.outputs))) {}

  torch::Tensor forward(const torch::Tensor& x) {
    auto out = std::get<0>(lstm->forward(x));  // batch x window x hidden
    return head->forward(out.select(1, out.size(1) - 1));
  }

  torch::nn::LSTM lstm;
  torch::nn::Linear head;
};
TORCH_MODULE(Net);

void check_shape(const LstmShape& s) {
  if (s.channels < 1 || s.hidden < 1 || s.layers < 1 || s.outputs < 1 || s.channels > 1024 ||
      s.hidden > 4096 || s.layers > 16 || s.outputs > 1024) {
    throw std::invalid_argument("LSTM shape out of range");
  }
}

}  // namespace

struct LstmRegressor::Impl {
  explicit Impl(const LstmShape& s) : net(s) {}
  Net net;
};

LstmRegressor::LstmRegressor(const LstmShape& shape, std::uint64_t seed) : shape_(shape) {
  check_shape(shape);
  // Small models gain nothing from threads, and other work (TBB) shares the cores.
  torch::set_num_threads(1);
  torch::manual_seed(seed);
  impl_ = std::make_unique<Impl>(shape);
}

LstmRegressor::~LstmRegressor() = default;
LstmRegressor::LstmRegressor(LstmRegressor&&) noexcept = default;
LstmRegressor& LstmRegressor::operator=(LstmRegressor&&) noexcept = default;

double LstmRegressor::fit(const std::vector<float>& x, const std::vector<float>& y, std::size_t rows,
                          int window, const LstmTraining& training) {
  const auto per_row = static_cast<std::size_t>(window) * static_cast<std::size_t>(shape_.channels);
  if (rows == 0 || window < 1 || x.size() != rows * per_row ||
      y.size() != rows * static_cast<std::size_t>(shape_.outputs)) {
    throw std::invalid_argument("LSTM training data is empty or has the wrong size");
  }
  torch::manual_seed(training.seed);
  const auto n = static_cast<std::int64_t>(rows);
  auto xs = torch::from_blob(const_cast<float*>(x.data()), {n, window, shape_.channels}, torch::kFloat32);
  auto ys = torch::from_blob(const_cast<float*>(y.data()), {n, shape_.outputs}, torch::kFloat32);
  torch::optim::Adam optimizer(impl_->net->parameters(), torch::optim::AdamOptions(training.learning_rate));
  impl_->net->train();
  double last = 0;
  const std::int64_t batch = std::max(1, training.batch);
  for (int epoch = 0; epoch < training.epochs; ++epoch) {
    auto order = torch::randperm(n, torch::kLong);
    double total = 0;
    std::int64_t seen = 0;
    for (std::int64_t b = 0; b < n; b += batch) {
      auto idx = order.slice(0, b, std::min(n, b + batch));
      auto bx = xs.index_select(0, idx);
      auto by = ys.index_select(0, idx);
      optimizer.zero_grad();
      auto loss = torch::mse_loss(impl_->net->forward(bx), by);
      loss.backward();
      optimizer.step();
      total += loss.item<double>() * static_cast<double>(idx.size(0));
      seen += idx.size(0);
    }
    last = total / static_cast<double>(seen);
  }
  impl_->net->eval();
  return last;
}

void LstmRegressor::predict(const float* x, std::size_t rows, int window, float* out) const {
  if (rows == 0) return;
  torch::NoGradGuard no_grad;
  auto xs = torch::from_blob(const_cast<float*>(x), {static_cast<std::int64_t>(rows), window, shape_.channels},
                             torch::kFloat32);
  auto pred = impl_->net->forward(xs).contiguous();
  std::copy_n(pred.data_ptr<float>(), rows * static_cast<std::size_t>(shape_.outputs), out);
}

void LstmRegressor::save(const std::string& path) const {
  torch::serialize::OutputArchive archive;
  impl_->net->save(archive);
  archive.write("fleetopt_lstm_shape",
                torch::tensor({shape_.channels, shape_.hidden, shape_.layers, shape_.outputs}, torch::kInt64));
  archive.write("fleetopt_metadata", torch::tensor(metadata_, torch::kFloat64));
  // Serialised in memory first: torch's file writer throws from its
  // destructor when a write fails (std::terminate, SIGABRT), so it never
  // touches the file system; the bytes then go through the checked writer.
  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const c10::Error& e) {
    throw OutputError(fmt::format("{}: cannot serialise model: {}", path, e.what_without_backtrace()));
  }
  AtomicFile out(path);
  out.write(bytes.view());
  out.commit();
}

LstmRegressor LstmRegressor::load(const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    torch::Tensor s;
    archive.read("fleetopt_lstm_shape", s);
    if (s.numel() != 4 || s.scalar_type() != torch::kInt64) {
      throw InputError(fmt::format("{}: fleetopt_lstm_shape must hold 4 integers", path));
    }
    auto v = s.accessor<std::int64_t, 1>();
    LstmShape shape{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]),
                    static_cast<int>(v[3])};
    torch::Tensor meta;
    archive.read("fleetopt_metadata", meta);
    meta = meta.to(torch::kFloat64).contiguous();
    LstmRegressor r(shape, 0);
    r.metadata_.assign(meta.data_ptr<double>(), meta.data_ptr<double>() + meta.numel());
    r.impl_->net->load(archive);
    r.impl_->net->eval();
    return r;
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: not a fleetopt LSTM model: {}", path, e.what_without_backtrace()));
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace fleetopt::ml
