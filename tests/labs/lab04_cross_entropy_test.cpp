// lab04 · softmax cross-entropy — graded tests. Points are beside each test; the lab totals 100.
#include <cmath>

#include "core/gradcheck.hpp"
#include "grading/grading.hpp"
#include "lab04_cross_entropy/cross_entropy.hpp"
#include "core/random.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

NNLAB_LAB(lab04, "Softmax cross-entropy", 100);

namespace {

const Matrix kHandLogits(2, 3, {1, 2, 3, 1, 1, 1});
const std::vector<int> kHandLabels = {2, 0};

bool all_finite(const Matrix& m) {
    for (std::size_t i = 0; i < m.size(); ++i)
        if (!std::isfinite(m.data()[i])) return false;
    return true;
}

}  // namespace

GRADED_TEST(Lab04CrossEntropy, UniformLogitsGiveLog10, 10) {
    // Equal scores mean p = 1/10 for every class, so −log p = log 10 whatever the label.
    Matrix f(3, 10);
    f.fill(7.0f);
    const Matrix p = softmax_rows(f);
    for (std::size_t i = 0; i < p.size(); ++i) ASSERT_NEAR(p.data()[i], 0.1f, 1e-7f) << "uniform logits give p = 1/10";
    EXPECT_NEAR(nll_loss(log_softmax_rows(f), {0, 4, 9}), std::log(10.0f), 1e-6f) << "the loss is log 10 ≈ 2.302585";
}

GRADED_TEST(Lab04CrossEntropy, HandComputed2x3, 20) {
    // Row 0: softmax(1, 2, 3) = (0.0900306, 0.2447285, 0.6652410), label 2 → −log 0.6652410 = 0.4076059
    // Row 1: softmax(1, 1, 1) = 1/3 each, label 0 → log 3 = 1.0986123.   L = mean = 0.7531091
    EXPECT_MATRIX_NEAR(softmax_rows(kHandLogits),
                       Matrix(2, 3, {0.0900306f, 0.2447285f, 0.6652410f, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f}), 1e-6f);
    EXPECT_NEAR(nll_loss(log_softmax_rows(kHandLogits), kHandLabels), 0.7531091f, 1e-6f)
        << "L = (1/B) Σ −log p(i, y_i): the mean over the batch, not the sum";
    // ∂L/∂f = (p − onehot(y)) / B, with B = 2
    EXPECT_MATRIX_NEAR(cross_entropy_grad(softmax_rows(kHandLogits), kHandLabels),
                       Matrix(2, 3, {0.0450153f, 0.1223642f, -0.1673795f, -0.3333333f, 0.1666667f, 0.1666667f}), 1e-6f)
        << "the gradient is (p − onehot(y)) / B — did you divide by the batch size?";
}

GRADED_TEST(Lab04CrossEntropy, LossLayerForwardBackward, 15) {
    SoftmaxCrossEntropy loss;
    EXPECT_NEAR(loss.forward(kHandLogits, kHandLabels), 0.7531091f, 1e-6f);
    EXPECT_MATRIX_NEAR(loss.p, softmax_rows(kHandLogits), 1e-7f) << "forward keeps the probabilities p";
    EXPECT_MATRIX_NEAR(loss.backward(), cross_entropy_grad(softmax_rows(kHandLogits), kHandLabels), 1e-7f);
}

