// lab02 · the Linear layer — graded tests. Points are beside each test; the lab totals 100.
#include <cmath>

#include "core/gradcheck.hpp"
#include "grading/grading.hpp"
#include "lab02_linear/linear.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

NNLAB_LAB(lab02, "Linear layer", 100);

namespace {

// A 3→2 layer with hand-picked weights:  W = [1 0; 0 1; 1 −1],  b = [0.5 −1].
Linear hand_layer() {
    Rng rng(0);
    Linear layer(3, 2, rng);
    layer.W = Matrix(3, 2, {1, 0, 0, 1, 1, -1});
    layer.b = Matrix(1, 2, {0.5f, -1});
    return layer;
}

// L = Σ_ij y(i, j)·G(i, j) for a fixed G, so ∂L/∂y = G: a loss whose gradient we know.
double weighted_sum(const Matrix& y, const Matrix& g) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y.data()[i]) * g.data()[i];
    return s;
}

struct GradCase {
    Linear layer;
    Matrix x, g;
};

GradCase random_case() {
    Rng rng(7);
    GradCase c{Linear(5, 4, rng), Matrix(3, 5), Matrix(3, 4)};
    fill_uniform(c.x, -1, 1, rng);
    fill_uniform(c.g, -1, 1, rng);
    fill_uniform(c.layer.b, -1, 1, rng);
    return c;
}

// L is linear in W, b and x, so central differences have no truncation error: what is left
// is float rounding in y (≈ 1e-7 relative) divided by 2ε = 0.02, about 1e-5 on gradients of
// size ~1. A tolerance of 1e-3 is 100× above that and far below any real bug (a factor 2,
// a transpose, a missing term are all errors of order 1).
constexpr double kGradTolerance = 1e-3;

}  // namespace

GRADED_TEST(Lab02Linear, InitShapesAndZeroBias, 5) {
    Rng rng(1);
    Linear layer(4, 3, rng);
    EXPECT_EQ(layer.W.shape(), "4×3") << "W is in×out";
    EXPECT_EQ(layer.b.shape(), "1×3") << "b is 1×out";
    EXPECT_EQ(layer.dW.shape(), "4×3") << "dW has W's shape";
    EXPECT_EQ(layer.db.shape(), "1×3") << "db has b's shape";
    EXPECT_MATRIX_NEAR(layer.b, Matrix(1, 3), 0.0f) << "the bias starts at zero";
}

GRADED_TEST(Lab02Linear, HeInitStatistics, 10) {
    Rng rng(42);
    Linear layer(784, 256, rng);
    const double n = static_cast<double>(layer.W.size()), expected_var = 2.0 / 784;
    double sum = 0, sum_sq = 0;
    for (std::size_t i = 0; i < layer.W.size(); ++i) {
        sum += layer.W.data()[i];
        sum_sq += static_cast<double>(layer.W.data()[i]) * layer.W.data()[i];
    }
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    // With n = 200704 samples of N(0, 2/784): the mean has standard deviation
    // sqrt(var/n) ≈ 1.1e-4, so |mean| < 6e-4 is 5 standard deviations; the sample variance
    // has relative standard deviation sqrt(2/n) ≈ 0.3%, so 2% is over 6 of them.
    EXPECT_LT(std::abs(mean), 6e-4) << "W should have mean 0";
    EXPECT_NEAR(var / expected_var, 1.0, 0.02) << "W should have variance 2/in = " << expected_var << " (He init), got " << var;
}

GRADED_TEST(Lab02Linear, ForwardHandValues, 15) {
    Linear layer = hand_layer();
    const Matrix x(2, 3, {1, 2, 3, 4, 5, 6});
    // y = x·W + b: row 0 = [1+3, 2−3] + [0.5, −1] = [4.5, −2]; row 1 = [4+6, 5−6] + b = [10.5, −2]
    const Matrix y = layer.forward(x);
    EXPECT_MATRIX_NEAR(y, Matrix(2, 2, {4.5f, -2, 10.5f, -2}), 1e-6f) << "y = x·W + b (b added to every row)";
    EXPECT_MATRIX_NEAR(layer.x, x, 0.0f) << "forward must keep its input in x for backward";
}

