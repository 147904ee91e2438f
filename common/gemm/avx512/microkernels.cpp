// microkernels.cpp — the AVX-512 backend's micro-kernel: a 12×32 tile of C in 24 zmm
// registers (and tiles of fewer rows for the bottom edge of C). The backend's other parts:
// avx512/pack.cpp (packing) and avx512/skinny.cpp (K ≤ 12). Its transpose and skinny-N
// routine are AVX2's (avx2/): a transpose is bound by loads and stores, and skinny N by the
// reduction of each dot product's lanes, not by FMA width. Skinny products with A
// transposed (a weight gradient, N = 10) go through this micro-kernel as Cᵀ (10 rows).
//
// Why 12×32. AVX-512 has 32 zmm registers of 16 floats. Per k the kernel loads one row of the
// B panel (nr/16 vectors), broadcasts mr values of A, and does mr·nr/16 FMAs. It needs
//   - mr·nr/16 accumulators + nr/16 B vectors + 1 broadcast ≤ 32 registers;
//   - ≥ 8 independent accumulators (FMA latency 4 cycles × 2 units);
//   - as few loads per FMA as possible: the two load ports serve the B row and the broadcasts
//     (mr + nr/16 loads per mr·nr/16 FMAs).
// 12×32: 24 accumulators + 2 + 1 = 27 registers, 14 loads per 24 FMAs (0.58).
// 14×32 would use 28 + 2 + 1 = 31 registers for 16 loads per 28 FMAs (0.57): no better, and
// a 12-row block divides the usual batch sizes (96, 192, 384) and MC = 144. 8×48 has fewer
// loads (11 per 24 FMAs) but 48 columns cut 128-, 256- and 512-wide layers into ragged
// panels. 6×64 (4 B vectors, 24 FMAs, 10 loads) leaves 64-column panels: half idle on the
// common N = 32-wide edges. 12×32 keeps every width that is a multiple of 32 exact.
//
// Compiled alone with -mavx512f -mavx512vl -mavx512dq -mfma; dispatch.cpp picks it only on a
// CPU that has them (and, under Auto, runs it at full width).
#include <immintrin.h>

#include "gemm/backend.hpp"

namespace nnlab::detail::avx512 {

namespace {

// The lanes of a 16-float vector that hold columns j0 … n−1 of a tile (none when n ≤ j0).
inline __mmask16 columns_mask(int n, int j0) {
    const int valid = n - j0;
    return valid >= 16 ? static_cast<__mmask16>(0xFFFF)
                       : valid <= 0 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << valid) - 1);
}

// C row = α·acc + β·C row on its first n ≤ 32 columns (β = 0: C is not read). AVX-512's
// masked loads and stores are as fast as plain ones and never touch memory past the mask.
inline void store_row(float* c, __m512 acc0, __m512 acc1, __m512 alpha, float beta, int n) {
    __m512 out0 = _mm512_mul_ps(alpha, acc0), out1 = _mm512_mul_ps(alpha, acc1);
    if (n == NR) {
        if (beta != 0.0f) {
            const __m512 b = _mm512_set1_ps(beta);
            out0 = _mm512_fmadd_ps(b, _mm512_loadu_ps(c), out0);
            out1 = _mm512_fmadd_ps(b, _mm512_loadu_ps(c + 16), out1);
        }
        _mm512_storeu_ps(c, out0);
        _mm512_storeu_ps(c + 16, out1);
        return;
    }
    const __mmask16 mask0 = columns_mask(n, 0), mask1 = columns_mask(n, 16);
    if (beta != 0.0f) {
        const __m512 b = _mm512_set1_ps(beta);
        out0 = _mm512_fmadd_ps(b, _mm512_maskz_loadu_ps(mask0, c), out0);
        out1 = _mm512_fmadd_ps(b, _mm512_maskz_loadu_ps(mask1, c + 16), out1);
    }
    _mm512_mask_storeu_ps(c, mask0, out0);
    _mm512_mask_storeu_ps(c + 16, mask1, out1);
}

