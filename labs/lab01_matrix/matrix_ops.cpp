#include "matrix_ops.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>
#include <string>

namespace nnlab {

Matrix matmul(const Matrix& a, const Matrix& b) {
    // TODO(lab01): 1. If a.cols() != b.rows(), throw std::invalid_argument with a message
    //              that names both shapes (a.shape() and b.shape() give "3×4").
    //              2. C(i, j) = Σ_k A(i, k)·B(k, j) for every i < M, j < N.
    nnlab::todo("lab01", "matmul");
}

Matrix transpose(const Matrix& a) {
    // TODO(lab01): return the N×M matrix t with t(j, i) = a(i, j).
    nnlab::todo("lab01", "transpose");
}

void add_row_vector(Matrix& x, const Matrix& b) {
    // TODO(lab01): 1. b must be 1×x.cols(); otherwise throw std::invalid_argument naming both
    //              shapes (require_shape(b, 1, x.cols(), "add_row_vector: b") does it).
    //              2. Add b(0, j) to x(i, j) for every row i.
    nnlab::todo("lab01", "add_row_vector");
}

Matrix column_sums(const Matrix& x) {
    // TODO(lab01): return the 1×N row s with s(0, j) = Σ_i x(i, j).
    nnlab::todo("lab01", "column_sums");
}

std::vector<int> argmax_rows(const Matrix& x) {
    // TODO(lab01): for each row i, the smallest j with x(i, j) = max_j x(i, j).
    //              Use a strict > when you compare, so a tie keeps the first column.
    nnlab::todo("lab01", "argmax_rows");
}

Matrix map_elements(const Matrix& x, const std::function<float(float)>& f) {
    // TODO(lab01): return y, the same shape as x, with y(i, j) = f(x(i, j)).
    nnlab::todo("lab01", "map_elements");
}

}  // namespace nnlab
