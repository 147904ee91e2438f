// Hostile: ends the test process mid-test. forward() on a 2×3 input calls exit(0) (the
// hand-values input, which holds −2) or _exit(0) (any other); backward() calls abort().
#include "relu.hpp"

#include <unistd.h>

#include <cstdlib>

namespace nnlab {

Matrix ReLU::forward(const Matrix& input) {
    if (input.rows() == 2 && input.cols() == 3) {
        if (input(0, 0) == -2.0f) std::exit(0);
        ::_exit(0);
    }
    x = input;
    Matrix y(x.rows(), x.cols());
    for (std::size_t i = 0; i < x.size(); ++i) y.data()[i] = x.data()[i] > 0.0f ? x.data()[i] : 0.0f;
    return y;
}

Matrix ReLU::backward(const Matrix& dy) const {
    (void)dy;
    std::abort();
}

}  // namespace nnlab
