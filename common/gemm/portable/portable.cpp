// portable.cpp — the portable backend: micro-kernel and packing in plain C++, for every
// CPU (ARM laptops, old x86). Same contract as the AVX2 one (gemm/backend.hpp); the compiler
// vectorizes the j loops for whatever vector unit the target has.
#include <algorithm>

#include "gemm/backend.hpp"

namespace nnlab::detail {

using portable::MR;
using portable::NR;

namespace {

void micro_kernel_portable(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                           int c_cs, float alpha, float beta, int m, int n) {
    // Rows past m would lie outside A when A is read in place: read row m−1 again instead.
    const float* a_row[MR];
    for (int r = 0; r < MR; ++r) a_row[r] = a + static_cast<long>(std::min(r, m - 1)) * a_rs;

    // acc[r][j] = Σ_k a(r, k)·b(k, j)
    float acc[MR][NR] = {};
    for (int k = 0; k < kc; ++k) {
        const float* b_k = b + static_cast<long>(k) * b_ks;
        for (int r = 0; r < MR; ++r) {
            const float a_rk = a_row[r][static_cast<long>(k) * a_ks];
            for (int j = 0; j < NR; ++j) acc[r][j] += a_rk * b_k[j];
        }
    }
    // C = α·acc + β·C, on the valid m×n corner only.
    for (int r = 0; r < m; ++r)
        for (int j = 0; j < n; ++j) {
            float& c_rj = c[static_cast<long>(r) * c_rs + static_cast<long>(j) * c_cs];
            c_rj = beta == 0.0f ? alpha * acc[r][j] : alpha * acc[r][j] + beta * c_rj;
        }
}

}  // namespace

void pack_a_portable(const float* a, int a_rs, int a_ks, int rows, int kc, float* out) {
    // out[k·MR + r] = a(r, k), zero below the last row
    for (int k = 0; k < kc; ++k, out += MR)
        for (int r = 0; r < MR; ++r)
            out[r] = r < rows ? a[static_cast<long>(r) * a_rs + static_cast<long>(k) * a_ks] : 0.0f;
}

void pack_b_portable(const float* b, int b_ks, int b_js, int cols, int kc, float* out) {
    // panel q: out[q·NR·kc + k·NR + j] = b(k, q·NR + j), zero right of the last column
    for (int j0 = 0; j0 < cols; j0 += NR, out += NR * kc)
        for (int k = 0; k < kc; ++k)
            for (int j = 0; j < NR; ++j)
                out[k * NR + j] = j0 + j < cols ? b[static_cast<long>(k) * b_ks + static_cast<long>(j0 + j) * b_js] : 0.0f;
}

void transpose_portable(const float* x, int ldx, int rows, int cols, float* out, int ldo) {
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) out[static_cast<long>(j) * ldo + i] = x[static_cast<long>(i) * ldx + j];
}

namespace {

// C(i, j) = α·Σ_k a(i, k)·b(k, j) + β·C(i, j), each row of C built up k by k.
void skinny_k_portable(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha,
                      float beta, float* c, int ldc) {
    float acc[NR];
    for (int i = 0; i < m; ++i) {
        float* c_i = c + static_cast<long>(i) * ldc;
        for (int j0 = 0; j0 < n; j0 += NR) {
            const int width = std::min(NR, n - j0);
            std::fill(acc, acc + NR, 0.0f);
            for (int k = 0; k < K; ++k) {
                const float a_ik = a[static_cast<long>(i) * a_rs + static_cast<long>(k) * a_ks];
                const float* b_k = b + static_cast<long>(k) * ldb + j0;
                for (int j = 0; j < width; ++j) acc[j] += a_ik * b_k[j];
            }
            for (int j = 0; j < width; ++j)
                c_i[j0 + j] = beta == 0.0f ? alpha * acc[j] : alpha * acc[j] + beta * c_i[j0 + j];
        }
    }
}

// C(i, j) = α·(row i of a)·(row j of bt) + β·C(i, j)
void skinny_n_portable(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha, float beta,
                      float* c, int ldc) {
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            const float* a_i = a + static_cast<long>(i) * lda;
            const float* bt_j = bt + static_cast<long>(j) * ldbt;
            float dot = 0.0f;
            for (int k = 0; k < K; ++k) dot += a_i[k] * bt_j[k];
            float& c_ij = c[static_cast<long>(i) * ldc + j];
            c_ij = beta == 0.0f ? alpha * dot : alpha * dot + beta * c_ij;
        }
}

}  // namespace

// The same 6×16 block and cache blocks as the AVX2 backend (avx2/microkernels.cpp says why):
// compilers vectorize the j loop for 4, 8 or 16 lanes, and 16 suits all three.
const Backend kPortableBackend{"portable", MR, NR, 256, 144, 4080, micro_kernel_portable, pack_a_portable,
                               pack_b_portable, transpose_portable, skinny_k_portable, skinny_n_portable};

}  // namespace nnlab::detail
