// lab01 · matrix operations — graded tests. Points are beside each test; the lab totals 100.
#include <cmath>
#include <string>

#include "grading/grading.hpp"
#include "lab01_matrix/matrix_ops.hpp"
#include "core/random.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

NNLAB_LAB(lab01, "Matrix operations", 100);

GRADED_TEST(Lab01Matrix, MatmulHandSquare, 10) {
    const Matrix a(2, 2, {1, 2, 3, 4}), b(2, 2, {5, 6, 7, 8});
    // [1 2; 3 4]·[5 6; 7 8] = [1·5+2·7  1·6+2·8; 3·5+4·7  3·6+4·8]
    EXPECT_MATRIX_NEAR(matmul(a, b), Matrix(2, 2, {19, 22, 43, 50}), 0.0f);
}

GRADED_TEST(Lab01Matrix, MatmulHandNonSquare, 10) {
    const Matrix a(2, 3, {1, 2, 3, 4, 5, 6}), b(3, 2, {7, 8, 9, 10, 11, 12});
    // (2×3)·(3×2) = 2×2: row 0 is [1·7+2·9+3·11, 1·8+2·10+3·12]
    EXPECT_MATRIX_NEAR(matmul(a, b), Matrix(2, 2, {58, 64, 139, 154}), 0.0f);
    // (3×2)·(2×3) = 3×3: the other order gives another shape
    const Matrix ba = matmul(b, a);
    ASSERT_EQ(ba.shape(), "3×3") << "B·A of a 3×2 and a 2×3 matrix is 3×3";
    EXPECT_MATRIX_NEAR(ba, Matrix(3, 3, {39, 54, 69, 49, 68, 87, 59, 82, 105}), 0.0f);
}

GRADED_TEST(Lab01Matrix, MatmulIdentity, 5) {
    Rng rng(1);
    Matrix a(4, 5), identity(5, 5);
    fill_uniform(a, -1, 1, rng);
    for (int i = 0; i < 5; ++i) identity(i, i) = 1.0f;
    EXPECT_MATRIX_NEAR(matmul(a, identity), a, 0.0f) << "A·I must be A";
}

GRADED_TEST(Lab01Matrix, MatmulRandomShapesAgainstDouble, 15) {
    Rng rng(2);
    const int shapes[][3] = {{1, 1, 1}, {1, 7, 3}, {5, 1, 4}, {3, 8, 1}, {16, 16, 16}, {37, 53, 29}, {29, 37, 53}};
    for (const auto& s : shapes) {
        const int M = s[0], K = s[1], N = s[2];
        Matrix a(M, K), b(K, N);
        fill_uniform(a, -1, 1, rng);
        fill_uniform(b, -1, 1, rng);
        const Matrix c = matmul(a, b);
        ASSERT_EQ(c.shape(), std::to_string(M) + "×" + std::to_string(N)) << "A is " << a.shape() << ", B is " << b.shape();
        // |entries| ≤ 1, so float's rounding error over K terms stays below K·1e-6.
        EXPECT_MATRIX_NEAR(c, reference_matmul(a, b), 1e-6f * K) << "for A " << a.shape() << " · B " << b.shape();
    }
}

GRADED_TEST(Lab01Matrix, MatmulShapeMismatchNamesBothShapes, 10) {
    const Matrix a(2, 3), b(4, 5);
    EXPECT_REJECTED(matmul(a, b), "matmul", "A of shape 2×3 and B of shape 4×5 (A's 3 columns are not B's 4 rows)", {"2×3", "4×5"});
}

GRADED_TEST(Lab01Matrix, Transpose, 10) {
    const Matrix a(2, 3, {1, 2, 3, 4, 5, 6});
    EXPECT_MATRIX_NEAR(transpose(a), Matrix(3, 2, {1, 4, 2, 5, 3, 6}), 0.0f);
    Rng rng(3);
    Matrix r(7, 5);
    fill_uniform(r, -1, 1, rng);
    EXPECT_MATRIX_NEAR(transpose(transpose(r)), r, 0.0f) << "(Aᵀ)ᵀ must be A";
}

GRADED_TEST(Lab01Matrix, AddRowVector, 10) {
    Matrix x(3, 2, {1, 2, 3, 4, 5, 6});
    add_row_vector(x, Matrix(1, 2, {10, -1}));
    EXPECT_MATRIX_NEAR(x, Matrix(3, 2, {11, 1, 13, 3, 15, 5}), 0.0f) << "b is added to every row";
}

GRADED_TEST(Lab01Matrix, AddRowVectorShapeMismatch, 5) {
    Matrix x(3, 2);
    EXPECT_REJECTED(add_row_vector(x, Matrix(1, 3)), "add_row_vector", "b of shape 1×3 for x of shape 3×2", {"1×3"});
    EXPECT_REJECTED(add_row_vector(x, Matrix(2, 2)), "add_row_vector", "b of shape 2×2 for x of shape 3×2", {"2×2"});
}

GRADED_TEST(Lab01Matrix, ColumnSums, 10) {
    const Matrix x(3, 2, {1, 2, 3, 4, 5, 6});
    EXPECT_MATRIX_NEAR(column_sums(x), Matrix(1, 2, {9, 12}), 0.0f) << "the result is 1×N: one sum per column";
    EXPECT_MATRIX_NEAR(column_sums(Matrix(1, 3, {-1, 0, 2})), Matrix(1, 3, {-1, 0, 2}), 0.0f);
}

GRADED_TEST(Lab01Matrix, ArgmaxRows, 10) {
    const Matrix x(4, 3, {1, 5, 2,      // clear maximum in the middle
                          -3, -1, -2,   // all negative: −1 is the largest
                          7, 7, 1,      // a tie: the first one wins
                          0, 0, 0});    // all equal: column 0
    EXPECT_EQ(argmax_rows(x), (std::vector<int>{1, 1, 0, 0})) << "ties go to the first column (compare with >)";
}

GRADED_TEST(Lab01Matrix, MapElements, 5) {
    const Matrix x(2, 2, {-1, 0, 1, 2});
    EXPECT_MATRIX_NEAR(map_elements(x, [](float v) { return 2 * v + 1; }), Matrix(2, 2, {-1, 1, 3, 5}), 0.0f);
}
