// random.hpp — seeded random numbers, the same on every machine and compiler.
//
// std::mt19937_64's output is fixed by the standard, but std::normal_distribution and
// std::shuffle are not; so the conversions to floats, normals and shuffles are written
// here, and a seed means the same numbers everywhere (tests and training runs reproduce).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "core/matrix.hpp"

namespace nnlab {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}
    std::uint64_t next_u64() { return engine_(); }
    // Uniform in [lo, hi).
    float uniform(float lo = 0.0f, float hi = 1.0f);
    // Normal with the given mean and standard deviation (Box–Muller).
    float normal(float mean = 0.0f, float stddev = 1.0f);
    // Uniform integer in [0, n).
    int below(int n);
    // Fisher–Yates shuffle.
    void shuffle(std::vector<int>& values);

private:
    double unit();  // uniform in [0, 1) with 53 random bits
    std::mt19937_64 engine_;
    bool has_spare_ = false;
    double spare_ = 0.0;
};

void fill_uniform(Matrix& m, float lo, float hi, Rng& rng);
void fill_normal(Matrix& m, float mean, float stddev, Rng& rng);

// He (Kaiming) initialization for a layer followed by ReLU: w ~ N(0, 2 / fan_in).
// ReLU zeroes half of its inputs, so the factor 2 keeps the variance of the activations
// the same from layer to layer (He et al., 2015).
void he_normal(Matrix& w, int fan_in, Rng& rng);

// 0, 1, …, n−1
std::vector<int> iota_indices(int n);

}  // namespace nnlab
