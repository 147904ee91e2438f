// gradcheck.hpp — compare an analytic gradient with central finite differences.
//
// For every entry w of `param`:  numeric = (L(w + ε) − L(w − ε)) / 2ε,
// and the relative error |analytic − numeric| / max(|analytic|, |numeric|, floor).
// Use it in your own experiments too: a backward pass that disagrees with it is wrong.
#pragma once

#include <functional>
#include <iosfwd>

#include "core/matrix.hpp"

namespace nnlab {

struct GradCheckResult {
    double max_relative_error = 0.0;  // the worst entry's relative error
    int row = -1, col = -1;           // where the worst entry is
    double analytic = 0.0, numeric = 0.0;
};

// loss: recomputes the scalar loss from the current values of `param` (accumulate it in
// double: the differences are small). `param` is restored afterwards. `floor` keeps the
// relative error of entries whose gradient is ~0 from blowing up.
GradCheckResult check_gradient(const std::function<double()>& loss, Matrix& param, const Matrix& analytic,
                               double epsilon = 1e-2, double floor = 1e-3);

// "max relative error 3.1e-05 at (2, 4): analytic 0.125, numeric 0.1249"
std::ostream& operator<<(std::ostream& out, const GradCheckResult& r);

}  // namespace nnlab
