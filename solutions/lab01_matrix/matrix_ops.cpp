#include "matrix_ops.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>
#include <string>

namespace nnlab {

Matrix matmul(const Matrix& a, const Matrix& b) {
    // TODO(lab01): C = A·B.  A: M×K, B: K×N → C: M×N, with C(i, j) = Σ_k A(i, k)·B(k, j).
    //              When A's columns are not B's rows, throw std::invalid_argument whose
    //              message names both shapes.
    // BEGIN SOLUTION
    if (a.cols() != b.rows())
        throw std::invalid_argument("matmul: A is " + a.shape() + " and B is " + b.shape() +
                                    ": A's columns must equal B's rows");
    Matrix c(a.rows(), b.cols());
    // The i-k-j order walks B and C along their rows: the cache-friendly order of the three.
    for (int i = 0; i < a.rows(); ++i)
        for (int k = 0; k < a.cols(); ++k) {
            const float a_ik = a(i, k);
            for (int j = 0; j < b.cols(); ++j) c(i, j) += a_ik * b(k, j);
        }
    return c;
    // END SOLUTION
}

Matrix transpose(const Matrix& a) {
    // TODO(lab01): Aᵀ.  A: M×N → T: N×M, with T(j, i) = A(i, j).
    // BEGIN SOLUTION
    Matrix t(a.cols(), a.rows());
    for (int i = 0; i < a.rows(); ++i)
        for (int j = 0; j < a.cols(); ++j) t(j, i) = a(i, j);
    return t;
    // END SOLUTION
}

void add_row_vector(Matrix& x, const Matrix& b) {
    // TODO(lab01): the bias broadcast, in place.  x: B×N, b: 1×N; every row of x gets b added.
    //              Any other shape of b: std::invalid_argument naming both shapes.
    // BEGIN SOLUTION
    require_shape(b, 1, x.cols(), "add_row_vector: b for x " + x.shape());
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 0; j < x.cols(); ++j) x(i, j) += b(0, j);
    // END SOLUTION
}

Matrix column_sums(const Matrix& x) {
    // TODO(lab01): the sum of each column.  x: B×N → s: 1×N, s(0, j) = Σ_i x(i, j).
    // BEGIN SOLUTION
    Matrix s(1, x.cols());
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 0; j < x.cols(); ++j) s(0, j) += x(i, j);
    return s;
    // END SOLUTION
}

std::vector<int> argmax_rows(const Matrix& x) {
    // TODO(lab01): for each row i of x (B×N), the column of its largest value: B indices in
    //              0..N−1. On a tie, the first such column.
    // BEGIN SOLUTION
    std::vector<int> best(static_cast<std::size_t>(x.rows()), 0);
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 1; j < x.cols(); ++j)
            if (x(i, j) > x(i, best[i])) best[i] = j;
    return best;
    // END SOLUTION
}

Matrix map_elements(const Matrix& x, const std::function<float(float)>& f) {
    // TODO(lab01): f applied to every element.  x: M×N → y: M×N, y(i, j) = f(x(i, j)).
    // BEGIN SOLUTION
    Matrix y(x.rows(), x.cols());
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 0; j < x.cols(); ++j) y(i, j) = f(x(i, j));
    return y;
    // END SOLUTION
}

}  // namespace nnlab
