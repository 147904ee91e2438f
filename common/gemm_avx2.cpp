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

// Where a(r, k) is read. kAdjacentRows: rows r = 0…5 are neighbours in memory and column k
// starts k·a_ks floats on (a packed panel, a_ks = MR; or a full tile of Aᵀ, a_ks = lda):
// one pointer serves all six. Otherwise six row pointers share one offset (A read in place).
// The 12 accumulators are named variables, not an array: GCC keeps an array indexed by a
// runtime bound (the edge store's m) on the stack, and every FMA would then wait on memory.
template <bool kAdjacentRows>
void kernel_6x16(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                 float alpha, float beta, int m, int n) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;

    // Rows past m (edge tiles) read row m−1 again: inside A, and never stored.
    const float* row[MR];
    for (int r = 0; r < MR; ++r) row[r] = a + static_cast<long>(std::min(r, m - 1)) * a_rs;
    auto a_at = [&](int r, long offset) { return kAdjacentRows ? a + offset + r : row[r] + offset; };
    // Ask for C's rows now: they arrive while the k loop runs, not when the store needs them.
    if (c_cs == 1)
        for (int r = 0; r < m; ++r) _mm_prefetch(reinterpret_cast<const char*>(c + static_cast<long>(r) * c_rs), _MM_HINT_T0);

    long offset = 0;  // of column k in A
#pragma GCC unroll 4
    for (int k = 0; k < kc; ++k) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
        __m256 ak;
        ak = _mm256_broadcast_ss(a_at(0, offset));
        c00 = _mm256_fmadd_ps(ak, b0, c00);
        c01 = _mm256_fmadd_ps(ak, b1, c01);
        ak = _mm256_broadcast_ss(a_at(1, offset));
        c10 = _mm256_fmadd_ps(ak, b0, c10);
        c11 = _mm256_fmadd_ps(ak, b1, c11);
        ak = _mm256_broadcast_ss(a_at(2, offset));
        c20 = _mm256_fmadd_ps(ak, b0, c20);
        c21 = _mm256_fmadd_ps(ak, b1, c21);
        ak = _mm256_broadcast_ss(a_at(3, offset));
        c30 = _mm256_fmadd_ps(ak, b0, c30);
        c31 = _mm256_fmadd_ps(ak, b1, c31);
        ak = _mm256_broadcast_ss(a_at(4, offset));
        c40 = _mm256_fmadd_ps(ak, b0, c40);
        c41 = _mm256_fmadd_ps(ak, b1, c41);
        ak = _mm256_broadcast_ss(a_at(5, offset));
        c50 = _mm256_fmadd_ps(ak, b0, c50);
        c51 = _mm256_fmadd_ps(ak, b1, c51);
        offset += a_ks;
        b += b_ks;
    }

    const __m256 alpha8 = _mm256_set1_ps(alpha);
    if (c_cs != 1) {  // C is stored transposed: write the tile column by column
        alignas(32) float tile[MR][NR];
        _mm256_store_ps(tile[0], c00), _mm256_store_ps(tile[0] + 8, c01);
        _mm256_store_ps(tile[1], c10), _mm256_store_ps(tile[1] + 8, c11);
        _mm256_store_ps(tile[2], c20), _mm256_store_ps(tile[2] + 8, c21);
        _mm256_store_ps(tile[3], c30), _mm256_store_ps(tile[3] + 8, c31);
        _mm256_store_ps(tile[4], c40), _mm256_store_ps(tile[4] + 8, c41);
        _mm256_store_ps(tile[5], c50), _mm256_store_ps(tile[5] + 8, c51);
        for (int j = 0; j < n; ++j) {
            float* c_j = c + static_cast<long>(j) * c_cs;
            for (int r = 0; r < m; ++r)
                c_j[static_cast<long>(r) * c_rs] = beta == 0.0f ? alpha * tile[r][j] : alpha * tile[r][j] + beta * c_j[static_cast<long>(r) * c_rs];
        }
        return;
    }
    const long ld = c_rs;
    store_row(c, c00, c01, alpha8, beta, n);
    if (m > 1) store_row(c + ld, c10, c11, alpha8, beta, n);
    if (m > 2) store_row(c + 2 * ld, c20, c21, alpha8, beta, n);
    if (m > 3) store_row(c + 3 * ld, c30, c31, alpha8, beta, n);
    if (m > 4) store_row(c + 4 * ld, c40, c41, alpha8, beta, n);
    if (m > 5) store_row(c + 5 * ld, c50, c51, alpha8, beta, n);
}

}  // namespace

void micro_kernel_avx2(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                       int c_cs, float alpha, float beta, int m, int n) {
    // Adjacent rows are safe to read six at a time only in a full tile (m = MR): past the
    // last row of a stored Aᵀ there may be no memory.
    if (a_rs == 1 && (a_ks == MR || m == MR))
        kernel_6x16<true>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, m, n);
    else
        kernel_6x16<false>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, m, n);
}

}  // namespace nnlab::detail
