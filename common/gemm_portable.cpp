// gemm_portable.cpp — the micro-kernel in plain C++, for every CPU (ARM laptops, old x86).
// Same contract as the AVX2 one (gemm_kernel.hpp); the compiler vectorizes the j loop for
// whatever vector unit the target has.
#include <algorithm>

#include "gemm_kernel.hpp"

namespace nnlab::detail {

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

}  // namespace nnlab::detail
