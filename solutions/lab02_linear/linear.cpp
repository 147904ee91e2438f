#include "linear.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>

#include "gemm/gemm.hpp"
#include "lab01_matrix/matrix_ops.hpp"

namespace nnlab {

Linear::Linear(int in, int out, Rng& rng) {
    // TODO(lab02): W: in×out, drawn with He initialization (fan-in = in); b: 1×out zeros;
    //              dW and db: zeros of W's and b's shapes. A size ≤ 0: std::invalid_argument
    //              whose message names both sizes, as "in=0, out=3".
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
    // TODO(lab02): y = x·W + b.  x: B×in (any B; any other width is a shape error) → y: B×out.
    //              Keep the input in the member x: backward needs it.
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
    // TODO(lab02): dy: B×out, B of the last forward (anything else is a shape error).
    //              Set dW = xᵀ·dy (in×out) and db = Σ_rows dy (1×out). Return dx = dy·Wᵀ (B×in)
    //              when need_dx, else an empty Matrix.
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
