// lab06 · momentum — graded tests. Points are beside each test; the lab totals 100.
#include <cmath>
#include <cstring>
#include <iostream>

#include "grading/grading.hpp"
#include "lab06_momentum/momentum.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

NNLAB_LAB(lab06, "Momentum", 100);

namespace {

// One parameter w (1×2) with a gradient we set by hand.
struct Single {
    Matrix w, g;
    std::vector<Param> params() { return {{"w", &w, &g}}; }
};

// Steps of `opt` on f(w) = ½(w₀² + 100·w₁²) from (1, 1) until |w| < 1e-3 (at most 5000).
// The curvature is 1 along w₀ and 100 along w₁: a narrow valley, where plain gradient
// descent must take small steps (η < 2/100) and then crawls along the flat direction.
int steps_to_converge(Optimizer& opt) {
    Single s{Matrix(1, 2, {1, 1}), Matrix(1, 2)};
    for (int step = 1; step <= 5000; ++step) {
        s.g(0, 0) = s.w(0, 0);
        s.g(0, 1) = 100 * s.w(0, 1);
        opt.step(s.params());
        if (std::hypot(s.w(0, 0), s.w(0, 1)) < 1e-3) return step;
    }
    return 5001;
}

}  // namespace

GRADED_TEST(Lab06Momentum, ThreeStepsHandValues, 25) {
    Single s{Matrix(1, 2, {1, -2}), Matrix(1, 2)};
    Momentum opt(0.1f, 0.9f);
    // v₁ = 0.1·(1, 1) = (0.1, 0.1)                           w = (0.9, −2.1)
    s.g = Matrix(1, 2, {1, 1});
    opt.step(s.params());
    EXPECT_MATRIX_NEAR(s.w, Matrix(1, 2, {0.9f, -2.1f}), 1e-6f) << "step 1: v = η·g, w ← w − v";
    // v₂ = 0.9·(0.1, 0.1) + 0.1·(0.5, −1) = (0.14, −0.01)    w = (0.76, −2.09)
    s.g = Matrix(1, 2, {0.5f, -1});
    opt.step(s.params());
    EXPECT_MATRIX_NEAR(s.w, Matrix(1, 2, {0.76f, -2.09f}), 1e-6f) << "step 2: v ← γ·v + η·g, w ← w − v";
    // v₃ = 0.9·(0.14, −0.01) + 0.1·(0, 2) = (0.126, 0.191)   w = (0.634, −2.281)
    s.g = Matrix(1, 2, {0, 2});
    opt.step(s.params());
    EXPECT_MATRIX_NEAR(s.w, Matrix(1, 2, {0.634f, -2.281f}), 1e-6f) << "step 3";
    ASSERT_EQ(opt.velocity.size(), 1u);
    EXPECT_MATRIX_NEAR(opt.velocity[0], Matrix(1, 2, {0.126f, 0.191f}), 1e-6f) << "the velocity after three steps";
}

GRADED_TEST(Lab06Momentum, VelocityStartsAtZeroWithParamShapes, 10) {
    Network net(6, 5, 3, 1);
    for (const Param& p : net.params()) p.grad->fill(0.0f);
    Momentum opt(0.1f, 0.9f);
    const Matrix w_before = net.fc1.W;
    opt.step(net.params());
    ASSERT_EQ(opt.velocity.size(), 4u) << "one velocity per parameter";
    const auto params = net.params();
    for (std::size_t i = 0; i < params.size(); ++i) {
        EXPECT_TRUE(opt.velocity[i].same_shape(*params[i].value)) << params[i].name;
        EXPECT_MATRIX_NEAR(opt.velocity[i], Matrix(params[i].value->rows(), params[i].value->cols()), 0.0f)
            << "zero gradients from a zero velocity leave v at zero";
    }
    EXPECT_MATRIX_NEAR(net.fc1.W, w_before, 0.0f);
}

GRADED_TEST(Lab06Momentum, GradientShapeMismatch, 5) {
    Single s{Matrix(2, 3), Matrix(3, 2)};
    Momentum opt(0.1f, 0.9f);
    EXPECT_REJECTED(opt.step(s.params()), "Momentum::step", "a gradient of shape 3×2 for the parameter w of shape 2×3", {"3×2", "2×3"});
}

GRADED_TEST(Lab06Momentum, GammaZeroIsSgdBitForBit, 20) {
    Rng rng(2);
    Matrix x(16, 6);
    fill_uniform(x, -1, 1, rng);
    std::vector<int> y(16);
    for (int i = 0; i < 16; ++i) y[static_cast<std::size_t>(i)] = i % 3;
    Network a(6, 5, 3, 9), b(6, 5, 3, 9);
    Sgd sgd(0.3f);
    Momentum momentum(0.3f, 0.0f);
    for (int step = 0; step < 3; ++step) {
        train_step(a, x, y, sgd);
        train_step(b, x, y, momentum);
    }
    const auto pa = a.params(), pb = b.params();
    for (std::size_t i = 0; i < pa.size(); ++i)
        EXPECT_EQ(std::memcmp(pa[i].value->data(), pb[i].value->data(), pa[i].value->size() * sizeof(float)), 0)
            << pa[i].name << ": with γ = 0, momentum must give exactly SGD's weights (v = η·g, w ← w − v)";
}

GRADED_TEST(Lab06Momentum, FasterOnAnIllConditionedQuadratic, 20) {
    Sgd sgd(0.015f);
    Momentum momentum(0.015f, 0.9f);
    const int sgd_steps = steps_to_converge(sgd), momentum_steps = steps_to_converge(momentum);
    ASSERT_LE(momentum_steps, 5000) << "momentum did not converge: is the sign of w ← w − v right?";
    EXPECT_LT(momentum_steps * 2, sgd_steps) << "momentum took " << momentum_steps << " steps, SGD " << sgd_steps
                                             << ": momentum should need well under half";
}

GRADED_TEST(Lab06Momentum, MnistOneEpochAbove96Percent, 20) {
    const Dataset& train = *REQUIRE_MNIST(Split::Train);
    const Dataset& test = *REQUIRE_MNIST(Split::Test);
    Network net(784, 128, 10, 42);
    Momentum momentum(0.01f, 0.9f);
    Rng rng(1);
    const float train_loss = train_epoch(net, train, 32, momentum, rng);
    const Evaluation e = evaluate(net, test);
    std::cout << "  one epoch on MNIST with momentum: test accuracy " << 100 * e.accuracy << "% (needs ≥ 96%), train loss "
              << train_loss << ", test loss " << e.loss << "\n";
    EXPECT_GE(e.accuracy, 0.96f) << "one epoch of H = 128, batch 32, η = 0.01, γ = 0.9: test accuracy " << 100 * e.accuracy
                                 << "% (needs ≥ 96%), train loss " << train_loss << ", test loss " << e.loss;
}
