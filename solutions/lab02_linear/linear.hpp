// lab02 · the Linear (fully connected) layer:  y = x·W + b
//
//   x: B×in   a batch of B inputs, one per row
//   W: in×out the weights;  b: 1×out the bias, added to every row
//   y: B×out
//
// forward(x) keeps x (the cache) because backward needs it:
//   dW = xᵀ·dy   (in×B · B×out = in×out)
//   db = Σ_rows dy   (1×out)
//   dx = dy·Wᵀ   (B×out · out×in = B×in), the gradient passed to the layer below
#pragma once

#include "core/matrix.hpp"
#include "core/random.hpp"

namespace nnlab {

struct Linear {
    Matrix W;   // in×out
    Matrix b;   // 1×out
    Matrix dW;  // in×out: ∂L/∂W, written by backward
    Matrix db;  // 1×out:  ∂L/∂b, written by backward
    Matrix x;   // B×in:   the input of the last forward (the cache)

    // W from He init (N(0, 2/in), see random.hpp), b = 0, dW and db zero of their shapes.
    Linear(int in, int out, Rng& rng);

    int in() const { return W.rows(); }
    int out() const { return W.cols(); }

    // y = x·W + b.          x: B×in → y: B×out. Keeps a copy of x.
    Matrix forward(const Matrix& x);

    // Given dy = ∂L/∂y (B×out): sets dW and db and returns dx = ∂L/∂x (B×in).
    // need_dx = false skips dx (an empty matrix is returned): the first layer of a network
    // has no layer below to pass it to, and dx is its most expensive product.
    Matrix backward(const Matrix& dy, bool need_dx = true);
};

}  // namespace nnlab
