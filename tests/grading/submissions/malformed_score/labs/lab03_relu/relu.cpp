// Hostile: writes malformed records (a score that is not a number, broken JSON) to the
// record descriptor, then computes correctly (in backward; forward is clean). A test whose record channel was written to by
// anyone but the harness is not graded: those tests score 0, and the grader goes on.
#include "relu.hpp"

#include <unistd.h>

#include <cstring>

namespace nnlab {

namespace {
void scribble() {
    const char* junk = "{\"score\": \"lots\", \"lab\": \"lab03\"}\n{not json\n\xff\xfe\n";
    if (::write(3, junk, std::strlen(junk)) < 0) return;
}
}  // namespace

Matrix ReLU::forward(const Matrix& input) {
    x = input;
    Matrix y(x.rows(), x.cols());
    for (std::size_t i = 0; i < x.size(); ++i) y.data()[i] = x.data()[i] > 0.0f ? x.data()[i] : 0.0f;
    return y;
}

Matrix ReLU::backward(const Matrix& dy) const {
    scribble();
    require_shape(dy, x.rows(), x.cols(), "ReLU::backward: dy");
    Matrix dx(dy.rows(), dy.cols());
    for (std::size_t i = 0; i < dy.size(); ++i) dx.data()[i] = x.data()[i] > 0.0f ? dy.data()[i] : 0.0f;
    return dx;
}

}  // namespace nnlab