GRADED_TEST(Lab02Linear, BackwardHandValues, 20) {
    Linear layer = hand_layer();
    layer.forward(Matrix(2, 3, {1, 2, 3, 4, 5, 6}));
    const Matrix dx = layer.backward(Matrix(2, 2, {1, 0, 0, 2}));
    // dW = xᵀ·dy = [1 4; 2 5; 3 6]·[1 0; 0 2] = [1 8; 2 10; 3 12]
    EXPECT_MATRIX_NEAR(layer.dW, Matrix(3, 2, {1, 8, 2, 10, 3, 12}), 1e-6f) << "dW = xᵀ·dy (in×out)";
    // db = Σ_rows dy = [1, 2]
    EXPECT_MATRIX_NEAR(layer.db, Matrix(1, 2, {1, 2}), 1e-6f) << "db = the column sums of dy";
    // dx = dy·Wᵀ = [1 0; 0 2]·[1 0 1; 0 1 −1] = [1 0 1; 0 2 −2]
    EXPECT_MATRIX_NEAR(dx, Matrix(2, 3, {1, 0, 1, 0, 2, -2}), 1e-6f) << "dx = dy·Wᵀ (B×in)";
}

GRADED_TEST(Lab02Linear, GradientCheckW, 15) {
    GradCase c = random_case();
    c.layer.forward(c.x);
    c.layer.backward(c.g);
    const Matrix dW = c.layer.dW;
    const auto result = check_gradient([&] { return weighted_sum(c.layer.forward(c.x), c.g); }, c.layer.W, dW);
    EXPECT_LT(result.max_relative_error, kGradTolerance) << "dW disagrees with finite differences: " << result;
}

GRADED_TEST(Lab02Linear, GradientCheckB, 10) {
    GradCase c = random_case();
    c.layer.forward(c.x);
    c.layer.backward(c.g);
    const Matrix db = c.layer.db;
    const auto result = check_gradient([&] { return weighted_sum(c.layer.forward(c.x), c.g); }, c.layer.b, db);
    EXPECT_LT(result.max_relative_error, kGradTolerance) << "db disagrees with finite differences: " << result;
}

GRADED_TEST(Lab02Linear, GradientCheckX, 10) {
    GradCase c = random_case();
    c.layer.forward(c.x);
    const Matrix dx = c.layer.backward(c.g);
    Matrix x = c.x;
    const auto result = check_gradient([&] { return weighted_sum(c.layer.forward(x), c.g); }, x, dx);
    EXPECT_LT(result.max_relative_error, kGradTolerance) << "dx disagrees with finite differences: " << result;
}

GRADED_TEST(Lab02Linear, BackwardWithoutDx, 5) {
    GradCase c = random_case();
    c.layer.forward(c.x);
    c.layer.backward(c.g, true);
    const Matrix dW = c.layer.dW;
    const Matrix none = c.layer.backward(c.g, false);
    EXPECT_TRUE(none.empty()) << "backward(dy, false) returns an empty matrix, got " << none.shape();
    EXPECT_MATRIX_NEAR(c.layer.dW, dW, 0.0f) << "dW must not depend on need_dx";
}

GRADED_TEST(Lab02Linear, ShapeErrors, 10) {
    Rng rng(3);
    Linear layer(5, 4, rng);
    EXPECT_REJECTED(layer.forward(Matrix(2, 3)), "Linear::forward", "x of shape 2×3 for a Linear(5, 4) (x: B×5)", {"2×3"});
    layer.forward(Matrix(2, 5));
    EXPECT_REJECTED(layer.backward(Matrix(2, 3)),
                    "Linear::backward", "dy of shape 2×3 after a forward of x 2×5 through a Linear(5, 4) (dy: 2×4)", {"2×3"});
    EXPECT_REJECTED(layer.backward(Matrix(3, 4)),
                    "Linear::backward", "dy of shape 3×4 after a forward of x 2×5 through a Linear(5, 4) (dy: 2×4)", {"3×4"});
    // A layer of no inputs or no outputs is a mistake in the caller: say so at once.
    EXPECT_REJECTED(Linear(0, 3, rng), "Linear::Linear", "in = 0, out = 3 (a layer of no inputs)", {"in=0"});
    EXPECT_REJECTED(Linear(3, 0, rng), "Linear::Linear", "in = 3, out = 0 (a layer of no outputs)", {"out=0"});
    EXPECT_REJECTED(Linear(-2, 3, rng), "Linear::Linear", "in = -2, out = 3 (a negative size)", {"in=-2"});
}
