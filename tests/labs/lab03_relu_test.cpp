// lab03 · ReLU — graded tests. Points are beside each test; the lab totals 100.
#include <cmath>

#include "core/gradcheck.hpp"
#include "grading/grading.hpp"
#include "lab03_relu/relu.hpp"
#include "core/random.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

NNLAB_LAB(lab03, "ReLU", 100);

GRADED_TEST(Lab03Relu, ForwardHandValues, 20) {
    ReLU relu;
    const Matrix y = relu.forward(Matrix(2, 3, {-2, -0.5f, 0, 0.5f, 3, -0}));
    EXPECT_MATRIX_NEAR(y, Matrix(2, 3, {0, 0, 0, 0.5f, 3, 0}), 0.0f) << "y = max(0, x)";
}

GRADED_TEST(Lab03Relu, BackwardHandValues, 20) {
    ReLU relu;
    relu.forward(Matrix(1, 4, {-2, -0.5f, 0.5f, 3}));
    const Matrix dx = relu.backward(Matrix(1, 4, {1, 2, 3, 4}));
    EXPECT_MATRIX_NEAR(dx, Matrix(1, 4, {0, 0, 3, 4}), 0.0f) << "dx = dy where x > 0, 0 where x < 0";
}

GRADED_TEST(Lab03Relu, GradientAtZeroIsZero, 15) {
    // Our convention at the kink: the mask is 1[x > 0], so x = 0 passes no gradient.
    ReLU relu;
    relu.forward(Matrix(1, 2, {0.0f, -0.0f}));
    EXPECT_MATRIX_NEAR(relu.backward(Matrix(1, 2, {5, 5})), Matrix(1, 2), 0.0f)
        << "at x = 0 the gradient is 0 by convention (use x > 0, not x >= 0)";
}

GRADED_TEST(Lab03Relu, GradientCheckAwayFromKink, 20) {
    Rng rng(11);
    Matrix x(4, 6), g(4, 6);
    fill_uniform(g, -1, 1, rng);
    // |x| ≥ 0.1 and ε = 0.01: x ± ε never crosses 0, where ReLU has no derivative.
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float v = rng.uniform(0.1f, 1.0f);
        x.data()[i] = rng.below(2) ? v : -v;
    }
    ReLU relu;
    relu.forward(x);
    const Matrix dx = relu.backward(g);
    auto loss = [&] {
        ReLU fresh;
        const Matrix y = fresh.forward(x);
        double s = 0;
        for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y.data()[i]) * g.data()[i];
        return s;
    };
    // Piecewise linear: central differences are exact up to rounding (≈ 1e-5), so 1e-3 is generous.
    const auto result = check_gradient(loss, x, dx);
    EXPECT_LT(result.max_relative_error, 1e-3) << "dx disagrees with finite differences: " << result;
}

GRADED_TEST(Lab03Relu, BackwardUsesTheSavedInput, 15) {
    ReLU relu;
    Matrix x(1, 3, {-1, 2, 3});
    Matrix y = relu.forward(x);
    // Neither the caller's input nor the returned output may matter to backward:
    // it needs its own copy of the input.
    x.fill(-5.0f);
    y.fill(-5.0f);
    EXPECT_MATRIX_NEAR(relu.backward(Matrix(1, 3, {1, 1, 1})), Matrix(1, 3, {0, 1, 1}), 0.0f)
        << "backward must use the input saved by forward (keep a copy in x)";
}

GRADED_TEST(Lab03Relu, ShapeMismatch, 10) {
    ReLU relu;
    relu.forward(Matrix(2, 3));
    EXPECT_REJECTED(relu.backward(Matrix(3, 2)), "ReLU::backward", "dy of shape 3×2 for an input of shape 2×3",
                    {"3×2", "2×3"});
}
