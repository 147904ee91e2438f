#include "gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

namespace nnlab {

GradCheckResult check_gradient(const std::function<double()>& loss, Matrix& param, const Matrix& analytic,
                               double epsilon, double floor) {
    require_shape(analytic, param.rows(), param.cols(), "check_gradient: analytic gradient");
    GradCheckResult worst;
    for (int r = 0; r < param.rows(); ++r) {
        for (int c = 0; c < param.cols(); ++c) {
            const float saved = param(r, c);
            param(r, c) = static_cast<float>(saved + epsilon);
            const double plus = loss();
            param(r, c) = static_cast<float>(saved - epsilon);
            const double minus = loss();
            param(r, c) = saved;
            // ε as actually stored in float, so the quotient divides by the real step.
            const double step = static_cast<double>(static_cast<float>(saved + epsilon)) -
                                static_cast<double>(static_cast<float>(saved - epsilon));
            const double numeric = (plus - minus) / step;
            const double a = analytic(r, c);
            const double rel = std::abs(a - numeric) / std::max({std::abs(a), std::abs(numeric), floor});
            if (rel > worst.max_relative_error || worst.row < 0) worst = {rel, r, c, a, numeric};
        }
    }
    return worst;
}

std::ostream& operator<<(std::ostream& out, const GradCheckResult& r) {
    return out << "max relative error " << r.max_relative_error << " at (" << r.row << ", " << r.col
               << "): analytic " << r.analytic << ", numeric " << r.numeric;
}

}  // namespace nnlab
