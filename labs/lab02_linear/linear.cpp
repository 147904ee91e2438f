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
    nnlab::todo("lab02", "Linear::Linear");
}

Matrix Linear::forward(const Matrix& input) {
    // TODO(lab02): y = x·W + b.  x: B×in (any B; any other width is a shape error) → y: B×out.
    //              Keep the input in the member x: backward needs it.
    nnlab::todo("lab02", "Linear::forward");
}

Matrix Linear::backward(const Matrix& dy, bool need_dx) {
    // TODO(lab02): dy: B×out, B of the last forward (anything else is a shape error).
    //              Set dW = xᵀ·dy (in×out) and db = Σ_rows dy (1×out). Return dx = dy·Wᵀ (B×in)
    //              when need_dx, else an empty Matrix.
    nnlab::todo("lab02", "Linear::backward");
}

}  // namespace nnlab
