// transpose_8x8.hpp — an 8×8 block of floats transposed in eight ymm registers, for the
// packing routines of the AVX2 and AVX-512 backends (included by avx2/pack.cpp and
// avx512/pack.cpp, each compiled for its own instruction set). The function has internal
// linkage (an unnamed namespace): each file keeps its own copy, compiled with its own flags,
// so the linker can never hand the AVX2 backend a copy built with AVX-512 instructions.
#pragma once

#include <immintrin.h>

namespace nnlab::detail {
namespace {

// Rows in, columns out: r[i] holds row i of an 8×8 block; afterwards r[j] holds column j.
// Three rounds of shuffles, each interleaving pairs at twice the previous width.
inline void transpose_8x8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);      // a0 b0 a1 b1 | a4 b4 a5 b5
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);  // a2 b2 a3 b3 | a6 b6 a7 b7
    }
    for (int i = 0; i < 8; i += 4) {
        s[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);      // a0 b0 c0 d0 | a4 b4 c4 d4
        s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);  // a1 b1 c1 d1 | …
        s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int j = 0; j < 4; ++j) {
        r[j] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x20);      // low halves: columns 0–3
        r[j + 4] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x31);  // high halves: columns 4–7
    }
}


}  // namespace
}  // namespace nnlab::detail
