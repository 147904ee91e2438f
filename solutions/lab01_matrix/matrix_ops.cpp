#include "matrix_ops.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <stdexcept>
#include <string>

namespace nnlab {

Matrix matmul(const Matrix& a, const Matrix& b) {
    // TODO(lab01): 1. If a.cols() != b.rows(), throw std::invalid_argument with a message
    //              that names both shapes (a.shape() and b.shape() give "3×4").
    //              2. C(i, j) = Σ_k A(i, k)·B(k, j) for every i < M, j < N.
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
    // TODO(lab01): return the N×M matrix t with t(j, i) = a(i, j).
    // BEGIN SOLUTION
    Matrix t(a.cols(), a.rows());
    for (int i = 0; i < a.rows(); ++i)
        for (int j = 0; j < a.cols(); ++j) t(j, i) = a(i, j);
    return t;
    // END SOLUTION
}

void add_row_vector(Matrix& x, const Matrix& b) {
    // TODO(lab01): 1. b must be 1×x.cols(); otherwise throw std::invalid_argument naming both
    //              shapes (require_shape(b, 1, x.cols(), "add_row_vector: b") does it).
    //              2. Add b(0, j) to x(i, j) for every row i.
    // BEGIN SOLUTION
    require_shape(b, 1, x.cols(), "add_row_vector: b for x " + x.shape());
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 0; j < x.cols(); ++j) x(i, j) += b(0, j);
    // END SOLUTION
}

Matrix column_sums(const Matrix& x) {
    // TODO(lab01): return the 1×N row s with s(0, j) = Σ_i x(i, j).
    // BEGIN SOLUTION
    Matrix s(1, x.cols());
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 0; j < x.cols(); ++j) s(0, j) += x(i, j);
    return s;
    // END SOLUTION
}

std::vector<int> argmax_rows(const Matrix& x) {
    // TODO(lab01): for each row i, the smallest j with x(i, j) = max_j x(i, j).
    //              Use a strict > when you compare, so a tie keeps the first column.
    // BEGIN SOLUTION
    std::vector<int> best(static_cast<std::size_t>(x.rows()), 0);
    for (int i = 0; i < x.rows(); ++i)
        for (int j = 1; j < x.cols(); ++j)
            if (x(i, j) > x(i, best[i])) best[i] = j;
    return best;
    // END SOLUTION
}

Matrix map_elements(const Matrix& x, const std::function<float(float)>& f) {
    // TODO(lab01): return y, the same shape as x, with y(i, j) = f(x(i, j)).
    // BEGIN SOLUTION
    Matrix y(x.rows(), x.cols());
    for (std::size_t i = 0; i < x.size(); ++i) y.data()[i] = f(x.data()[i]);
    return y;
    // END SOLUTION
}

}  // namespace nnlab
