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
    // BEGIN SOLUTION
    const Matrix h = fc1.forward(x);   // B×H
    const Matrix a = relu.forward(h);  // B×H
    return fc2.forward(a);             // B×classes
    // END SOLUTION
}

void Network::backward(const Matrix& dlogits) {
    // TODO(lab05): step 3, backpropagation: from ∂L/∂f (B×classes), every layer's dW and db,
    //              by the chain rule from the top layer down. Nothing is below fc1.
    // BEGIN SOLUTION
    const Matrix da = fc2.backward(dlogits);
    const Matrix dh = relu.backward(da);
    fc1.backward(dh, /*need_dx=*/false);
    // END SOLUTION
}

std::vector<Param> Network::params() {
    return {{"fc1.W", &fc1.W, &fc1.dW}, {"fc1.b", &fc1.b, &fc1.db}, {"fc2.W", &fc2.W, &fc2.dW}, {"fc2.b", &fc2.b, &fc2.db}};
}

void sgd_update(Matrix& w, const Matrix& grad, float lr) {
    // TODO(lab05): w ← w − η·∇w, element by element.  grad: w's shape (else a shape error).
    // BEGIN SOLUTION
    require_shape(grad, w.rows(), w.cols(), "sgd_update: grad for w " + w.shape());
    for (int i = 0; i < w.rows(); ++i)
        for (int j = 0; j < w.cols(); ++j) w(i, j) -= lr * grad(i, j);
    // END SOLUTION
}

void Sgd::step(const std::vector<Param>& params) {
    // TODO(lab05): step 4, update: every parameter moves against its gradient, with η = lr.
    // BEGIN SOLUTION
    for (const Param& p : params) sgd_update(*p.value, *p.grad, lr);
    // END SOLUTION
}

float train_step(Network& net, const Matrix& x, const std::vector<int>& labels, Optimizer& optimizer) {
    // TODO(lab05): one SGD step on the batch (x: B×inputs, labels: B): the course's four steps
    //              (forward, errors, backpropagation, update), the update only once every
    //              gradient is known. Return the batch's loss from before the update.
    // BEGIN SOLUTION
    const Matrix logits = net.forward(x);
    const float loss = net.loss.forward(logits, labels);
    const Matrix dlogits = net.loss.backward();
    net.backward(dlogits);
    optimizer.step(net.params());
    return loss;
    // END SOLUTION
}

float train_epoch(Network& net, const Dataset& data, int batch, Optimizer& optimizer, Rng& rng,
                  const BatchCallback& on_batch) {
    // TODO(lab05): one pass over all N samples in a random order drawn from rng, in batches of
    //              `batch` rows (the last one may be smaller: keep it), a train_step each.
    //              After each batch, if on_batch is set, tell it the samples done so far and the
    //              batch's loss. Return the mean loss per sample over the epoch (a batch's loss
    //              is already a mean over its rows); accumulate in double.
    // BEGIN SOLUTION
    std::vector<int> order = iota_indices(data.count);
    rng.shuffle(order);
    Matrix x;
    std::vector<int> y;
    double total = 0.0;
    for (int start = 0; start < data.count; start += batch) {
        const int n = std::min(batch, data.count - start);
        fill_batch(data, &order[static_cast<std::size_t>(start)], n, x, y);
        const float loss = train_step(net, x, y, optimizer);
        total += static_cast<double>(loss) * n;
        if (on_batch) on_batch(start + n, loss);
    }
    return static_cast<float>(total / data.count);
    // END SOLUTION
}

Evaluation evaluate(Network& net, const Dataset& data, int batch) {
    // TODO(lab05): no training: over all N samples in order, in batches of `batch` rows, the
    //              mean loss per sample and the share of samples whose predicted class (the
    //              largest logit) is the label, 0..1.
    // BEGIN SOLUTION
    const std::vector<int> order = iota_indices(data.count);
    Matrix x;
    std::vector<int> y;
    double total = 0.0;
    int correct = 0;
    for (int start = 0; start < data.count; start += batch) {
        const int n = std::min(batch, data.count - start);
        fill_batch(data, &order[static_cast<std::size_t>(start)], n, x, y);
        const Matrix logits = net.forward(x);
        total += static_cast<double>(net.loss.forward(logits, y)) * n;
        const std::vector<int> predicted = argmax_rows(logits);
        for (int i = 0; i < n; ++i) correct += predicted[static_cast<std::size_t>(i)] == y[static_cast<std::size_t>(i)];
    }
    return {static_cast<float>(total / data.count), static_cast<float>(correct) / static_cast<float>(data.count)};
    // END SOLUTION
}

}  // namespace nnlab
