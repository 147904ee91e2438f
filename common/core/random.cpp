#include "random.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace nnlab {

double Rng::unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

float Rng::uniform(float lo, float hi) { return static_cast<float>(lo + (hi - lo) * unit()); }

float Rng::normal(float mean, float stddev) {
    // Box–Muller: two uniforms give two independent standard normals; keep the second.
    if (has_spare_) {
        has_spare_ = false;
        return static_cast<float>(mean + stddev * spare_);
    }
    double u1 = 1.0 - unit();  // in (0, 1], so log(u1) is finite
    double u2 = unit();
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * M_PI * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return static_cast<float>(mean + stddev * radius * std::cos(angle));
}

int Rng::below(int n) {
    if (n <= 0) throw std::invalid_argument("Rng::below(" + std::to_string(n) + "): n must be positive");
    // Rejection sampling removes the bias of a plain modulo.
    const std::uint64_t range = static_cast<std::uint64_t>(n);
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t x;
    do x = engine_();
    while (x >= limit);
    return static_cast<int>(x % range);
}

void Rng::shuffle(std::vector<int>& values) {
    for (int i = static_cast<int>(values.size()) - 1; i > 0; --i) std::swap(values[i], values[below(i + 1)]);
}

void fill_uniform(Matrix& m, float lo, float hi, Rng& rng) {
    for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(lo, hi);
}

void fill_normal(Matrix& m, float mean, float stddev, Rng& rng) {
    for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = rng.normal(mean, stddev);
}

void he_normal(Matrix& w, int fan_in, Rng& rng) {
    if (fan_in <= 0) throw std::invalid_argument("he_normal: fan_in must be positive, got " + std::to_string(fan_in));
    fill_normal(w, 0.0f, std::sqrt(2.0f / static_cast<float>(fan_in)), rng);
}

std::vector<int> iota_indices(int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}

}  // namespace nnlab
