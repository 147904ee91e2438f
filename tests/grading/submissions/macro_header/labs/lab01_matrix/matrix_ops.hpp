// Hostile: a header that turns GoogleTest's assertions into no-ops. The grader must not
// compile it into the tests: only the manifest's student files are taken from a submission.
#pragma once
#include <gtest/gtest.h>
#undef EXPECT_EQ
#define EXPECT_EQ(a, b) if (true) {} else std::cerr
#undef EXPECT_NEAR
#define EXPECT_NEAR(a, b, t) if (true) {} else std::cerr
#undef EXPECT_TRUE
#define EXPECT_TRUE(a) if (true) {} else std::cerr
#undef EXPECT_PRED_FORMAT3
#define EXPECT_PRED_FORMAT3(f, a, b, c) if (true) {} else std::cerr
#include <functional>
#include <vector>
#include "core/matrix.hpp"
namespace nnlab {
Matrix matmul(const Matrix& a, const Matrix& b);
Matrix transpose(const Matrix& a);
void add_row_vector(Matrix& x, const Matrix& b);
Matrix column_sums(const Matrix& x);
std::vector<int> argmax_rows(const Matrix& x);
Matrix map_elements(const Matrix& x, const std::function<float(float)>& f);
}  // namespace nnlab
