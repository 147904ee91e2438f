// microkernels.cpp — the AVX2+FMA backend's micro-kernel: a 6×16 tile of C in 12 ymm registers
// (and narrower tiles for the ragged bottom edge of C). The backend's other parts:
// avx2/pack.cpp (packing, transposes) and avx2/skinny.cpp (N or K ≤ 12).
//
// Why 6×16: 12 of AVX2's 16 ymm registers hold accumulators (6 rows × 2 vectors of 8),
// 2 hold the B row and 1 the broadcast A element; per k, 2 loads of B and 6 broadcasts feed
// 12 FMAs — few enough loads that the two FMA units, not the load ports, set the pace, and
// 12 independent chains cover the FMA latency (4 cycles × 2 units = 8 in flight).
//
// Compiled alone with -mavx2 -mfma; dispatch.cpp picks it only after checking the CPU
// (__builtin_cpu_supports), so the rest of the library still runs on any x86-64.
//
// Per k: load one row of the B panel (2 × 8 floats), broadcast each of the 6 A values of
// column k, and do 12 FMAs:  acc[r][h] += a(r, k) · b(k, 8h : 8h+8).
#include <immintrin.h>

#include "gemm/avx2/lanes.hpp"
#include "gemm/backend.hpp"

namespace nnlab::detail::avx2 {

namespace {

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

// C stored transposed (c_cs ≠ 1, the Cᵀ path): the tile's rows, parked in memory, are
// written column by column — C(r, j) = α·tile[r][j] + β·C(r, j) for r < rows, j < n.
inline void store_tile_transposed(const float (*tile)[NR], int rows, int n, float* c, int c_rs, int c_cs, float alpha,
                                  float beta) {
    for (int j = 0; j < n; ++j) {
        float* c_j = c + static_cast<long>(j) * c_cs;
        for (int r = 0; r < rows; ++r) {
            float& c_rj = c_j[static_cast<long>(r) * c_rs];
            c_rj = beta == 0.0f ? alpha * tile[r][j] : alpha * tile[r][j] + beta * c_rj;
        }
    }
}

// A full 6×16 tile (ragged bottom tiles go to kernel_rx16 below).
// Where a(r, k) is read. kAdjacentRows: rows r = 0…5 are neighbours in memory and column k
// starts k·a_ks floats on (a packed panel, a_ks = MR; or a tile of Aᵀ, a_ks = lda): one
// pointer serves all six. Otherwise six row pointers share one offset (A read in place).
// The 12 accumulators are named variables, not an array: in the first version an array
// ended up on the stack, and every FMA waited on memory (44 GFLOP/s).
template <bool kAdjacentRows>
void kernel_6x16(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                 float alpha, float beta, int n) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;

    const float* row[MR];
    for (int r = 0; r < MR; ++r) row[r] = a + static_cast<long>(r) * a_rs;
    auto a_at = [&](int r, long offset) { return kAdjacentRows ? a + offset + r : row[r] + offset; };
    // Ask for C's rows now: they arrive while the k loop runs, not when the store needs them.
    if (c_cs == 1)
        for (int r = 0; r < MR; ++r) _mm_prefetch(reinterpret_cast<const char*>(c + static_cast<long>(r) * c_rs), _MM_HINT_T0);

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
    if (c_cs != 1) {  // C is stored transposed
        alignas(32) float tile[MR][NR];
        _mm256_store_ps(tile[0], c00), _mm256_store_ps(tile[0] + 8, c01);
        _mm256_store_ps(tile[1], c10), _mm256_store_ps(tile[1] + 8, c11);
        _mm256_store_ps(tile[2], c20), _mm256_store_ps(tile[2] + 8, c21);
        _mm256_store_ps(tile[3], c30), _mm256_store_ps(tile[3] + 8, c31);
        _mm256_store_ps(tile[4], c40), _mm256_store_ps(tile[4] + 8, c41);
        _mm256_store_ps(tile[5], c50), _mm256_store_ps(tile[5] + 8, c51);
        return store_tile_transposed(tile, MR, n, c, c_rs, c_cs, alpha, beta);
    }
    const long ld = c_rs;
    store_row(c, c00, c01, alpha8, beta, n);
    store_row(c + ld, c10, c11, alpha8, beta, n);
    store_row(c + 2 * ld, c20, c21, alpha8, beta, n);
    store_row(c + 3 * ld, c30, c31, alpha8, beta, n);
    store_row(c + 4 * ld, c40, c41, alpha8, beta, n);
    store_row(c + 5 * ld, c50, c51, alpha8, beta, n);
}

// A tile of R < MR rows × 16: the bottom edge of C — in a transposed skinny product (Cᵀ
// with N = 10 rows: 6 + 4) a third of the work. Computing only the R real rows
// spares the FMAs the 6-row kernel would spend on copies of the last row. R is a template
// argument and every loop over r is unrolled, so the 2R accumulators stay in registers
// (one loop left rolled made GCC keep a copy of them on the stack, updated at every k).
template <int R>
void kernel_rx16(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                 float alpha, float beta, int n) {
    __m256 acc[R][2];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    long offset = 0;  // of column k in A
    for (int k = 0; k < kc; ++k, offset += a_ks, b += b_ks) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m256 ak = _mm256_broadcast_ss(a + static_cast<long>(r) * a_rs + offset);
            acc[r][0] = _mm256_fmadd_ps(ak, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(ak, b1, acc[r][1]);
        }
    }
    const __m256 alpha8 = _mm256_set1_ps(alpha);
    if (c_cs == 1) {
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) store_row(c + static_cast<long>(r) * c_rs, acc[r][0], acc[r][1], alpha8, beta, n);
        return;
    }
    alignas(32) float tile[R][NR];  // C stored transposed
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) _mm256_store_ps(tile[r], acc[r][0]), _mm256_store_ps(tile[r] + 8, acc[r][1]);
    store_tile_transposed(tile, R, n, c, c_rs, c_cs, alpha, beta);
}

}  // namespace

void micro_kernel(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                       int c_cs, float alpha, float beta, int m, int n) {
    if (m < MR) {  // a ragged bottom tile: only its m rows
        switch (m) {
            case 1: return kernel_rx16<1>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
            case 2: return kernel_rx16<2>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
            case 3: return kernel_rx16<3>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
            case 4: return kernel_rx16<4>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
            default: return kernel_rx16<5>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
        }
    }
    if (a_rs == 1)
        kernel_6x16<true>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
    else
        kernel_6x16<false>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, c_cs, alpha, beta, n);
}

}  // namespace nnlab::detail::avx2

namespace nnlab::detail {

// KC = 256: a kc×NR panel of B is 256·16·4 B = 16 KiB — half of a 32 KiB L1, so it stays
//           there while the MR×kc panels of A (6 KiB each) stream past it.
// MC = 144: the packed A block is 144·256·4 B = 144 KiB, well inside a 1 MiB L2 with room for C.
// NC = 4080: the packed B block is 256·4080·4 B ≈ 4 MiB, a share of L3.
// They are the values BLIS uses for sgemm on Zen; on Intel cores since Haswell they are sane too.
const Backend kAvx2Backend{"avx2",          avx2::MR,         avx2::NR,       256,
                           144,             4080,             avx2::micro_kernel, avx2::pack_a,
                           avx2::pack_b,    avx2::transpose,  avx2::skinny_k, avx2::skinny_n};

}  // namespace nnlab::detail
