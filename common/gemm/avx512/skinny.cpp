// skinny.cpp — the AVX-512 backend's routine for products with K ≤ 12 (see gemm/backend.hpp):
// a few rows of A broadcast against long streams of B, 16 columns per register.
// (Skinny N — dot products along k — stays AVX2's: its cost is the reduction of each dot
// product's lanes, which wider registers make longer, not shorter.)
// Compiled with -mavx512f -mavx512vl -mavx512dq -mfma, like every avx512/*.cpp.
#include <immintrin.h>

#include <algorithm>

#include "gemm/backend.hpp"

namespace nnlab::detail::avx512 {

namespace {

// The lanes 0 … count−1 of a 16-lane mask (count clamped to 0 … 16).
inline __mmask16 first_lanes(int count) {
    return count >= 16 ? static_cast<__mmask16>(0xFFFF)
                       : count <= 0 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << count) - 1);
}

// A block of up to 4 rows × 64 columns of C (see skinny_k). kFull: all 64 columns are there,
// and B and C are read and written with plain loads and stores; otherwise `width` < 64
// columns through lane masks.
template <bool kFull>
void block_4x64(int K, const float* const a_r[4], int a_ks, const float* b, int ldb, float alpha, float beta,
                float* const c_r[4], int rows, int width) {
    constexpr int R = 4, G = 4;
    __mmask16 mask[G];
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) mask[g] = kFull ? static_cast<__mmask16>(0xFFFF) : first_lanes(width - 16 * g);
    __m512 acc[R][G];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) acc[r][g] = _mm512_setzero_ps();
    const float* b_k = b;  // row k of B, from this block's first column
    for (int k = 0; k < K; ++k, b_k += ldb) {
        __m512 x[R];
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) x[r] = _mm512_set1_ps(a_r[r][static_cast<long>(k) * a_ks]);
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) {
            const __m512 b_kg = kFull ? _mm512_loadu_ps(b_k + 16 * g) : _mm512_maskz_loadu_ps(mask[g], b_k + 16 * g);
#pragma GCC unroll 4
            for (int r = 0; r < R; ++r) acc[r][g] = _mm512_fmadd_ps(x[r], b_kg, acc[r][g]);
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
        if (r < rows)
#pragma GCC unroll 4
            for (int g = 0; g < G; ++g) {
                __m512 out = acc[r][g];
                float* c = c_r[r] + 16 * g;
                if (alpha != 1.0f) out = _mm512_mul_ps(_mm512_set1_ps(alpha), out);
                if (kFull) {
                    if (beta != 0.0f) out = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(c), out);
                    _mm512_storeu_ps(c, out);
                } else if (mask[g] != 0) {
                    if (beta != 0.0f) out = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mask[g], c), out);
                    _mm512_mask_storeu_ps(c, mask[g], out);
                }
            }
}

}  // namespace

// Skinny K: rows i … i+3 of C are Σ_k a(i, k)·(row k of B), 64 columns at a time.
// Each load of B feeds four FMAs (one per row), so the FMA units, not the load ports, set
// the pace. 4 rows × 4 groups of 16 columns make 16 accumulators, each a chain of K FMAs:
// at K = 10 that many chains keep the two FMA units busy across the 4-cycle latency. With
// the 4 broadcasts and a row of B: 21 of the 32 zmm registers.
// Every C(i, j) is one chain of K FMAs in k order, whatever block it falls in.
void skinny_k(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha, float beta,
              float* c, int ldc) {
    constexpr int R = 4, W = 64;
    for (int i = 0; i < m; i += R) {
        const int rows = std::min(R, m - i);  // a short last block repeats its last row: computed, not stored
        const float* a_r[R];
        float* c_r[R];
        for (int r = 0; r < R; ++r) {
            a_r[r] = a + static_cast<long>(i + std::min(r, rows - 1)) * a_rs;
            c_r[r] = c + static_cast<long>(i + std::min(r, rows - 1)) * ldc;
        }
        int j = 0;
        for (; j + W <= n; j += W) {
            float* const c_j[R] = {c_r[0] + j, c_r[1] + j, c_r[2] + j, c_r[3] + j};
            block_4x64<true>(K, a_r, a_ks, b + j, ldb, alpha, beta, c_j, rows, W);
        }
        if (j < n) {
            float* const c_j[R] = {c_r[0] + j, c_r[1] + j, c_r[2] + j, c_r[3] + j};
            block_4x64<false>(K, a_r, a_ks, b + j, ldb, alpha, beta, c_j, rows, n - j);
        }
    }
}

}  // namespace nnlab::detail::avx512
