// gemm_avx2.cpp — the AVX2+FMA backend: a 6×16 tile of C in 12 ymm registers, and packing
// routines that move 8×8 blocks through registers instead of one float at a time.
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

// A tile of R < MR rows × 16: the bottom edge of C — in the transposed dW of the second
// layer (C is 10 rows there: 6 + 4) a third of the work. Computing only the R real rows
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

void micro_kernel_avx2(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
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

// ---- packing ----------------------------------------------------------------------------

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

// out[k·MR + r] = a(r, k). Rows of A contiguous in k (a_ks = 1): 8 k at a time, the 6 rows
// (and 2 zero rows) transposed in registers, each column stored whole — its 2 extra floats
// land on the next k's slot and are overwritten by it (or past the panel: see PackA).
// Aᵀ stored (a_rs = 1): the 6 values of one k are neighbours — one masked load per k.
void pack_a_avx2(const float* a, int a_rs, int a_ks, int rows, int kc, float* out) {
    if (a_rs == 1) {
        const __m256i valid = lanes_below(rows);
        for (int k = 0; k < kc; ++k) _mm256_storeu_ps(out + k * MR, _mm256_maskload_ps(a + static_cast<long>(k) * a_ks, valid));
        return;
    }
    if (a_ks != 1) return pack_a_portable(a, a_rs, a_ks, rows, kc, out);
    int k = 0;
    for (; k + 8 <= kc; k += 8) {
        __m256 v[8];
        for (int r = 0; r < 8; ++r) v[r] = r < rows && r < MR ? _mm256_loadu_ps(a + static_cast<long>(r) * a_rs + k) : _mm256_setzero_ps();
        transpose_8x8(v);
        for (int t = 0; t < 8; ++t) _mm256_storeu_ps(out + (k + t) * MR, v[t]);
    }
    if (k < kc) pack_a_portable(a + k, a_rs, a_ks, rows, kc - k, out + k * MR);
}

// Panel q: out[q·NR·kc + k·NR + j] = b(k, q·NR + j).
// B stored (b_js = 1): row by row, each row cut into its panels — B is read as one stream,
// which the hardware prefetcher follows (panel by panel, it would be 16 floats from each
// of kc rows, a cache miss per row when the rows are far apart).
// Bᵀ stored (b_ks = 1): column j of a panel is contiguous in k, so 8×8 blocks are
// transposed in registers.
void pack_b_avx2(const float* b, int b_ks, int b_js, int cols, int kc, float* out) {
    const int panels = (cols + NR - 1) / NR;
    if (b_js == 1) {
        const int full = cols / NR;
        const __m256i mask0 = lanes_below(cols - full * NR), mask1 = lanes_below(cols - full * NR - 8);
        for (int k = 0; k < kc; ++k) {
            const float* row = b + static_cast<long>(k) * b_ks;
            float* dst = out + k * NR;
            for (int q = 0; q < full; ++q, row += NR, dst += NR * kc) {
                _mm256_store_ps(dst, _mm256_loadu_ps(row));
                _mm256_store_ps(dst + 8, _mm256_loadu_ps(row + 8));
            }
            if (full < panels) {
                _mm256_store_ps(dst, _mm256_maskload_ps(row, mask0));
                _mm256_store_ps(dst + 8, _mm256_maskload_ps(row + 8, mask1));
            }
        }
        return;
    }
    if (b_ks != 1) return pack_b_portable(b, b_ks, b_js, cols, kc, out);
    for (int q = 0; q < panels; ++q, out += NR * kc) {
        const float* panel = b + static_cast<long>(q) * NR * b_js;
        const int panel_cols = std::min(NR, cols - q * NR);
        int k = 0;
        for (; k + 8 <= kc; k += 8)
            for (int half = 0; half < NR; half += 8) {
                __m256 v[8];
                for (int j = 0; j < 8; ++j)
                    v[j] = half + j < panel_cols ? _mm256_loadu_ps(panel + static_cast<long>(half + j) * b_js + k)
                                                 : _mm256_setzero_ps();
                transpose_8x8(v);
                for (int t = 0; t < 8; ++t) _mm256_store_ps(out + (k + t) * NR + half, v[t]);
            }
        // the last kc mod 8 rows: one panel of kc − k rows, in place
        if (k < kc) pack_b_portable(panel + k, b_ks, b_js, panel_cols, kc - k, out + k * NR);
    }
}

// ---- the trainer's second layer: small K, small N -----------------------------------------

// c[0:8] = α·acc + β·c[0:8] (β = 0: c is not read). α = 1, the trainer's case, skips the
// multiply: in a K = 10 product it would be one floating-point operation in eleven.
inline void store_8(float* c, __m256 acc, float alpha, float beta) {
    if (alpha != 1.0f) acc = _mm256_mul_ps(_mm256_set1_ps(alpha), acc);
    if (beta != 0.0f) acc = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(c), acc);
    _mm256_storeu_ps(c, acc);
}

