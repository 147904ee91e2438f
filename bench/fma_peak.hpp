#pragma once

namespace nnlab::bench {
// Runs `iterations` × 12 independent 8-lane FMAs (192 flops each round). AVX2+FMA CPUs only.
float fma_loop(long iterations);
// Runs `iterations` × 12 independent 16-lane FMAs (384 flops each round). AVX-512 CPUs only.
float fma_loop_512(long iterations);
}  // namespace nnlab::bench
