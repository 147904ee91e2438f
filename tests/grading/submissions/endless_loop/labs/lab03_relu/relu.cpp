// Hostile: backward() ignores SIGTERM and loops forever; forward is correct.
#include "relu.hpp"

#include <csignal>

namespace nnlab {

Matrix ReLU::forward(const Matrix& input) {
    x = input;
    Matrix y(x.rows(), x.cols());
    for (std::size_t i = 0; i < x.size(); ++i) y.data()[i] = x.data()[i] > 0.0f ? x.data()[i] : 0.0f;
    return y;
}

Matrix ReLU::backward(const Matrix& dy) const {
    std::signal(SIGTERM, SIG_IGN);
    volatile float sink = 0;
    for (;;) sink = sink + dy.data()[0];
}

}  // namespace nnlab