// The same on the lanes of `valid` only: the ragged end of a row. (A masked store is slow on
// AMD cores — tens of cycles — so full vectors never use one.)
inline void store_8_masked(float* c, __m256 acc, float alpha, float beta, __m256i valid) {
    if (alpha != 1.0f) acc = _mm256_mul_ps(_mm256_set1_ps(alpha), acc);
    if (beta != 0.0f) acc = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(c, valid), acc);
    _mm256_maskstore_ps(c, valid, acc);
}

// Small K: rows i … i+2 of C are Σ_k a(i, k)·(row k of B), 32 columns at a time.
// Each load of B feeds three FMAs (one per row) — at one FMA per load, the load ports, not
// the FMA units, would set the pace. 3 rows × 4 groups of 8 columns make 12 accumulators,
// each a chain of K FMAs: an FMA waits ~4 cycles for the one before it in its chain and two
// start every cycle, so at K = 10 fewer chains would leave the FMA units waiting between
// one block of columns and the next. 12 accumulators + 3 broadcasts + 1 row of B fill all
// 16 ymm registers.
void small_k_avx2(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha,
                  float beta, float* c, int ldc) {
    constexpr int R = 3, G = 4;
    for (int i = 0; i < m; i += R) {
        const int rows = std::min(R, m - i);  // a short last block repeats its last row: computed, not stored
        const float* a_r[R];
        float* c_r[R];
        for (int r = 0; r < R; ++r) {
            a_r[r] = a + static_cast<long>(i + std::min(r, rows - 1)) * a_rs;
            c_r[r] = c + static_cast<long>(i + std::min(r, rows - 1)) * ldc;
        }
        int j = 0;
        for (; j + 8 * G <= n; j += 8 * G) {
            __m256 acc[R][G];
#pragma GCC unroll 8
            for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
                for (int g = 0; g < G; ++g) acc[r][g] = _mm256_setzero_ps();
            const float* b_k = b + j;  // row k of B, from column j
            for (int k = 0; k < K; ++k, b_k += ldb) {
                __m256 x[R];
#pragma GCC unroll 8
                for (int r = 0; r < R; ++r) x[r] = _mm256_broadcast_ss(a_r[r] + static_cast<long>(k) * a_ks);
#pragma GCC unroll 8
                for (int g = 0; g < G; ++g) {
                    __m256 b_kg = _mm256_loadu_ps(b_k + 8 * g);
                    // all four in registers: B loaded once, not folded into each FMA (GCC's choice)
                    asm("" : "+x"(b_kg) : "x"(x[0]), "x"(x[1]), "x"(x[2]));
#pragma GCC unroll 8
                    for (int r = 0; r < R; ++r) acc[r][g] = _mm256_fmadd_ps(x[r], b_kg, acc[r][g]);
                }
            }
#pragma GCC unroll 8
            for (int r = 0; r < R; ++r)
                if (r < rows)
#pragma GCC unroll 8
                    for (int g = 0; g < G; ++g) store_8(c_r[r] + j + 8 * g, acc[r][g], alpha, beta);
        }
        for (; j < n; j += 8) {  // the last n mod 32 columns, 8 at a time (the last maybe fewer)
            const bool full = j + 8 <= n;
            const __m256i valid = lanes_below(n - j);
            __m256 acc[R];
            for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
            const float* b_k = b + j;
            for (int k = 0; k < K; ++k, b_k += ldb) {
                const __m256 b_kj = full ? _mm256_loadu_ps(b_k) : _mm256_maskload_ps(b_k, valid);
                for (int r = 0; r < R; ++r)
                    acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(a_r[r] + static_cast<long>(k) * a_ks), b_kj, acc[r]);
            }
            for (int r = 0; r < rows; ++r) {
                if (full)
                    store_8(c_r[r] + j, acc[r], alpha, beta);
                else
                    store_8_masked(c_r[r] + j, acc[r], alpha, beta, valid);
            }
        }
    }
}

