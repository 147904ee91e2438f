// lab06 · SGD with momentum.
//
//   v ← γ·v + η·∇w        (v: one velocity per parameter, zero at the start)
//   w ← w − v
//
// v is a running, decaying sum of past gradients: directions where the gradient keeps its
// sign build up speed, directions where it flips back and forth cancel out. γ = 0 is plain
// SGD; γ = 0.9 is the usual choice.
#pragma once

#include <vector>

#include "lab05_sgd/network.hpp"
#include "core/matrix.hpp"

namespace nnlab {

struct Momentum : Optimizer {
    float lr;                      // η
    float gamma;                   // γ, in [0, 1)
    std::vector<Matrix> velocity;  // v, one per parameter in params() order; empty until the first step

    Momentum(float learning_rate, float momentum) : lr(learning_rate), gamma(momentum) {}

    // For each parameter i: v_i ← γ·v_i + η·∇w_i, then w_i ← w_i − v_i.
    void step(const std::vector<Param>& params) override;
};

}  // namespace nnlab
