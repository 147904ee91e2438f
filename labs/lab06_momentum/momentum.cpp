#include "momentum.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

namespace nnlab {

void Momentum::step(const std::vector<Param>& params) {
    // TODO(lab06): v ← γ·v + η·g, then w ← w − v, element by element, for every parameter
    //              (velocity[i] belongs to params[i]; on the first call it is empty: each v
    //              starts as zeros of its parameter's shape). Compute η·g as its own product:
    //              with γ = 0 the result then equals lab05's SGD bit for bit, which a test checks.
    //              A gradient whose shape is not its parameter's: std::invalid_argument naming both.
    nnlab::todo("lab06", "Momentum::step");
}

}  // namespace nnlab