// C stored transposed (c_cs ≠ 1, the Cᵀ path): the tile's rows, parked in memory, are
// written column by column — C(r, j) = α·tile[r][j] + β·C(r, j) for r < rows, j < n.
template <int R>
inline void store_tile_transposed(const float (*tile)[NR], int n, float* c, int c_rs, int c_cs, float alpha,
                                  float beta) {
    for (int j = 0; j < n; ++j) {
        float* c_j = c + static_cast<long>(j) * c_cs;
        for (int r = 0; r < R; ++r) {
            float& c_rj = c_j[static_cast<long>(r) * c_rs];
            c_rj = beta == 0.0f ? alpha * tile[r][j] : alpha * tile[r][j] + beta * c_rj;
        }
    }
}

// An R×32 tile, R ≤ MR: acc[r][h] += a(r, k)·b(k, 16h : 16h+16) for every k.
// kAdjacentRows: rows r = 0…R−1 of A are neighbours in memory and column k starts k·a_ks
// floats on (a packed panel, a_ks = MR; or a tile of Aᵀ, a_ks = lda): one pointer serves all
// R rows. Otherwise R row pointers share one offset (A read in place).
// R is a template argument and every loop over r is unrolled, so the 2R accumulators stay in
// registers (checked in the assembly: no spills at R = 12).
template <int R, bool kAdjacentRows>
void kernel_rx32(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                 float alpha, float beta, int n) {
    __m512 acc[R][2];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    const float* row[R];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) row[r] = a + static_cast<long>(r) * a_rs;
    // Ask for C's rows now: they arrive while the k loop runs, not when the store needs them.
    if (c_cs == 1)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            _mm_prefetch(reinterpret_cast<const char*>(c + static_cast<long>(r) * c_rs), _MM_HINT_T0);
            _mm_prefetch(reinterpret_cast<const char*>(c + static_cast<long>(r) * c_rs + 16), _MM_HINT_T0);
        }

    long offset = 0;  // of column k in A
#pragma GCC unroll 2
    for (int k = 0; k < kc; ++k) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const __m512 ak = _mm512_set1_ps(kAdjacentRows ? a[offset + r] : row[r][offset]);
            acc[r][0] = _mm512_fmadd_ps(ak, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(ak, b1, acc[r][1]);
        }
        offset += a_ks;
        b += b_ks;
    }

    const __m512 alpha16 = _mm512_set1_ps(alpha);
    if (c_cs == 1) {
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) store_row(c + static_cast<long>(r) * c_rs, acc[r][0], acc[r][1], alpha16, beta, n);
        return;
    }
    alignas(64) float tile[R][NR];  // C stored transposed
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) _mm512_store_ps(tile[r], acc[r][0]), _mm512_store_ps(tile[r] + 16, acc[r][1]);
    store_tile_transposed<R>(tile, n, c, c_rs, c_cs, alpha, beta);
}

template <int R>
void kernel_rows(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                 float alpha, float beta, int n) {
    if (a_rs == 1)
        kernel_rx32<R, true>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
    else
        kernel_rx32<R, false>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
}

}  // namespace

void micro_kernel(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                  float alpha, float beta, int m, int n) {
    switch (m) {  // a ragged bottom tile computes only its m rows
        case 1: return kernel_rows<1>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 2: return kernel_rows<2>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 3: return kernel_rows<3>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 4: return kernel_rows<4>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 5: return kernel_rows<5>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 6: return kernel_rows<6>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 7: return kernel_rows<7>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 8: return kernel_rows<8>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 9: return kernel_rows<9>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 10: return kernel_rows<10>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        case 11: return kernel_rows<11>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        default: return kernel_rows<12>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
    }
}

}  // namespace nnlab::detail::avx512

namespace nnlab::detail {

// KC = 192: a kc×NR panel of B is 192·32·4 B = 24 KiB — half of a 48 KiB L1 (Intel since Ice
//           Lake), three quarters of a 32 KiB one (Zen 4), with room for the 9 KiB A panels
//           (12·192·4 B) streaming past it.
// MC = 144 (12 panels of 12 rows): the packed A block is 144·192·4 B = 108 KiB, inside L2.
// NC = 4064 (127 panels of 32): the packed B block is 192·4064·4 B ≈ 3 MiB, a share of L3.
const Backend kAvx512Backend{"avx512",       avx512::MR,      avx512::NR,         192,
                             144,            4064,            avx512::micro_kernel, avx512::pack_a,
                             avx512::pack_b, avx2::transpose, avx512::skinny_k,   avx2::skinny_n};

}  // namespace nnlab::detail