GRADED_TEST(Lab04CrossEntropy, LargeLogitsStayFinite, 15) {
    // e^1000 overflows float. With the row max subtracted: row 0's p is (1, 0, 0), so its
    // label-1 loss is 2000 exactly — which log(softmax) would get as −log 0 = inf.
    // Row 1: two equal top scores, label 2 → log 2.
    const Matrix f(2, 3, {1000, -1000, 0, -1000, 1000, 1000});
    const std::vector<int> y = {1, 2};
    const Matrix p = softmax_rows(f);
    ASSERT_TRUE(all_finite(p)) << p << "\nsoftmax overflowed: subtract the row max before exp";
    EXPECT_MATRIX_NEAR(p, Matrix(2, 3, {1, 0, 0, 0, 0.5f, 0.5f}), 1e-6f);
    const float loss = nll_loss(log_softmax_rows(f), y);
    ASSERT_TRUE(std::isfinite(loss)) << "the loss overflowed: compute log p as f − max − log Σ exp(f − max), not log(softmax)";
    EXPECT_NEAR(loss, (2000.0f + std::log(2.0f)) / 2, 1e-3f);
    EXPECT_TRUE(all_finite(cross_entropy_grad(p, y)));
}

GRADED_TEST(Lab04CrossEntropy, RowsSumToOneAndGradientRowsToZero, 10) {
    Rng rng(4);
    Matrix f(8, 10);
    fill_uniform(f, -5, 5, rng);
    const std::vector<int> y = {0, 1, 2, 3, 4, 5, 6, 9};
    const Matrix p = softmax_rows(f), g = cross_entropy_grad(p, y);
    for (int i = 0; i < f.rows(); ++i) {
        double ps = 0, gs = 0;
        for (int j = 0; j < f.cols(); ++j) {
            ps += p(i, j);
            gs += g(i, j);
        }
        EXPECT_NEAR(ps, 1.0, 1e-6) << "row " << i << " of softmax must sum to 1";
        EXPECT_NEAR(gs, 0.0, 1e-7) << "row " << i << " of the gradient must sum to 0 (Σp = 1 minus the one-hot 1)";
    }
}

GRADED_TEST(Lab04CrossEntropy, GradientCheck, 20) {
    Rng rng(5);
    Matrix f(4, 5);
    fill_uniform(f, -2, 2, rng);
    const std::vector<int> y = {3, 0, 4, 1};
    const Matrix analytic = cross_entropy_grad(softmax_rows(f), y);
    // The loss accumulated in double from the float log-probabilities. The loss is smooth;
    // with ε = 1e-2 the truncation error is ~ε²·|f'''| ≈ 1e-5 and float rounding of log p
    // (1e-7 relative) divided by 2ε adds ~1e-5, on gradients of about 0.05–0.25.
    // A relative tolerance of 1e-2 is far above both and far below a factor of B or a sign.
    auto loss = [&] {
        const Matrix log_p = log_softmax_rows(f);
        double s = 0;
        for (int i = 0; i < f.rows(); ++i) s -= log_p(i, y[i]);
        return s / f.rows();
    };
    const auto r = check_gradient(loss, f, analytic);
    const double ratio = r.analytic / r.numeric;
    EXPECT_LT(r.max_relative_error, 1e-2)
        << "the gradient disagrees with finite differences: " << r
        << (std::abs(ratio - f.rows()) < 0.1 ? "\nit is B times too large: did you divide by the batch size?" : "");
}

GRADED_TEST(Lab04CrossEntropy, LabelOutOfRangeNamesRowAndLabel, 10) {
    Matrix f(3, 10);
    EXPECT_REJECTED(nll_loss(log_softmax_rows(f), {1, 12, 3}), "nll_loss", "label 12 in row 1 for 10 classes",
                    {"label 12", "row 1"});
    EXPECT_REJECTED(cross_entropy_grad(softmax_rows(f), {1, 2, -1}), "cross_entropy_grad", "label -1 in row 2",
                    {"label -1", "row 2"});
    // Too many labels first: without a count check that one only goes unnoticed; too few would
    // read past the end of the labels (in the student edition an abort, not a message).
    if (!EXPECT_REJECTED(nll_loss(log_softmax_rows(f), {1, 2, 3, 4}), "nll_loss", "4 labels for 3 rows",
                         {"4 labels", "3 rows"}))
        return;
    EXPECT_REJECTED(nll_loss(log_softmax_rows(f), {1, 2}), "nll_loss", "2 labels for 3 rows", {"2 labels", "3 rows"});
}
