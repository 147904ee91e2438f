// Hostile (by accident): forward() writes through a null pointer; backward is correct.
#include "relu.hpp"

namespace nnlab {

Matrix ReLU::forward(const Matrix& input) {
    x = input;
    volatile float* nowhere = nullptr;
    *nowhere = 1.0f;
    return x;
}

Matrix ReLU::backward(const Matrix& dy) const {
    require_shape(dy, x.rows(), x.cols(), "ReLU::backward: dy");
    Matrix dx(dy.rows(), dy.cols());
    for (std::size_t i = 0; i < dy.size(); ++i) dx.data()[i] = x.data()[i] > 0.0f ? dy.data()[i] : 0.0f;
    return dx;
}

}  // namespace nnlab
