// pack.cpp — the AVX2 backend's packing: copying blocks of A and B into the order
// the micro-kernel reads them, and transposing a matrix for the skinny routines — 8×8
// blocks at a time through registers instead of one float at a time.
// Compiled with -mavx2 -mfma, like every avx2/*.cpp.
#include <immintrin.h>

#include <algorithm>

#include "gemm/avx2/lanes.hpp"
#include "gemm/avx2/transpose_8x8.hpp"
#include "gemm/backend.hpp"

namespace nnlab::detail::avx2 {

// Ragged corners fall back on the portable routines, which pack the same 6×16 block.
static_assert(MR == portable::MR && NR == portable::NR);


// out[k·MR + r] = a(r, k). Rows of A contiguous in k (a_ks = 1): 8 k at a time, the 6 rows
// (and 2 zero rows) transposed in registers, each column stored whole — its 2 extra floats
// land on the next k's slot and are overwritten by it (or past the panel: see PackA).
// Aᵀ stored (a_rs = 1): the 6 values of one k are neighbours — one masked load per k.
void pack_a(const float* a, int a_rs, int a_ks, int rows, int kc, float* out) {
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
void pack_b(const float* b, int b_ks, int b_js, int cols, int kc, float* out) {
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

// out(j, i) = x(i, j), 8×8 blocks through registers. The last block of each row and column
// starts 8 back from the edge, overlapping its neighbour (it rewrites the same values),
// so no edge is left to a scalar loop unless the whole block is narrower than 8.
void transpose(const float* x, int ldx, int rows, int cols, float* out, int ldo) {
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

}  // namespace nnlab::detail::avx2
