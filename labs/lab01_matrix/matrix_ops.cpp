#include "matrix_ops.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>
#include <string>

namespace nnlab {

Matrix matmul(const Matrix& a, const Matrix& b) {
    // TODO(lab01): C = A·B.  A: M×K, B: K×N → C: M×N, with C(i, j) = Σ_k A(i, k)·B(k, j).
    //              When A's columns are not B's rows, throw std::invalid_argument whose
    //              message names both shapes.
    nnlab::todo("lab01", "matmul");
}

Matrix transpose(const Matrix& a) {
    // TODO(lab01): Aᵀ.  A: M×N → T: N×M, with T(j, i) = A(i, j).
    nnlab::todo("lab01", "transpose");
}

void add_row_vector(Matrix& x, const Matrix& b) {
    // TODO(lab01): the bias broadcast, in place.  x: B×N, b: 1×N; every row of x gets b added.
    //              Any other shape of b: std::invalid_argument naming both shapes.
    nnlab::todo("lab01", "add_row_vector");
}

Matrix column_sums(const Matrix& x) {
    // TODO(lab01): the sum of each column.  x: B×N → s: 1×N, s(0, j) = Σ_i x(i, j).
    nnlab::todo("lab01", "column_sums");
}

std::vector<int> argmax_rows(const Matrix& x) {
    // TODO(lab01): for each row i of x (B×N), the column of its largest value: B indices in
    //              0..N−1. On a tie, the first such column.
    nnlab::todo("lab01", "argmax_rows");
}

Matrix map_elements(const Matrix& x, const std::function<float(float)>& f) {
    // TODO(lab01): f applied to every element.  x: M×N → y: M×N, y(i, j) = f(x(i, j)).
    nnlab::todo("lab01", "map_elements");
}

}  // namespace nnlab
