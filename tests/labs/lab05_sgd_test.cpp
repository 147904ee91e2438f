// lab05 · the network and SGD — graded tests. Points are beside each test; the lab totals 100.
#include <cmath>
#include <iostream>

#include "core/gradcheck.hpp"
#include "grading/grading.hpp"
#include "lab01_matrix/matrix_ops.hpp"
#include "lab05_sgd/network.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

NNLAB_LAB(lab05, "SGD training loop", 100);

namespace {

// A small labelled data set of `count` images of `side`×`side` bytes: class c is a cluster
// around its own random centre (well separated: centres are ~100 apart per pixel, noise σ = 20).
// The centres come from `centre_seed`, the noise from `noise_seed`: a train and a test set
// share centres and differ in noise.
Dataset clusters(int count, int side, std::uint64_t noise_seed, std::uint64_t centre_seed = 100) {
    Rng rng(noise_seed), centre_rng(centre_seed);
    Dataset d;
    d.name = "clusters";
    d.count = count;
    d.rows = d.cols = side;
    const int f = side * side;
    std::vector<float> centres(static_cast<std::size_t>(10 * f));
    for (auto& c : centres) c = centre_rng.uniform(30, 225);
    for (int i = 0; i < count; ++i) {
        const int label = i % 10;
        d.labels.push_back(static_cast<std::uint8_t>(label));
        for (int j = 0; j < f; ++j) {
            const float v = centres[static_cast<std::size_t>(label * f + j)] + rng.normal(0, 20);
            d.images.push_back(static_cast<std::uint8_t>(std::clamp(v, 0.0f, 255.0f)));
        }
    }
    return d;
}

// The mean cross-entropy of the network on (x, y), accumulated in double.
double loss_of(Network& net, const Matrix& x, const std::vector<int>& y) {
    const Matrix log_p = log_softmax_rows(net.forward(x));
    double s = 0;
    for (int i = 0; i < log_p.rows(); ++i) s -= log_p(i, y[static_cast<std::size_t>(i)]);
    return s / log_p.rows();
}

}  // namespace

GRADED_TEST(Lab05Sgd, SgdUpdateHandValues, 5) {
    Matrix w(2, 2, {1, 2, 3, 4});
    sgd_update(w, Matrix(2, 2, {0.5f, -1, 0, 2}), 0.1f);
    // w − 0.1·g = [1 − 0.05, 2 + 0.1; 3, 4 − 0.2]
    EXPECT_MATRIX_NEAR(w, Matrix(2, 2, {0.95f, 2.1f, 3, 3.8f}), 1e-6f) << "w ← w − η·∇w (a minus: downhill)";
}

GRADED_TEST(Lab05Sgd, SgdUpdateShapeMismatch, 5) {
    Matrix w(2, 3);
    EXPECT_REJECTED(sgd_update(w, Matrix(3, 2), 0.1f), "sgd_update", "grad of shape 3×2 for w of shape 2×3",
                    {"3×2", "2×3"});
    EXPECT_REJECTED(sgd_update(w, Matrix(2, 4), 0.1f), "sgd_update", "grad of shape 2×4 for w of shape 2×3",
                    {"2×4", "2×3"});
}

GRADED_TEST(Lab05Sgd, ForwardShapes, 5) {
    Network net(6, 5, 3, 1);
    const Matrix f = net.forward(Matrix(4, 6));
    EXPECT_EQ(f.shape(), "4×3") << "the logits of a batch of 4 for 3 classes";
}

GRADED_TEST(Lab05Sgd, NetworkGradientCheck, 15) {
    Rng rng(8);
    Matrix x(4, 6);
    fill_uniform(x, -1, 1, rng);
    const std::vector<int> y = {0, 2, 1, 2};
    // ReLU has a kink at 0; finite differences across it are meaningless. Take the first
    // seed whose hidden pre-activations all stay 0.05 from 0, far beyond what ε = 0.01 moves them.
    auto min_abs_hidden = [&](std::uint64_t seed) {
        Network n(6, 5, 3, seed);
        const Matrix h = n.fc1.forward(x);
        float m = 1e9f;
        for (std::size_t i = 0; i < h.size(); ++i) m = std::min(m, std::abs(h.data()[i]));
        return m;
    };
    std::uint64_t seed = 1;
    while (min_abs_hidden(seed) < 0.05f) ++seed;
    Network net(6, 5, 3, seed);

    const Matrix f = net.forward(x);
    net.loss.forward(f, y);
    net.backward(net.loss.backward());
    // As in lab02 and lab04: smooth pieces, ε = 1e-2, errors ~1e-4 relative; 1e-2 allows for them.
    for (const Param& p : net.params()) {
        const Matrix analytic = *p.grad;
        const auto r = check_gradient([&] { return loss_of(net, x, y); }, *p.value, analytic);
        EXPECT_LT(r.max_relative_error, 1e-2) << p.name << "'s gradient disagrees with finite differences: " << r
                                              << "\n(the ReLU mask must come from fc1's output, the input of the ReLU)";
    }
}