// Lane i of the result = the sum of the 8 lanes of v[i]: three rounds of pairwise sums.
inline __m256 lane_sums_8(const __m256 v[8]) {
    const __m256 h01 = _mm256_hadd_ps(v[0], v[1]);  // v0: 01 23, v1: 01 23 | v0: 45 67, v1: 45 67
    const __m256 h23 = _mm256_hadd_ps(v[2], v[3]);
    const __m256 h45 = _mm256_hadd_ps(v[4], v[5]);
    const __m256 h67 = _mm256_hadd_ps(v[6], v[7]);
    const __m256 h0123 = _mm256_hadd_ps(h01, h23);  // v0 v1 v2 v3 over lanes 0–3 | the same over lanes 4–7
    const __m256 h4567 = _mm256_hadd_ps(h45, h67);
    return _mm256_add_ps(_mm256_permute2f128_ps(h0123, h4567, 0x20), _mm256_permute2f128_ps(h0123, h4567, 0x31));
}

// Lanes 0 and 1 of the result = the sums of the 8 lanes of u and of v.
inline __m128 lane_sums_2(__m256 u, __m256 v) {
    const __m256 h = _mm256_hadd_ps(u, v);  // u: 01 23, v: 01 23 | u: 45 67, v: 45 67
    const __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    return _mm_hadd_ps(q, q);
}

// C[0:cols] = α·dot + β·C on one row of a tile: 4 columns as a vector, the 5th alone.
inline void store_dots(float* c, __m128 dot4, float dot5, float alpha, float beta, int cols) {
    dot4 = _mm_mul_ps(_mm_set1_ps(alpha), dot4);
    dot5 *= alpha;
    if (cols == 5) {
        if (beta != 0.0f) {
            dot4 = _mm_add_ps(dot4, _mm_mul_ps(_mm_set1_ps(beta), _mm_loadu_ps(c)));
            dot5 += beta * c[4];
        }
        _mm_storeu_ps(c, dot4);
        c[4] = dot5;
        return;
    }
    alignas(16) float dots[5];
    _mm_store_ps(dots, dot4);
    dots[4] = dot5;
    for (int j = 0; j < cols; ++j) c[j] = beta == 0.0f ? dots[j] : dots[j] + beta * c[j];
}

