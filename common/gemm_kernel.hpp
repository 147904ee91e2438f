// gemm_kernel.hpp — the contract between the GEMM driver (gemm.cpp) and its micro-kernels.
// Internal to common/; users call nnlab::gemm.
#pragma once

namespace nnlab::detail {

// The register block: each micro-kernel call computes a MR×NR tile of C.
// 6×16 fills 12 of AVX2's 16 ymm registers with accumulators (6 rows × 2 vectors of 8),
// leaves 2 for the B row and 1 for the broadcast A element, and needs 2 loads per
// 12 FMAs: few enough that the two FMA units, not the load ports, set the pace.
constexpr int MR = 6;
constexpr int NR = 16;

// C[0:m, 0:n] = α·Σ_k a(r, k)·b(k, :) + β·C   (β = 0: C is not read)
// C(r, j) is at c[r·c_rs + j·c_cs]: (ldc, 1) normally; (1, ldc) when the driver computes Cᵀ
// (gemm.cpp does, for products with few columns).
//
// b: row k of the B panel at b + k·b_ks: a packed panel (b_ks = NR, zero-padded past the
//    real columns) or, for a full panel of an untransposed B, B itself (b_ks = ldb).
// a: element (r, k) at a[r·a_rs + k·a_ks]. A packed panel has a_rs = 1, a_ks = MR;
//    the small-N path passes the unpacked matrix with its own strides instead.
// m ≤ MR and n ≤ NR are the valid rows and columns of this tile (edges of C).
using MicroKernel = void (*)(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                             int c_cs, float alpha, float beta, int m, int n);

void micro_kernel_portable(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                           int c_cs, float alpha, float beta, int m, int n);
#ifndef NNLAB_NO_AVX2
void micro_kernel_avx2(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                       int c_cs, float alpha, float beta, int m, int n);
#endif

}  // namespace nnlab::detail
