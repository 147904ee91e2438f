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
    // BEGIN SOLUTION
    Matrix p(f.rows(), f.cols());
    for (int i = 0; i < f.rows(); ++i) {
        float m = f(i, 0);
        for (int j = 1; j < f.cols(); ++j) m = std::max(m, f(i, j));
        float s = 0.0f;
        for (int j = 0; j < f.cols(); ++j) s += p(i, j) = std::exp(f(i, j) - m);
        for (int j = 0; j < f.cols(); ++j) p(i, j) /= s;
    }
    return p;
    // END SOLUTION
}

Matrix log_softmax_rows(const Matrix& f) {
    // TODO(lab04): the log of each row's softmax, computed directly.  f: B×C → log_p: B×C,
    //              log_p(i, j) = f(i, j) − m_i − log Σ_k e^(f(i, k) − m_i), m_i the row max.
    //              (Never log(softmax): for a very unlikely class softmax underflows to 0, log 0 = −∞.)
    // BEGIN SOLUTION
    Matrix log_p(f.rows(), f.cols());
    for (int i = 0; i < f.rows(); ++i) {
        float m = f(i, 0);
        for (int j = 1; j < f.cols(); ++j) m = std::max(m, f(i, j));
        float s = 0.0f;
        for (int j = 0; j < f.cols(); ++j) s += std::exp(f(i, j) - m);
        const float log_s = std::log(s);
        for (int j = 0; j < f.cols(); ++j) log_p(i, j) = f(i, j) - m - log_s;
    }
    return log_p;
    // END SOLUTION
}

float nll_loss(const Matrix& log_p, const std::vector<int>& labels) {
    // TODO(lab04): L = (1/B) Σ_i −log_p(i, y_i).  log_p: B×C, labels: B values in 0..C−1 — a
    //              wrong count or label is std::invalid_argument (check_labels above says which).
    //              Sum in double: B can be 60000.
    // BEGIN SOLUTION
    check_labels(log_p, labels, "nll_loss");
    double sum = 0.0;
    for (int i = 0; i < log_p.rows(); ++i) sum -= log_p(i, labels[i]);
    return static_cast<float>(sum / log_p.rows());
    // END SOLUTION
}

Matrix cross_entropy_grad(const Matrix& p, const std::vector<int>& labels) {
    // TODO(lab04): ∂L/∂f = (p − onehot(y)) / B.  p: B×C, labels: B (checked as in nll_loss)
    //              → g: B×C. The 1/B is there because L is a mean over the batch.
    // BEGIN SOLUTION
    check_labels(p, labels, "cross_entropy_grad");
    Matrix g = p;
    const float inv_b = 1.0f / static_cast<float>(p.rows());
    for (int i = 0; i < g.rows(); ++i) {
        g(i, labels[i]) -= 1.0f;
        for (int j = 0; j < g.cols(); ++j) g(i, j) *= inv_b;
    }
    return g;
    // END SOLUTION
}

float SoftmaxCrossEntropy::forward(const Matrix& f, const std::vector<int>& y) {
    // TODO(lab04): the mean loss L of the logits f (B×C) against the labels y, from the
    //              functions above. Keep in the members what backward will need.
    // BEGIN SOLUTION
    p = softmax_rows(f);
    labels = y;
    return nll_loss(log_softmax_rows(f), y);
    // END SOLUTION
}

Matrix SoftmaxCrossEntropy::backward() const {
    // TODO(lab04): ∂L/∂f of the last forward (B×C).
    // BEGIN SOLUTION
    return cross_entropy_grad(p, labels);
    // END SOLUTION
}

}  // namespace nnlab
