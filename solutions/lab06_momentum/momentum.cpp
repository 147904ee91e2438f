#include "momentum.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

namespace nnlab {

void Momentum::step(const std::vector<Param>& params) {
    // TODO(lab06): v ← γ·v + η·g, then w ← w − v, element by element, for every parameter
    //              (velocity[i] belongs to params[i]; on the first call it is empty: each v
    //              starts as zeros of its parameter's shape). Compute η·g as its own product:
    //              with γ = 0 the result then equals lab05's SGD bit for bit, which a test checks.
    //              A gradient whose shape is not its parameter's: std::invalid_argument naming both.
    // BEGIN SOLUTION
    if (velocity.empty())
        for (const Param& p : params) velocity.emplace_back(p.value->rows(), p.value->cols());
    for (std::size_t i = 0; i < params.size(); ++i) {
        Matrix& w = *params[i].value;
        const Matrix& g = *params[i].grad;
        Matrix& v = velocity[i];
        require_shape(g, w.rows(), w.cols(), "Momentum::step: gradient of " + params[i].name);
        for (int r = 0; r < w.rows(); ++r)
            for (int c = 0; c < w.cols(); ++c) {
                v(r, c) = gamma * v(r, c) + lr * g(r, c);
                w(r, c) -= v(r, c);
            }
    }
    // END SOLUTION
}

}  // namespace nnlab
