// Tests of common/: Matrix, the NotImplemented hook, the random helpers, the gradient checker.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sstream>

#include "core/allocator.hpp"
#include "core/gradcheck.hpp"
#include "core/json_escape.hpp"
#include "core/matrix.hpp"
#include "core/random.hpp"
#include "test_helpers.hpp"
#include "core/todo.hpp"

using namespace nnlab;

TEST(Matrix, ShapeZeroFillAndAlignment) {
    Matrix m(3, 5);
    EXPECT_EQ(m.rows(), 3);
    EXPECT_EQ(m.cols(), 5);
    EXPECT_EQ(m.shape(), "3×5");
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m.data()) % 64, 0u) << "storage must be 64-byte aligned";
    for (std::size_t i = 0; i < m.size(); ++i) EXPECT_EQ(m.data()[i], 0.0f);
}

TEST(Matrix, RowMajorLayout) {
    Matrix m(2, 3, {1, 2, 3, 4, 5, 6});
    EXPECT_EQ(m(1, 0), 4.0f);
    EXPECT_EQ(m.data()[1 * 3 + 2], m(1, 2));
    EXPECT_EQ(m.row(1)[1], 5.0f);
}

TEST(Matrix, CheckedAccessNamesIndexAndShape) {
    Matrix m(2, 3);
    EXPECT_THROW_WITH(m.at(2, 0), std::out_of_range, {"(2, 0)", "2×3"});
    EXPECT_THROW_WITH(m.at(0, -1), std::out_of_range, {"(0, -1)"});
    m.at(1, 2) = 7.0f;
    EXPECT_EQ(m(1, 2), 7.0f);
}

TEST(Matrix, WrongValueCountThrows) {
    EXPECT_THROW_WITH(Matrix(2, 2, {1, 2, 3}), std::invalid_argument, {"2×2", "4", "3"});
}

TEST(Matrix, CopyIsDeepAndMoveEmptiesSource) {
    Matrix a(2, 2, {1, 2, 3, 4});
    Matrix b = a;
    b(0, 0) = 9;
    EXPECT_EQ(a(0, 0), 1.0f);
    Matrix c = std::move(a);
    EXPECT_EQ(c(1, 1), 4.0f);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
    b = c;
    EXPECT_EQ(b(0, 0), 1.0f);
}

TEST(Matrix, PrintsShapeAndValues) {
    std::ostringstream out;
    out << Matrix(2, 2, {1, 2, 3, 4});
    EXPECT_EQ(out.str(), "Matrix 2×2\n[[1, 2],\n [3, 4]]");
    std::ostringstream big;
    big << Matrix(20, 20);
    EXPECT_NE(big.str().find("…"), std::string::npos) << "large matrices are elided";
    EXPECT_LT(big.str().size(), 600u);
}

TEST(Matrix, RequireShapeNamesBoth) {
    EXPECT_THROW_WITH(require_shape(Matrix(2, 3), 3, 2, "weights"), std::invalid_argument, {"weights", "3×2", "2×3"});
    EXPECT_NO_THROW(require_shape(Matrix(2, 3), 2, 3, "weights"));
}

TEST(Todo, MessageNamesLabFunctionAndLine) {
    try {
        todo("lab02", "Linear::backward");
        FAIL() << "todo must throw";
    } catch (const NotImplemented& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("lab02 · Linear::backward is still a TODO ("), std::string::npos) << what;
        EXPECT_NE(what.find("tests/common/core_test.cpp:"), std::string::npos) << what;
        EXPECT_EQ(e.lab(), "lab02");
        ASSERT_NE(last_todo(), nullptr);
        EXPECT_EQ(last_todo()->function(), "Linear::backward");
    }
}

TEST(Random, SameSeedSameNumbers) {
    Rng a(5), b(5), c(6);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.normal(), b.normal());
    EXPECT_NE(Rng(5).next_u64(), c.next_u64());
}

TEST(Random, UniformAndNormalMoments) {
    Rng rng(123);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0;
    float lo = 1, hi = 0;
    for (int i = 0; i < n; ++i) {
        const float u = rng.uniform();
        lo = std::min(lo, u);
        hi = std::max(hi, u);
        su += u;
        const double z = rng.normal();
        sn += z;
        sn2 += z * z;
    }
    EXPECT_GE(lo, 0.0f);
    EXPECT_LT(hi, 1.0f);
    // standard errors: uniform mean 0.00065, normal mean 0.0022, normal variance 0.0032
    EXPECT_NEAR(su / n, 0.5, 0.004);
    EXPECT_NEAR(sn / n, 0.0, 0.012);
    EXPECT_NEAR(sn2 / n, 1.0, 0.02);
}

TEST(Random, ShuffleIsAPermutation) {
    Rng rng(9);
    std::vector<int> v = iota_indices(50);
    rng.shuffle(v);
    EXPECT_NE(v, iota_indices(50));
    std::sort(v.begin(), v.end());
    EXPECT_EQ(v, iota_indices(50));
}

TEST(GradCheck, AgreesOnAKnownGradientAndCatchesAWrongOne) {
    // L = Σ w², ∂L/∂w = 2w
    Matrix w(2, 2, {0.5f, -1, 2, 0.25f});
    auto loss = [&] {
        double s = 0;
        for (std::size_t i = 0; i < w.size(); ++i) s += static_cast<double>(w.data()[i]) * w.data()[i];
        return s;
    };
    Matrix right(2, 2, {1, -2, 4, 0.5f}), wrong(2, 2, {1, -2, 2, 0.5f});
    EXPECT_LT(check_gradient(loss, w, right).max_relative_error, 1e-4);
    const auto bad = check_gradient(loss, w, wrong);
    EXPECT_GT(bad.max_relative_error, 0.4);
    EXPECT_EQ(bad.row, 1);
    EXPECT_EQ(bad.col, 0);
    EXPECT_EQ(w(1, 0), 2.0f) << "the parameter is restored";
}

TEST(JsonEscape, QuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(json_escape("plain · text"), "plain · text");
    EXPECT_EQ(json_escape("a \"b\" c\\d"), "a \\\"b\\\" c\\\\d");
    EXPECT_EQ(json_escape("line\nnext\tcol"), "line\\nnext\\tcol");
    EXPECT_EQ(json_escape(std::string("bell\x07")), "bell\\u0007");
}

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
// A step's matrices (here 1 MiB, batch 128 × 2048 hidden units) come from the heap and stay
// in it when freed: glibc would otherwise mmap the block, and give it back on free.
TEST(Allocator, FreedMatricesStayInTheProcess) {
    keep_freed_memory();
    const struct mallinfo2 before = mallinfo2();
    void* block = std::malloc(std::size_t{1} << 20);
    ASSERT_NE(block, nullptr);
    const struct mallinfo2 during = mallinfo2();
    EXPECT_EQ(during.hblks, before.hblks) << "a 1 MiB block was served by mmap";
    EXPECT_GE(during.uordblks, before.uordblks + (std::size_t{1} << 20)) << "the block is not in the heap";
    std::free(block);
    const struct mallinfo2 after = mallinfo2();
    EXPECT_EQ(after.arena, during.arena) << "the heap was trimmed: the next step faults its pages in again";
}
#endif
