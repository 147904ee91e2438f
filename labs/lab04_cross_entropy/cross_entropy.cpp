#include "cross_entropy.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

#include <cmath>
#include <stdexcept>
#include <string>

namespace nnlab {

namespace {

// Every label must name a column of a B×C matrix: one label per row, each in 0..C−1.
void check_labels(const Matrix& m, const std::vector<int>& labels, const char* where) {
    if (static_cast<int>(labels.size()) != m.rows())
        throw std::invalid_argument(std::string(where) + ": " + std::to_string(labels.size()) + " labels for " +
                                    std::to_string(m.rows()) + " rows (" + m.shape() + ")");
    for (int i = 0; i < m.rows(); ++i)
        if (labels[i] < 0 || labels[i] >= m.cols())
            throw std::invalid_argument(std::string(where) + ": label " + std::to_string(labels[i]) + " in row " +
                                        std::to_string(i) + " is outside 0.." + std::to_string(m.cols() - 1));
}

}  // namespace

Matrix softmax_rows(const Matrix& f) {
    // TODO(lab04): for each row i:
    //   1. m = the largest f(i, j) of the row
    //   2. e_j = exp(f(i, j) − m), and their sum s
    //   3. p(i, j) = e_j / s
    nnlab::todo("lab04", "softmax_rows");
}

Matrix log_softmax_rows(const Matrix& f) {
    // TODO(lab04): for each row i, with m the row max:
    //   log_p(i, j) = f(i, j) − m − log(Σ_k exp(f(i, k) − m))
    // (never compute log(softmax): for a very unlikely class softmax underflows to 0 and log(0) = −inf.)
    nnlab::todo("lab04", "log_softmax_rows");
}

float nll_loss(const Matrix& log_p, const std::vector<int>& labels) {
    // TODO(lab04): 1. check_labels(log_p, labels, "nll_loss") — it throws for a bad label.
    //              2. return (1/B) Σ_i −log_p(i, labels[i]). Sum in double: B can be 60000.
    nnlab::todo("lab04", "nll_loss");
}

Matrix cross_entropy_grad(const Matrix& p, const std::vector<int>& labels) {
    // TODO(lab04): 1. check_labels(p, labels, "cross_entropy_grad").
    //              2. g = p, then g(i, labels[i]) −= 1 for every row (p − onehot(y)),
    //              3. and divide everything by B: L is a mean over the batch.
    nnlab::todo("lab04", "cross_entropy_grad");
}

float SoftmaxCrossEntropy::forward(const Matrix& f, const std::vector<int>& y) {
    // TODO(lab04): keep p = softmax_rows(f) and the labels (backward needs both), and
    //              return nll_loss(log_softmax_rows(f), y).
    nnlab::todo("lab04", "SoftmaxCrossEntropy::forward");
}

Matrix SoftmaxCrossEntropy::backward() const {
    // TODO(lab04): return the gradient of the last forward's loss with respect to its logits.
    nnlab::todo("lab04", "SoftmaxCrossEntropy::backward");
}

}  // namespace nnlab
