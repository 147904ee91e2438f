#include "momentum.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

namespace nnlab {

void Momentum::step(const std::vector<Param>& params) {
    // TODO(lab06): 1. On the first call (velocity is empty), make one zero matrix per
    //                 parameter, of its shape: velocity.emplace_back(rows, cols).
    //              2. For each parameter i and each element:
    //                 v ← γ·v + η·g,  then  w ← w − v.
    //                 (Compute η·g as its own product: with γ = 0 the result then equals
    //                 lab05's SGD bit for bit, which a test checks.)
    // BEGIN SOLUTION
    if (velocity.empty())
        for (const Param& p : params) velocity.emplace_back(p.value->rows(), p.value->cols());
    for (std::size_t i = 0; i < params.size(); ++i) {
        Matrix& w = *params[i].value;
        const Matrix& g = *params[i].grad;
        Matrix& v = velocity[i];
        require_shape(g, w.rows(), w.cols(), "Momentum::step: gradient of " + params[i].name);
        for (std::size_t k = 0; k < w.size(); ++k) {
            v.data()[k] = gamma * v.data()[k] + lr * g.data()[k];
            w.data()[k] -= v.data()[k];
        }
    }
    // END SOLUTION
}

}  // namespace nnlab
