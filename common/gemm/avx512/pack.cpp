// pack.cpp — the AVX-512 backend's packing: blocks of A into 12-row panels and blocks of B
// into 32-column panels, in the order its 12×32 micro-kernel reads them. Transposes go
// through 8×8 blocks in registers (the AVX2 routine, compiled here with this file's flags).
// Compiled with -mavx512f -mavx512vl -mavx512dq -mfma, like every avx512/*.cpp.
#include <immintrin.h>

#include <algorithm>

#include "gemm/avx2/transpose_8x8.hpp"
#include "gemm/backend.hpp"

namespace nnlab::detail::avx512 {

namespace {

// The lanes 0 … count−1 of a 16-lane mask (count clamped to 0 … 16).
inline __mmask16 first_lanes(int count) {
    return count >= 16 ? static_cast<__mmask16>(0xFFFF)
                       : count <= 0 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << count) - 1);
}

// out[k·MR + r] = a(r, k) for k in [k0, kc), zero for r ≥ rows: any strides, one at a time.
void pack_a_scalar(const float* a, int a_rs, int a_ks, int rows, int k0, int kc, float* out) {
    for (int k = k0; k < kc; ++k)
        for (int r = 0; r < MR; ++r)
            out[k * MR + r] = r < rows ? a[static_cast<long>(r) * a_rs + static_cast<long>(k) * a_ks] : 0.0f;
}

// Panel of `cols` ≤ NR columns: out[k·NR + j] = b(k, j) for k in [k0, kc), zero for j ≥ cols.
void pack_b_panel_scalar(const float* b, int b_ks, int b_js, int cols, int k0, int kc, float* out) {
    for (int k = k0; k < kc; ++k)
        for (int j = 0; j < NR; ++j)
            out[k * NR + j] = j < cols ? b[static_cast<long>(k) * b_ks + static_cast<long>(j) * b_js] : 0.0f;
}

}  // namespace

// out[k·MR + r] = a(r, k).
// Aᵀ stored (a_rs = 1): the 12 values of one k are neighbours — one masked load per k, stored
//   as 16 floats (the 4 extra land on the next k's slot and are overwritten by it, or past
//   the panel: see PackA).
// A stored (a_ks = 1): 8 k at a time, rows 0–7 and rows 8–11 (with 4 zero rows) transposed
//   in registers; each k's 12 values then go out as 8 + 4.
void pack_a(const float* a, int a_rs, int a_ks, int rows, int kc, float* out) {
    if (a_rs == 1) {
        const __mmask16 valid = first_lanes(std::min(rows, MR));
        for (int k = 0; k < kc; ++k)
            _mm512_storeu_ps(out + k * MR, _mm512_maskz_loadu_ps(valid, a + static_cast<long>(k) * a_ks));
        return;
    }
    if (a_ks != 1) return pack_a_scalar(a, a_rs, a_ks, rows, 0, kc, out);
    int k = 0;
    for (; k + 8 <= kc; k += 8) {
        __m256 top[8], bottom[8];
        for (int r = 0; r < 8; ++r) {
            top[r] = r < rows ? _mm256_loadu_ps(a + static_cast<long>(r) * a_rs + k) : _mm256_setzero_ps();
            bottom[r] = r + 8 < std::min(rows, MR) ? _mm256_loadu_ps(a + static_cast<long>(r + 8) * a_rs + k)
                                                   : _mm256_setzero_ps();
        }
        transpose_8x8(top);
        transpose_8x8(bottom);
        for (int t = 0; t < 8; ++t) {
            _mm256_storeu_ps(out + (k + t) * MR, top[t]);
            _mm_storeu_ps(out + (k + t) * MR + 8, _mm256_castps256_ps128(bottom[t]));
        }
    }
    pack_a_scalar(a, a_rs, a_ks, rows, k, kc, out);  // the last kc mod 8
}

// Panel q: out[q·NR·kc + k·NR + j] = b(k, q·NR + j).
// B stored (b_js = 1): row by row, each row cut into its panels — B is read as one stream,
//   which the hardware prefetcher follows; the ragged last panel by masked loads.
// Bᵀ stored (b_ks = 1): column j of a panel is contiguous in k, so 8×8 blocks are
//   transposed in registers.
void pack_b(const float* b, int b_ks, int b_js, int cols, int kc, float* out) {
    const int panels = (cols + NR - 1) / NR;
    if (b_js == 1) {
        const int full = cols / NR;
        const __mmask16 mask0 = first_lanes(cols - full * NR), mask1 = first_lanes(cols - full * NR - 16);
        for (int k = 0; k < kc; ++k) {
            const float* row = b + static_cast<long>(k) * b_ks;
            float* dst = out + k * NR;
            for (int q = 0; q < full; ++q, row += NR, dst += NR * kc) {
                _mm512_store_ps(dst, _mm512_loadu_ps(row));
                _mm512_store_ps(dst + 16, _mm512_loadu_ps(row + 16));
            }
            if (full < panels) {
                _mm512_store_ps(dst, _mm512_maskz_loadu_ps(mask0, row));
                _mm512_store_ps(dst + 16, _mm512_maskz_loadu_ps(mask1, row + 16));
            }
        }
        return;
    }
    for (int q = 0; q < panels; ++q, out += NR * kc) {
        const float* panel = b + static_cast<long>(q) * NR * b_js;
        const int panel_cols = std::min(NR, cols - q * NR);
        int k = 0;
        if (b_ks == 1)
            for (; k + 8 <= kc; k += 8)
                for (int eighth = 0; eighth < NR; eighth += 8) {
                    __m256 v[8];
                    for (int j = 0; j < 8; ++j)
                        v[j] = eighth + j < panel_cols ? _mm256_loadu_ps(panel + static_cast<long>(eighth + j) * b_js + k)
                                                       : _mm256_setzero_ps();
                    transpose_8x8(v);
                    for (int t = 0; t < 8; ++t) _mm256_store_ps(out + (k + t) * NR + eighth, v[t]);
                }
        pack_b_panel_scalar(panel, b_ks, b_js, panel_cols, k, kc, out);  // the rest, or any strides
    }
}

}  // namespace nnlab::detail::avx512
