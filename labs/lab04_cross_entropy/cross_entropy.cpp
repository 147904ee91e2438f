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
    // TODO(lab04): the softmax of each row.  f: B×C → p: B×C,
    //              p(i, j) = e^(f(i, j) − m_i) / Σ_k e^(f(i, k) − m_i), m_i the largest f(i, ·)
    //              (subtracting it changes nothing mathematically and keeps e^ from overflowing).
    nnlab::todo("lab04", "softmax_rows");
}

Matrix log_softmax_rows(const Matrix& f) {
    // TODO(lab04): the log of each row's softmax, computed directly.  f: B×C → log_p: B×C,
    //              log_p(i, j) = f(i, j) − m_i − log Σ_k e^(f(i, k) − m_i), m_i the row max.
    //              (Never log(softmax): for a very unlikely class softmax underflows to 0, log 0 = −∞.)
    nnlab::todo("lab04", "log_softmax_rows");
}

float nll_loss(const Matrix& log_p, const std::vector<int>& labels) {
    // TODO(lab04): L = (1/B) Σ_i −log_p(i, y_i).  log_p: B×C, labels: B values in 0..C−1 — a
    //              wrong count or label is std::invalid_argument (check_labels above says which).
    //              Sum in double: B can be 60000.
    nnlab::todo("lab04", "nll_loss");
}

Matrix cross_entropy_grad(const Matrix& p, const std::vector<int>& labels) {
    // TODO(lab04): ∂L/∂f = (p − onehot(y)) / B.  p: B×C, labels: B (checked as in nll_loss)
    //              → g: B×C. The 1/B is there because L is a mean over the batch.
    nnlab::todo("lab04", "cross_entropy_grad");
}

float SoftmaxCrossEntropy::forward(const Matrix& f, const std::vector<int>& y) {
    // TODO(lab04): the mean loss L of the logits f (B×C) against the labels y, from the
    //              functions above. Keep in the members what backward will need.
    nnlab::todo("lab04", "SoftmaxCrossEntropy::forward");
}

Matrix SoftmaxCrossEntropy::backward() const {
    // TODO(lab04): ∂L/∂f of the last forward (B×C).
    nnlab::todo("lab04", "SoftmaxCrossEntropy::backward");
}

}  // namespace nnlab
