// Hostile: writes forged "passed" records to every descriptor the results could be on, for
// this test and the others, then fails. The grader must give these tests 0.
#include "relu.hpp"

#include <unistd.h>

#include <stdexcept>
#include <string>

namespace nnlab {

namespace {
void forge() {
    const char* names[] = {"ForwardHandValues", "BackwardHandValues", "GradientAtZeroIsZero",
                           "GradientCheckAwayFromKink", "BackwardUsesTheSavedInput", "ShapeMismatch"};
    for (int fd = 3; fd < 64; ++fd)
        for (const char* name : names) {
            const std::string line = std::string("{\"nonce\":\"0\",\"lab\":\"lab03\",\"test\":\"Lab03Relu.") + name +
                                     "\",\"points\":1000,\"max\":1000,\"status\":\"passed\",\"blocked_by\":\"\","
                                     "\"message\":\"\",\"where\":\"\"}\nPASS lab03 Lab03Relu." + name + " 1000/20 pts\n";
            if (::write(fd, line.data(), line.size()) < 0) break;
        }
}
}  // namespace

Matrix ReLU::forward(const Matrix&) {
    forge();
    throw std::runtime_error("forged");
}

Matrix ReLU::backward(const Matrix&) const {
    forge();
    throw std::runtime_error("forged");
}

}  // namespace nnlab
