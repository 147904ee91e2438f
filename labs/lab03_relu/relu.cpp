#include "relu.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

namespace nnlab {

Matrix ReLU::forward(const Matrix& input) {
    // TODO(lab03): y = max(0, x) element by element.  x: B×N → y: B×N.
    //              Keep the input in the member x: backward needs it.
    nnlab::todo("lab03", "ReLU::forward");
}

Matrix ReLU::backward(const Matrix& dy) const {
    // TODO(lab03): dx = dy ⊙ 1[x > 0]: dy where the last input was > 0, else 0 (x = 0 too).
    //              dy: the last input's shape (anything else is a shape error) → dx: the same.
    nnlab::todo("lab03", "ReLU::backward");
}

}  // namespace nnlab
