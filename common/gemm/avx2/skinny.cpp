// skinny.cpp — the AVX2 backend's routines for the products a 6×16 tile fits badly: N or
// K ≤ 12, e.g. a network's output layer, 10 classes wide (see gemm/backend.hpp). Skinny K:
// a few rows of A against streams of B. Skinny N: dot products along k.
// Compiled with -mavx2 -mfma, like every avx2/*.cpp.
#include <immintrin.h>

#include <algorithm>

#include "gemm/avx2/lanes.hpp"
#include "gemm/backend.hpp"

namespace nnlab::detail::avx2 {

namespace {

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

}  // namespace

// Skinny K: rows i … i+2 of C are Σ_k a(i, k)·(row k of B), 32 columns at a time.
// Each load of B feeds three FMAs (one per row) — at one FMA per load, the load ports, not
// the FMA units, would set the pace. 3 rows × 4 groups of 8 columns make 12 accumulators,
// each a chain of K FMAs: an FMA waits ~4 cycles for the one before it in its chain and two
// start every cycle, so at K = 10 fewer chains would leave the FMA units waiting between
// one block of columns and the next. 12 accumulators + 3 broadcasts + 1 row of B fill all
// 16 ymm registers.
void skinny_k(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha,
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

namespace {

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

}  // namespace

// Skinny N: tiles of 2 rows × 5 columns (10 accumulators; N = 10 is two tiles wide, no lane
// idle). The rows of A and all of op(B)ᵀ stay in L1 while a row pair is done.
void skinny_n(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha, float beta,
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

}  // namespace nnlab::detail::avx2
