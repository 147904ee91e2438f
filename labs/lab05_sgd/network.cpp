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
    // TODO(lab05): step 1, forward: pass x through fc1, then the ReLU, then fc2, and return
    //              the logits. Shapes: x B×inputs → B×hidden → B×hidden → B×classes.
    //              (Each layer's forward keeps the cache its backward will need.)
    nnlab::todo("lab05", "Network::forward");
}

void Network::backward(const Matrix& dlogits) {
    // TODO(lab05): step 3, backpropagation, from the top layer down (the chain rule):
    //   1. da = fc2.backward(dlogits)      (B×H; also sets fc2.dW, fc2.db)
    //   2. dh = relu.backward(da)          (B×H)
    //   3. fc1.backward(dh, false)         (sets fc1.dW, fc1.db; nothing is below fc1)
    nnlab::todo("lab05", "Network::backward");
}

std::vector<Param> Network::params() {
    return {{"fc1.W", &fc1.W, &fc1.dW}, {"fc1.b", &fc1.b, &fc1.db}, {"fc2.W", &fc2.W, &fc2.dW}, {"fc2.b", &fc2.b, &fc2.db}};
}

void sgd_update(Matrix& w, const Matrix& grad, float lr) {
    // TODO(lab05): require the same shape (require_shape(grad, w.rows(), w.cols(), "sgd_update: grad")),
    //              then w ← w − η·∇w for every element.
    nnlab::todo("lab05", "sgd_update");
}

void Sgd::step(const std::vector<Param>& params) {
    // TODO(lab05): step 4, update: sgd_update(*p.value, *p.grad, lr) for every parameter p.
    nnlab::todo("lab05", "Sgd::step");
}

float train_step(Network& net, const Matrix& x, const std::vector<int>& labels, Optimizer& optimizer) {
    // TODO(lab05): the four steps of one SGD step:
    //   1. forward:         f = net.forward(x)
    //   2. compute errors:  L = net.loss.forward(f, labels), df = net.loss.backward()
    //   3. backpropagation: net.backward(df)
    //   4. update:          optimizer.step(net.params())   — only now, after every gradient is known
    //   and return L.
    nnlab::todo("lab05", "train_step");
}

float train_epoch(Network& net, const Dataset& data, int batch, Optimizer& optimizer, Rng& rng,
                  const BatchCallback& on_batch) {
    // TODO(lab05): 1. order = 0, 1, …, N−1 (iota_indices), shuffled with rng.shuffle.
    //              2. for start = 0, batch, 2·batch, … < N: n = min(batch, N − start);
    //                 fill_batch(data, &order[start], n, x, y); loss = train_step(…);
    //                 add loss·n to a running total (in double); call on_batch(start + n, loss) if set.
    //              3. return total / N, the mean loss per sample.
    nnlab::todo("lab05", "train_epoch");
}

Evaluation evaluate(Network& net, const Dataset& data, int batch) {
    // TODO(lab05): over the data in order, batch by batch (fill_batch with indices start…start+n−1):
    //   f = net.forward(x); add net.loss.forward(f, y)·n to the loss total, and count the rows
    //   where argmax_rows(f) (lab01) equals the label. Return {total / N, correct / N}.
    nnlab::todo("lab05", "evaluate");
}

}  // namespace nnlab
