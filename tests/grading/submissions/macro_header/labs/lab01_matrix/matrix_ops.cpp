// Hostile: redefines the assertion macros in the student's own file (they only reach this
// translation unit, not the tests) and returns empty values everywhere.
#define EXPECT_NEAR(...) (void)0
#define EXPECT_EQ(...) (void)0
#define ASSERT_EQ(...) (void)0
#include "matrix_ops.hpp"

namespace nnlab {

Matrix matmul(const Matrix&, const Matrix&) { return {}; }
Matrix transpose(const Matrix&) { return {}; }
void add_row_vector(Matrix&, const Matrix&) {}
Matrix column_sums(const Matrix&) { return {}; }
std::vector<int> argmax_rows(const Matrix&) { return {}; }
Matrix map_elements(const Matrix&, const std::function<float(float)>&) { return {}; }

}  // namespace nnlab