GRADED_TEST(Lab05Sgd, TrainStepIsGradientsThenUpdate, 10) {
    Rng rng(9);
    Matrix x(8, 6);
    fill_uniform(x, -1, 1, rng);
    const std::vector<int> y = {0, 1, 2, 0, 1, 2, 0, 1};
    Network stepped(6, 5, 3, 4), by_hand(6, 5, 3, 4);

    Sgd sgd(0.5f);
    const float loss = train_step(stepped, x, y, sgd);

    // By hand: every gradient first, from the weights as they were; then every update.
    const float expected_loss = by_hand.loss.forward(by_hand.forward(x), y);
    by_hand.backward(by_hand.loss.backward());
    for (const Param& p : by_hand.params()) sgd_update(*p.value, *p.grad, 0.5f);

    EXPECT_NEAR(loss, expected_loss, 1e-6f) << "train_step returns the loss of the batch before the update";
    const auto a = stepped.params(), b = by_hand.params();
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_MATRIX_NEAR(*a[i].value, *b[i].value, 1e-6f)
            << a[i].name << " differs from 'all gradients, then all updates': update the weights only in step 4, "
                            "after backpropagation has used them";
}

GRADED_TEST(Lab05Sgd, OverfitsOneBatch, 5) {
    // 32 random images with random labels: nothing to generalize, but a network with
    // enough weights must memorize them — the first check that a training loop learns at all.
    const Dataset d = clusters(32, 5, 10);
    Network net(25, 64, 10, 5);
    Sgd sgd(0.5f);
    Matrix x;
    std::vector<int> y;
    const std::vector<int> all = iota_indices(32);
    fill_batch(d, all.data(), 32, x, y);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int>((i * 7) % 10);  // arbitrary labels
    float loss = 0;
    for (int step = 0; step < 1000; ++step) loss = train_step(net, x, y, sgd);
    EXPECT_LT(loss, 0.01f) << "after 1000 steps on one batch of 32 the loss is " << loss << ", should be ~0";
}

GRADED_TEST(Lab05Sgd, LearnsSeparatedClusters, 5) {
    const Dataset train = clusters(2000, 6, 11), test = clusters(500, 6, 12);
    Network net(36, 32, 10, 6);
    Sgd sgd(0.1f);
    Rng rng(13);
    for (int epoch = 0; epoch < 3; ++epoch) train_epoch(net, train, 32, sgd, rng);
    const Evaluation e = evaluate(net, test, 100);
    EXPECT_GT(e.accuracy, 0.95f) << "10 well-separated clusters should be easy: accuracy " << e.accuracy
                                 << " (needs > 0.95), loss " << e.loss;
}

GRADED_TEST(Lab05Sgd, EpochUsesTheLastPartialBatch, 5) {
    // N = 10 in batches of 4: 4 + 4 + 2. N = 12: exactly three batches, no empty fourth.
    for (const int count : {10, 12}) {
        const Dataset d = clusters(count, 3, 14);
        Network net(9, 4, 10, 7);
        Sgd sgd(0.01f);
        Rng rng(15);
        std::vector<int> seen;
        train_epoch(net, d, 4, sgd, rng, [&](int done, float) { seen.push_back(done); });
        const std::vector<int> expected = count == 10 ? std::vector<int>{4, 8, 10} : std::vector<int>{4, 8, 12};
        EXPECT_EQ(seen, expected) << count << " samples in batches of 4: on_batch(samples done so far, …) after each "
                                  << "batch; the last batch holds what is left, and there is no batch after it";
    }
}

GRADED_TEST(Lab05Sgd, EpochReturnsTheMeanLossPerSample, 10) {
    // The epoch's loss is the mean over samples: each batch's (mean) loss weighted by its size.
    const Dataset d = clusters(10, 3, 16);
    Network net(9, 4, 10, 8);
    Sgd sgd(0.05f);
    Rng rng(17);
    std::vector<std::pair<int, float>> batches;  // (samples done, batch loss)
    const float mean = train_epoch(net, d, 4, sgd, rng, [&](int done, float loss) { batches.emplace_back(done, loss); });
    ASSERT_EQ(batches.size(), 3u) << "10 samples in batches of 4 make 3 batches";
    double total = 0;
    int before = 0;
    for (const auto& [done, loss] : batches) {
        total += static_cast<double>(loss) * (done - before);
        before = done;
    }
    const double expected = total / 10;
    EXPECT_NEAR(mean, expected, 1e-5 * expected) << "train_epoch returned " << mean << "; the batch losses "
                                                 << batches[0].second << " (4 samples), " << batches[1].second
                                                 << " (4), " << batches[2].second << " (2) have the mean per sample "
                                                 << expected;
}

