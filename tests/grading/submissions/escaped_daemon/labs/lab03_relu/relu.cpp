// Hostile: forward() double-forks a setsid daemon (named nnlab-escapee) that would outlive
// the test's process group and the grader; otherwise correct.
#include "relu.hpp"

#include <sys/prctl.h>
#include <unistd.h>

namespace nnlab {

namespace {
void start_daemon() {
    if (::fork() != 0) return;  // the test goes on
    ::setsid();
    if (::fork() != 0) ::_exit(0);  // the middle process leaves: the daemon is an orphan
    ::prctl(PR_SET_NAME, "nnlab-escapee", 0, 0, 0);
    for (int i = 0; i < 600; ++i) ::sleep(1);
    ::_exit(0);
}
}  // namespace

Matrix ReLU::forward(const Matrix& input) {
    start_daemon();
    x = input;
    Matrix y(input.rows(), input.cols());
    for (std::size_t i = 0; i < input.size(); ++i) y.data()[i] = input.data()[i] > 0.0f ? input.data()[i] : 0.0f;
    return y;
}

Matrix ReLU::backward(const Matrix& dy) const {
    require_shape(dy, x.rows(), x.cols(), "ReLU::backward: dy");
    Matrix dx(dy.rows(), dy.cols());
    for (std::size_t i = 0; i < dy.size(); ++i) dx.data()[i] = x.data()[i] > 0.0f ? dy.data()[i] : 0.0f;
    return dx;
}

}  // namespace nnlab
