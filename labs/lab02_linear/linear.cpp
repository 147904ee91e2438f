#include "linear.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>

#include "gemm/gemm.hpp"
#include "lab01_matrix/matrix_ops.hpp"

namespace nnlab {

Linear::Linear(int in, int out, Rng& rng) {
    // TODO(lab02): 1. Give W the shape in×out and fill it with he_normal(W, in, rng).
    //              2. b = 1×out zeros; dW and db zeros of the shapes of W and b.
    nnlab::todo("lab02", "Linear::Linear");
}

Matrix Linear::forward(const Matrix& input) {
    // TODO(lab02): 1. input must be B×in: require_shape(input, input.rows(), in(), "Linear::forward: x").
    //              2. Keep a copy of the input in x (backward needs it).
    //              3. y = x·W with gemm(Trans::No, Trans::No, 1.0f, x, W, 0.0f, y), y: B×out.
    //              4. Add b to every row of y (lab01's add_row_vector).
    nnlab::todo("lab02", "Linear::forward");
}

Matrix Linear::backward(const Matrix& dy, bool need_dx) {
    // TODO(lab02): dy is B×out, with B the batch of the last forward (check it with require_shape).
    //              1. dW = xᵀ·dy:  gemm(Trans::Yes, Trans::No, 1.0f, x, dy, 0.0f, dW)
    //              2. db = Σ_rows dy (lab01's column_sums)
    //              3. if need_dx: return dx = dy·Wᵀ (B×in), with gemm(Trans::No, Trans::Yes, …)
    //                 else return Matrix() — an empty matrix.
    nnlab::todo("lab02", "Linear::backward");
}

}  // namespace nnlab
