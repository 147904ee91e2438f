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
    nnlab::todo("lab06", "Momentum::step");
}

}  // namespace nnlab
