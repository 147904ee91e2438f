// Hostile (by accident): a syntax error. lab03 must score 0 with the compiler's errors; the
// other labs are still graded, and lab05 (which uses lab03) fails as blocked.
#include "relu.hpp"

namespace nnlab {

Matrix ReLU::forward(const Matrix& input) {
    x = input
    return x;
}

}  // namespace nnlab
