// lab05 · the network and its training loop, with stochastic gradient descent (SGD).
//
//   x: B×784 ─ fc1 ─▶ h: B×H ─ ReLU ─▶ a: B×H ─ fc2 ─▶ f: B×10 ─ softmax cross-entropy ─▶ L
//
// One training step is the course's four steps:
//   1. forward:          f = fc2(relu(fc1(x)))
//   2. compute errors:   L and ∂L/∂f = (p − onehot(y)) / B
//   3. backpropagation:  the chain rule, layer by layer back to fc1: every ∂L/∂W, ∂L/∂b
//   4. update:           w ← w − η·∇w for every parameter (the optimizer)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "lab02_linear/linear.hpp"
#include "lab03_relu/relu.hpp"
#include "lab04_cross_entropy/cross_entropy.hpp"
#include "core/matrix.hpp"
#include "core/random.hpp"

namespace nnlab {

// A parameter and its gradient, as an optimizer sees them.
struct Param {
    std::string name;  // "fc1.W", "fc1.b", "fc2.W", "fc2.b"
    Matrix* value;
    Matrix* grad;
};

struct Network {
    Linear fc1;                // inputs → hidden
    ReLU relu;
    Linear fc2;                // hidden → classes
    SoftmaxCrossEntropy loss;

    // fc1 and fc2 initialized (He) from one seeded generator: the same seed, the same network.
    Network(int inputs, int hidden, int classes, std::uint64_t seed);

    // Step 1: the logits f (B×classes) of a batch x (B×inputs). Keeps every layer's cache.
    Matrix forward(const Matrix& x);

    // Step 3: given ∂L/∂f (B×classes) from the loss, fills fc1's and fc2's dW and db.
    void backward(const Matrix& dlogits);

    // The four parameters with their gradients, in the order fc1.W, fc1.b, fc2.W, fc2.b.
    std::vector<Param> params();

private:
    Network(int inputs, int hidden, int classes, Rng&& rng);
};

// w ← w − η·∇w, element by element.  w and grad: the same shape.
void sgd_update(Matrix& w, const Matrix& grad, float lr);

// Step 4, whatever the rule: plain SGD here, momentum in lab06.
struct Optimizer {
    virtual ~Optimizer() = default;
    virtual void step(const std::vector<Param>& params) = 0;
};

struct Sgd : Optimizer {
    float lr;  // η, the learning rate
    explicit Sgd(float learning_rate) : lr(learning_rate) {}
    void step(const std::vector<Param>& params) override;  // sgd_update on each
};

// One training step on a batch (x: B×inputs, labels: B): the four steps. Returns the loss.
float train_step(Network& net, const Matrix& x, const std::vector<int>& labels, Optimizer& optimizer);

// Called after each batch with the samples done so far in the epoch and the batch's loss
// (the trainer draws its progress bar with it). May be empty.
using BatchCallback = std::function<void(int samples_done, float batch_loss)>;

// One pass over the data in a random order (rng shuffles), in batches of `batch`; the last,
// smaller batch is used, not dropped. Returns the mean loss over all samples.
float train_epoch(Network& net, const Dataset& data, int batch, Optimizer& optimizer, Rng& rng,
                  const BatchCallback& on_batch = nullptr);

struct Evaluation {
    float loss;      // mean cross-entropy
    float accuracy;  // the share of samples whose largest logit is the label, 0..1
};

// The loss and accuracy on a data set, in batches (no training).
Evaluation evaluate(Network& net, const Dataset& data, int batch = 1000);

}  // namespace nnlab
