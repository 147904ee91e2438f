// Hostile: forward() throws a message with bytes that are not UTF-8 (results.json must stay
// valid); backward is correct.
#include "relu.hpp"

#include <stdexcept>

namespace nnlab {

Matrix ReLU::forward(const Matrix&) { throw std::runtime_error("bad bytes: \xff\xfe\xc3\x28 end"); }

Matrix ReLU::backward(const Matrix& dy) const {
    require_shape(dy, x.rows(), x.cols(), "ReLU::backward: dy");
    Matrix dx(dy.rows(), dy.cols());
    for (std::size_t i = 0; i < dy.size(); ++i) dx.data()[i] = x.data()[i] > 0.0f ? dy.data()[i] : 0.0f;
    return dx;
}

}  // namespace nnlab