GRADED_TEST(Lab05Sgd, EpochVisitsEverySampleOnceInARandomOrder, 5) {
    // A network whose learning rate is 0 never changes, so the epoch's mean loss is the mean
    // over all samples whatever the order — and equals the loss of the whole set at once.
    const Dataset d = clusters(10, 3, 18);
    Network net(9, 4, 10, 9);
    Sgd frozen(0.0f);
    Rng rng(19);
    const float mean = train_epoch(net, d, 3, frozen, rng);
    Matrix x;
    std::vector<int> y;
    const std::vector<int> all = iota_indices(10);
    fill_batch(d, all.data(), 10, x, y);
    const double expected = loss_of(net, x, y);
    EXPECT_NEAR(mean, expected, 1e-5 * expected) << "with η = 0 the epoch's mean loss " << mean
                                                 << " must be the loss of all 10 samples, " << expected
                                                 << ": is every sample used exactly once?";
    // The order comes from rng: the shuffle draws from it, so it is not where it started.
    Rng untouched(19);
    EXPECT_NE(rng.next_u64(), untouched.next_u64()) << "train_epoch must shuffle the order with rng";
}

GRADED_TEST(Lab05Sgd, EvaluateCountsAndAveragesExactly, 10) {
    // On 9 and 10 samples in batches of 3, evaluate must agree with the loss and accuracy of
    // the whole set at once: for an untrained network (mostly wrong) and a trained one (all
    // right, so a sample left out of the count shows).
    for (const int count : {9, 10}) {
        for (const int epochs : {0, 200}) {
            const Dataset d = clusters(count, 3, 20);
            Network net(9, 32, 10, 10);
            Sgd sgd(0.5f);
            Rng rng(21);
            for (int epoch = 0; epoch < epochs; ++epoch) train_epoch(net, d, 5, sgd, rng);
            Matrix x;
            std::vector<int> y;
            const std::vector<int> all = iota_indices(count);
            fill_batch(d, all.data(), count, x, y);
            const Matrix f = net.forward(x);
            const std::vector<int> predicted = argmax_rows(f);
            int right = 0;
            for (int i = 0; i < count; ++i) right += predicted[static_cast<std::size_t>(i)] == y[static_cast<std::size_t>(i)];
            const double loss = loss_of(net, x, y);
            const Evaluation e = evaluate(net, d, 3);
            EXPECT_NEAR(e.accuracy, static_cast<float>(right) / count, 1e-6f)
                << "on " << count << " samples " << right << " are classified right (the largest logit is the label): "
                << "accuracy " << static_cast<float>(right) / count << ", evaluate says " << e.accuracy;
            EXPECT_NEAR(e.loss, loss, 1e-5 * loss) << "the mean loss per sample of " << count << " samples is " << loss
                                                   << ", evaluate says " << e.loss;
            if (epochs > 0) {
                EXPECT_EQ(right, count) << "the test's own premise: 200 epochs learn " << count << " samples";
            }
        }
    }
}

GRADED_TEST(Lab05Sgd, MnistInitialLossNearLog10, 10) {
    const Dataset& test = *REQUIRE_MNIST(Split::Test);
    Network net(784, 128, 10, 42);
    const Evaluation e = evaluate(net, test);
    std::cout << "  untrained network on MNIST's test set: loss " << e.loss << " (expected log 10 = 2.3026 ± 0.1), accuracy "
              << e.accuracy << " (expected 0.10 ± 0.07)\n";
    EXPECT_NEAR(e.loss, std::log(10.0f), 0.1f) << "an untrained network should be about uniformly unsure";
    EXPECT_NEAR(e.accuracy, 0.1f, 0.07f) << "and right about one time in ten";
}

GRADED_TEST(Lab05Sgd, MnistOneEpochAbove95Percent, 10) {
    const Dataset& train = *REQUIRE_MNIST(Split::Train);
    const Dataset& test = *REQUIRE_MNIST(Split::Test);
    Network net(784, 128, 10, 42);
    Sgd sgd(0.1f);
    Rng rng(1);
    const float train_loss = train_epoch(net, train, 64, sgd, rng);
    const Evaluation e = evaluate(net, test);
    std::cout << "  one epoch on MNIST: test accuracy " << 100 * e.accuracy << "% (needs ≥ 95%), train loss "
              << train_loss << ", test loss " << e.loss << "\n";
    EXPECT_GE(e.accuracy, 0.95f) << "one epoch of H = 128, batch 64, η = 0.1: test accuracy " << 100 * e.accuracy
                                 << "% (needs ≥ 95%), train loss " << train_loss << ", test loss " << e.loss;
    EXPECT_NEAR(train_loss, 0.3, 0.2) << "the epoch's mean training loss after one epoch is about 0.3; got " << train_loss;
}
