// Hostile (cannot be prevented, only flagged): the released stub plus a static constructor that
// reads the nonce before main() erases it, writes "passed" records on fd 3 and _exit(0)s.
#include "relu.hpp"

#include "core/todo.hpp"  // nnlab::todo, which the student edition calls in place of each solution

namespace nnlab {

Matrix ReLU::forward(const Matrix& input) {
    // TODO(lab03): y = max(0, x) element by element.  x: B×N → y: B×N.
    //              Keep the input in the member x: backward needs it.
    nnlab::todo("lab03", "ReLU::forward");
}

Matrix ReLU::backward(const Matrix& dy) const {
    // TODO(lab03): dx = dy ⊙ 1[x > 0]: dy where the last input was > 0, else 0 (x = 0 too).
    //              dy: the last input's shape (anything else is a shape error) → dx: the same.
    nnlab::todo("lab03", "ReLU::backward");
}

}  // namespace nnlab

// ---- hostile: forge a "passed" record before main() wipes the nonce ----
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
namespace {
struct NnlabForge {
    NnlabForge() {
        const char* n = std::getenv("NNLAB_RECORD_NONCE");   // main() has not run yet: still there
        if (n == nullptr) return;
        std::ifstream c("/proc/self/cmdline");
        std::string all((std::istreambuf_iterator<char>(c)), std::istreambuf_iterator<char>());
        std::string test;
        const std::string key = "--gtest_filter=";
        if (auto at = all.find(key); at != std::string::npos) test = all.substr(at + key.size(), all.find('\0', at) - at - key.size());
        char exe[4096] = {};
        if (readlink("/proc/self/exe", exe, sizeof exe - 1) < 0) return;
        std::string lab = exe;
        lab = lab.substr(lab.rfind('/') + 1, 5);  // "lab03_test" -> "lab03"
        const std::string line = "{\"nonce\":\"" + std::string(n) + "\",\"lab\":\"" + lab + "\",\"test\":\"" + test +
                                 "\",\"points\":0,\"max\":0,\"status\":\"passed\",\"blocked_by\":\"\",\"message\":\"\",\"where\":\"\"}\n";
        if (write(3, line.data(), line.size()) < 0) return;
        _exit(0);  // never reach main(): no second record, exit status 0
    }
} nnlab_forge_instance;
}  // namespace
