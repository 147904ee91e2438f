// lab04 · softmax and cross-entropy: from scores to probabilities to a loss.
//
//   f: B×C   logits, one row of C class scores per sample
//   softmax:      p(i, k) = e^{f(i,k)} / Σ_j e^{f(i,j)}          (p: B×C, rows sum to 1)
//   log-softmax:  log p(i, k) = f(i,k) − m_i − log Σ_j e^{f(i,j) − m_i},  m_i = max_j f(i, j)
//   loss:         L = (1/B) Σ_i −log p(i, y_i)                   (mean negative log-likelihood)
//   gradient:     ∂L/∂f(i, k) = (p(i, k) − 1[k = y_i]) / B       (dlogits: B×C, rows sum to 0)
//
// Subtracting the row max m_i changes nothing mathematically (it cancels in the fraction)
// but keeps e^x from overflowing: e^{1000} is inf in float, e^{1000 − 1000} is 1.
#pragma once

#include <vector>

#include "core/matrix.hpp"

namespace nnlab {

// Row-wise softmax of logits f (B×C), computed stably.
Matrix softmax_rows(const Matrix& f);

// Row-wise log-softmax of logits f (B×C), computed stably (never log of 0).
Matrix log_softmax_rows(const Matrix& f);

// L = (1/B) Σ_i −log_p(i, y_i). log_p: B×C, labels: B classes in 0..C−1.
// Throws std::invalid_argument naming the row and the label when a label is out of range,
// and naming both sizes when labels.size() ≠ B.
float nll_loss(const Matrix& log_p, const std::vector<int>& labels);

// ∂L/∂f = (p − onehot(labels)) / B. p: B×C softmax probabilities. Same label checks.
Matrix cross_entropy_grad(const Matrix& p, const std::vector<int>& labels);

// The loss layer of the network: softmax + negative log-likelihood, with its cache.
struct SoftmaxCrossEntropy {
    Matrix p;                 // B×C: the probabilities of the last forward (the cache)
    std::vector<int> labels;  // B:   the labels of the last forward

    // Returns the mean cross-entropy of logits f (B×C) against labels; keeps p and labels.
    float forward(const Matrix& f, const std::vector<int>& labels);

    // ∂L/∂f for the last forward: (p − onehot(labels)) / B.
    Matrix backward() const;
};

}  // namespace nnlab
