// lab03 · the ReLU activation:  y = max(0, x), element by element
//
//   forward:  y = max(0, x)                    x: B×N → y: B×N
//   backward: dx = dy ⊙ 1[x > 0]               dy: B×N → dx: B×N
//
// The derivative of max(0, x) is 1 for x > 0 and 0 for x < 0. At exactly x = 0 it does
// not exist; we use 0 there (the convention of PyTorch and most libraries): 1[x > 0].
// backward uses the saved input x, not the output: the mask is "where the input was positive".
#pragma once

#include "core/matrix.hpp"

namespace nnlab {

struct ReLU {
    Matrix x;  // B×N: the input of the last forward (the cache)

    // y = max(0, x). Keeps a copy of x.
    Matrix forward(const Matrix& input);

    // dx = dy ⊙ 1[x > 0]. dy must have the shape of the last forward's input.
    Matrix backward(const Matrix& dy) const;
};

}  // namespace nnlab
