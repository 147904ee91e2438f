#include "network.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <algorithm>

#include "lab01_matrix/matrix_ops.hpp"

namespace nnlab {

Network::Network(int inputs, int hidden, int classes, std::uint64_t seed)
    : Network(inputs, hidden, classes, Rng(seed)) {}

// Both layers are drawn from one generator, fc1 first: the seed fixes the whole network.
Network::Network(int inputs, int hidden, int classes, Rng&& rng) : fc1(inputs, hidden, rng), fc2(hidden, classes, rng) {
    // He init (variance 2/in) suits a layer whose output goes through a ReLU. fc2 feeds the
    // softmax instead: it starts small, standard deviation He's ÷ 10, so the first logits
    // are near 0, every class starts near p = 1/10 and the first loss near log 10.
    for (std::size_t i = 0; i < fc2.W.size(); ++i) fc2.W.data()[i] *= 0.1f;
}

Matrix Network::forward(const Matrix& x) {
    // TODO(lab05): step 1, forward: the logits of x through fc1, the ReLU and fc2.
    //              x: B×inputs → B×hidden → B×hidden → f: B×classes.
    nnlab::todo("lab05", "Network::forward");
}

void Network::backward(const Matrix& dlogits) {
    // TODO(lab05): step 3, backpropagation: from ∂L/∂f (B×classes), every layer's dW and db,
    //              by the chain rule from the top layer down. Nothing is below fc1.
    nnlab::todo("lab05", "Network::backward");
}

std::vector<Param> Network::params() {
    return {{"fc1.W", &fc1.W, &fc1.dW}, {"fc1.b", &fc1.b, &fc1.db}, {"fc2.W", &fc2.W, &fc2.dW}, {"fc2.b", &fc2.b, &fc2.db}};
}

void sgd_update(Matrix& w, const Matrix& grad, float lr) {
    // TODO(lab05): w ← w − η·∇w, element by element.  grad: w's shape (else a shape error).
    nnlab::todo("lab05", "sgd_update");
}

void Sgd::step(const std::vector<Param>& params) {
    // TODO(lab05): step 4, update: every parameter moves against its gradient, with η = lr.
    nnlab::todo("lab05", "Sgd::step");
}

float train_step(Network& net, const Matrix& x, const std::vector<int>& labels, Optimizer& optimizer) {
    // TODO(lab05): one SGD step on the batch (x: B×inputs, labels: B): the course's four steps
    //              (forward, errors, backpropagation, update), the update only once every
    //              gradient is known. Return the batch's loss from before the update.
    nnlab::todo("lab05", "train_step");
}

float train_epoch(Network& net, const Dataset& data, int batch, Optimizer& optimizer, Rng& rng,
                  const BatchCallback& on_batch) {
    // TODO(lab05): one pass over all N samples in a random order drawn from rng, in batches of
    //              `batch` rows (the last one may be smaller: keep it), a train_step each.
    //              After each batch, if on_batch is set, tell it the samples done so far and the
    //              batch's loss. Return the mean loss per sample over the epoch (a batch's loss
    //              is already a mean over its rows); accumulate in double.
    nnlab::todo("lab05", "train_epoch");
}

Evaluation evaluate(Network& net, const Dataset& data, int batch) {
    // TODO(lab05): no training: over all N samples in order, in batches of `batch` rows, the
    //              mean loss per sample and the share of samples whose predicted class (the
    //              largest logit) is the label, 0..1.
    nnlab::todo("lab05", "evaluate");
}

}  // namespace nnlab
