#include "linear.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>

#include "gemm/gemm.hpp"
#include "lab01_matrix/matrix_ops.hpp"

namespace nnlab {

Linear::Linear(int in, int out, Rng& rng) {
    // TODO(lab02): 1. Give W the shape in×out and fill it with he_normal(W, in, rng).
    //              2. b = 1×out zeros; dW and db zeros of the shapes of W and b.
    // BEGIN SOLUTION
    if (in <= 0 || out <= 0)
        throw std::invalid_argument("Linear: sizes must be positive, got in=" + std::to_string(in) +
                                    ", out=" + std::to_string(out));
    W = Matrix(in, out);
    he_normal(W, in, rng);
    b = Matrix(1, out);
    dW = Matrix(in, out);
    db = Matrix(1, out);
    // END SOLUTION
}

Matrix Linear::forward(const Matrix& input) {
    // TODO(lab02): 1. input must be B×in: require_shape(input, input.rows(), in(), "Linear::forward: x").
    //              2. Keep a copy of the input in x (backward needs it).
    //              3. y = x·W with gemm(Trans::No, Trans::No, 1.0f, x, W, 0.0f, y), y: B×out.
    //              4. Add b to every row of y (lab01's add_row_vector).
    // BEGIN SOLUTION
    require_shape(input, input.rows(), in(), "Linear::forward: x (B×in)");
    x = input;
    Matrix y(x.rows(), out());
    gemm(Trans::No, Trans::No, 1.0f, x, W, 0.0f, y);
    add_row_vector(y, b);
    return y;
    // END SOLUTION
}

Matrix Linear::backward(const Matrix& dy, bool need_dx) {
    // TODO(lab02): dy is B×out, with B the batch of the last forward (check it with require_shape).
    //              1. dW = xᵀ·dy:  gemm(Trans::Yes, Trans::No, 1.0f, x, dy, 0.0f, dW)
    //              2. db = Σ_rows dy (lab01's column_sums)
    //              3. if need_dx: return dx = dy·Wᵀ (B×in), with gemm(Trans::No, Trans::Yes, …)
    //                 else return Matrix() — an empty matrix.
    // BEGIN SOLUTION
    require_shape(dy, x.rows(), out(), "Linear::backward: dy (B×out, B of the last forward)");
    gemm(Trans::Yes, Trans::No, 1.0f, x, dy, 0.0f, dW);
    db = column_sums(dy);
    if (!need_dx) return Matrix();
    Matrix dx(dy.rows(), in());
    gemm(Trans::No, Trans::Yes, 1.0f, dy, W, 0.0f, dx);
    return dx;
    // END SOLUTION
}

}  // namespace nnlab
