// Hostile: an exponential template instantiation (distinct types on every path): the
// compiler never finishes; the per-lab build time limit stops it.
#include "relu.hpp"

namespace nnlab {

template <int N, int K>
struct Boom {
    static constexpr int v = Boom<N - 1, K * 2 % 1000003>::v + Boom<N - 1, K * 2 % 1000003 + 1>::v;
};
template <int K>
struct Boom<0, K> {
    static constexpr int v = 1;
};
constexpr int kBoom = Boom<40, 1>::v;

Matrix ReLU::forward(const Matrix& input) { return input; }
Matrix ReLU::backward(const Matrix& dy) const { return dy; }

}  // namespace nnlab