// A 2×5 tile of C as dot products: acc[r][j] collects a(r, k)·bt(j, k) in 8 lanes along k;
// the lanes are summed at the end. a_row[r]: row r of A; w[j]: row j of op(B)ᵀ. Only the
// first `rows` rows and `cols` columns are stored (the others repeat a real row or column).
void dot_tile_2x5(int K, const float* const a_row[2], const float* const w[5], float alpha, float beta, float* c,
                  int ldc, int rows, int cols) {
    __m256 acc[2][5];
#pragma GCC unroll 8
    for (int r = 0; r < 2; ++r)
#pragma GCC unroll 8
        for (int j = 0; j < 5; ++j) acc[r][j] = _mm256_setzero_ps();
    // 8 values of k from p: all 8, or (the last step) the lanes of `valid`, the rest 0
    auto load = [](const float* p, bool masked, __m256i valid) { return masked ? _mm256_maskload_ps(p, valid) : _mm256_loadu_ps(p); };
    auto step = [&](int k, bool masked, __m256i valid) {
        const __m256 a0 = load(a_row[0] + k, masked, valid), a1 = load(a_row[1] + k, masked, valid);
#pragma GCC unroll 8
        for (int j = 0; j < 5; ++j) {
            __m256 w_j = load(w[j] + k, masked, valid);
            // Keep w_j in a register for both FMAs: left alone, GCC folds the load into each
            // of them, and 12 loads per 10 FMAs make the load ports, not the FMAs, the limit.
            asm("" : "+x"(w_j));
            acc[0][j] = _mm256_fmadd_ps(a0, w_j, acc[0][j]);
            acc[1][j] = _mm256_fmadd_ps(a1, w_j, acc[1][j]);
        }
    };
    int k = 0;
    for (; k + 8 <= K; k += 8) step(k, false, __m256i{});
    if (k < K) step(k, true, lanes_below(K - k));  // masked lanes load 0: nothing past the rows is read

    const __m256 first4[8] = {acc[0][0], acc[0][1], acc[0][2], acc[0][3], acc[1][0], acc[1][1], acc[1][2], acc[1][3]};
    const __m256 dots = lane_sums_8(first4);       // row 0, columns 0–3 | row 1, columns 0–3
    const __m128 fifth = lane_sums_2(acc[0][4], acc[1][4]);  // row 0, row 1 (column 4)
    store_dots(c, _mm256_castps256_ps128(dots), _mm_cvtss_f32(fifth), alpha, beta, cols);
    if (rows == 2)
        store_dots(c + ldc, _mm256_extractf128_ps(dots, 1), _mm_cvtss_f32(_mm_shuffle_ps(fifth, fifth, 1)), alpha, beta,
                   cols);
}

// Small N: tiles of 2 rows × 5 columns (10 accumulators; N = 10 is two tiles wide, no lane
// idle). The rows of A and all of op(B)ᵀ stay in L1 while a row pair is done.
void small_n_avx2(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha, float beta,
                  float* c, int ldc) {
    for (int i = 0; i < m; i += 2) {
        const int rows = std::min(2, m - i);
        const float* a_row[2] = {a + static_cast<long>(i) * lda, a + static_cast<long>(i + rows - 1) * lda};
        for (int j0 = 0; j0 < n; j0 += 5) {
            const float* w[5];  // columns past n repeat the last one: computed, never stored
            for (int j = 0; j < 5; ++j) w[j] = bt + static_cast<long>(std::min(j0 + j, n - 1)) * ldbt;
            dot_tile_2x5(K, a_row, w, alpha, beta, c + static_cast<long>(i) * ldc + j0, ldc, rows, std::min(5, n - j0));
        }
    }
}

// out(j, i) = x(i, j), 8×8 blocks through registers. The last block of each row and column
// starts 8 back from the edge, overlapping its neighbour (it rewrites the same values),
// so no edge is left to a scalar loop unless the whole block is narrower than 8.
void transpose_avx2(const float* x, int ldx, int rows, int cols, float* out, int ldo) {
    if (rows < 8 || cols < 8) return transpose_portable(x, ldx, rows, cols, out, ldo);
    for (int i0 = 0; i0 < rows; i0 += 8) {
        const int i = std::min(i0, rows - 8);
        for (int j0 = 0; j0 < cols; j0 += 8) {
            const int j = std::min(j0, cols - 8);
            __m256 v[8];
            for (int r = 0; r < 8; ++r) v[r] = _mm256_loadu_ps(x + static_cast<long>(i + r) * ldx + j);
            transpose_8x8(v);
            for (int t = 0; t < 8; ++t) _mm256_storeu_ps(out + static_cast<long>(j + t) * ldo + i, v[t]);
        }
    }
}

}  // namespace

const Backend kAvx2Backend{"avx2",         micro_kernel_avx2, pack_a_avx2, pack_b_avx2,
                           transpose_avx2, small_k_avx2,      small_n_avx2};

}  // namespace nnlab::detail
