// gemm_avx2.cpp — the AVX2+FMA micro-kernel: a 6×16 tile of C in 12 ymm registers.
//
// Compiled alone with -mavx2 -mfma; gemm.cpp calls it only after checking the CPU
// (__builtin_cpu_supports), so the rest of the library still runs on any x86-64.
//
// Per k: load one row of the B panel (2 × 8 floats), broadcast each of the 6 A values of
// column k, and do 12 FMAs:  acc[r][h] += a(r, k) · b(k, 8h : 8h+8).
#include <immintrin.h>

#include <algorithm>

#include "gemm_kernel.hpp"

namespace nnlab::detail {

namespace {

// Lanes 0..n−1 of an 8-lane mask set (n clamped to 0..8): for the ragged right edge of C.
__m256i lanes_below(int n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(std::clamp(n, 0, 8)), index);
}

// C row = α·acc + β·C row (β = 0: C is not read, so NaN or garbage there is overwritten).
inline void store_row(float* c, __m256 acc0, __m256 acc1, __m256 alpha, float beta, int n) {
    if (n == NR) {
        if (beta == 0.0f) {
            _mm256_storeu_ps(c, _mm256_mul_ps(alpha, acc0));
            _mm256_storeu_ps(c + 8, _mm256_mul_ps(alpha, acc1));
        } else {
            const __m256 b = _mm256_set1_ps(beta);
            _mm256_storeu_ps(c, _mm256_fmadd_ps(alpha, acc0, _mm256_mul_ps(b, _mm256_loadu_ps(c))));
            _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(alpha, acc1, _mm256_mul_ps(b, _mm256_loadu_ps(c + 8))));
        }
        return;
    }
    const __m256i mask0 = lanes_below(n), mask1 = lanes_below(n - 8);
    __m256 out0 = _mm256_mul_ps(alpha, acc0), out1 = _mm256_mul_ps(alpha, acc1);
    if (beta != 0.0f) {
        const __m256 b = _mm256_set1_ps(beta);
        out0 = _mm256_fmadd_ps(b, _mm256_maskload_ps(c, mask0), out0);
        out1 = _mm256_fmadd_ps(b, _mm256_maskload_ps(c + 8, mask1), out1);
    }
    _mm256_maskstore_ps(c, mask0, out0);
    _mm256_maskstore_ps(c + 8, mask1, out1);
}

// The inner loop. kPacked: A is a packed panel (a(r, k) at a[k·MR + r]), the common case;
// otherwise A is read in place through row pointers and a column stride.
template <bool kPacked>
void kernel_6x16(int kc, const float* a, int a_rs, int a_ks, const float* b, float* c, int ldc, float alpha, float beta,
                 int m, int n) {
    __m256 acc[MR][2];
    for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();

    const float* a_row[MR];
    if (!kPacked) {
        // Rows past m would lie outside A: read row m−1 again; those sums are never stored.
        for (int r = 0; r < MR; ++r) a_row[r] = a + static_cast<long>(std::min(r, m - 1)) * a_rs;
    }

#pragma GCC unroll 4
    for (int k = 0; k < kc; ++k) {
        const __m256 b0 = _mm256_load_ps(b);
        const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
        for (int r = 0; r < MR; ++r) {
            const __m256 a_rk = _mm256_broadcast_ss(kPacked ? a + r : a_row[r] + static_cast<long>(k) * a_ks);
            acc[r][0] = _mm256_fmadd_ps(a_rk, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(a_rk, b1, acc[r][1]);
        }
        if (kPacked) a += MR;
        b += NR;
    }

    const __m256 alpha8 = _mm256_set1_ps(alpha);
    for (int r = 0; r < m; ++r) store_row(c + static_cast<long>(r) * ldc, acc[r][0], acc[r][1], alpha8, beta, n);
}

}  // namespace

void micro_kernel_avx2(int kc, const float* a, int a_rs, int a_ks, const float* b, float* c, int ldc, float alpha,
                       float beta, int m, int n) {
    if (a_rs == 1 && a_ks == MR)
        kernel_6x16<true>(kc, a, a_rs, a_ks, b, c, ldc, alpha, beta, m, n);
    else
        kernel_6x16<false>(kc, a, a_rs, a_ks, b, c, ldc, alpha, beta, m, n);
}

}  // namespace nnlab::detail
