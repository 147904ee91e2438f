// lab01 · matrix operations — the building blocks every later lab uses.
// Shapes are written rows×cols. Matrix is row-major: x(i, j) is row i, column j.
#pragma once

#include <functional>
#include <vector>

#include "core/matrix.hpp"

namespace nnlab {

// C = A·B, the textbook triple loop.           A: M×K, B: K×N → C: M×N
// Throws std::invalid_argument naming both shapes when A.cols() ≠ B.rows().
Matrix matmul(const Matrix& a, const Matrix& b);

// Aᵀ: element (i, j) moves to (j, i).          A: M×N → M×N becomes N×M
Matrix transpose(const Matrix& a);

// x(i, j) += b(0, j) for every row i: the bias broadcast of a layer.
// x: B×N, b: 1×N. Throws std::invalid_argument naming both shapes otherwise.
void add_row_vector(Matrix& x, const Matrix& b);

// s(0, j) = Σ_i x(i, j): the sum of each column.   x: B×N → s: 1×N
Matrix column_sums(const Matrix& x);

// For each row, the column of its largest value; on a tie, the first such column.
// x: B×N → B indices in 0..N−1 (a network's predicted classes).
std::vector<int> argmax_rows(const Matrix& x);

// y(i, j) = f(x(i, j)).                         x: M×N → y: M×N
Matrix map_elements(const Matrix& x, const std::function<float(float)>& f);

}  // namespace nnlab
