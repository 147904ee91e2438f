// checked_matrix_test — the student edition's bounds-checked Matrix element access.
// This program is compiled with NNLAB_CHECKED_ELEMENTS, as nnlab::edition compiles the
// student edition: an index outside the shape throws, naming the index, the shape and the
// file:line of the call.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/matrix.hpp"
#include "test_helpers.hpp"

#ifndef NNLAB_CHECKED_ELEMENTS
#error "checked_matrix_test must be built with NNLAB_CHECKED_ELEMENTS"
#endif

using namespace nnlab;

TEST(CheckedMatrix, InsideTheShapeReadsAndWrites) {
    Matrix m(2, 3);
    m(1, 2) = 5.0f;
    const Matrix& c = m;
    EXPECT_EQ(c(1, 2), 5.0f);
    EXPECT_EQ(m.data()[5], 5.0f);
}

TEST(CheckedMatrix, OneColumnPastTheEndNamesIndexShapeAndLine) {
    Matrix m(2, 3);
    const int line = __LINE__ + 1;
    auto one_past = [&] { m(1, 3) = 1.0f; };  // on its own line: macros move __LINE__ by compiler
    EXPECT_THROW_WITH(one_past(), std::out_of_range,
                      {"m(1, 3) is outside a 2×3 matrix", "rows 0..1, columns 0..2", "column 3 does not exist",
                       "checked_matrix_test.cpp:" + std::to_string(line)});
}

TEST(CheckedMatrix, RowPastTheEndAndNegativeIndicesOnConstMatrices) {
    const Matrix m(2, 3);
    EXPECT_THROW_WITH((void)m(2, 0), std::out_of_range, {"m(2, 0)", "row 2 does not exist"});
    EXPECT_THROW_WITH((void)m(0, -1), std::out_of_range, {"m(0, -1)", "column -1 does not exist"});
    EXPECT_THROW_WITH((void)m(-1, 0), std::out_of_range, {"row -1 does not exist"});
}
