// backend.hpp — the contract between the GEMM driver (driver.cpp) and its backends.
// Internal to common/; users call nnlab::gemm.
//
// A backend is a micro-kernel, the two packing routines that feed it, a transpose, and the
// two routines for the second layer's shapes (struct Backend below). There are two:
// portable C++ (portable/portable.cpp) and AVX2+FMA (avx2/*.cpp); the driver picks one at
// run time and never looks inside.
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
// a: element (r, k) at a[r·a_rs + k·a_ks]. A packed panel has a_rs = 1, a_ks = MR; when
//    there is a single B panel (N ≤ NR), A is read in place with its own strides instead.
// m ≤ MR and n ≤ NR are the valid rows and columns of this tile (edges of C).
using MicroKernel = void (*)(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                             int c_cs, float alpha, float beta, int m, int n);

// Packs the rows×kc corner of a (element (r, k) at a[r·a_rs + k·a_ks]) into an MR×kc panel
// stored k-major, MR floats per k; rows past `rows` are zero. May write up to MR floats past
// the panel's end (the driver's buffers leave room; the next panel overwrites them).
using PackA = void (*)(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);

// Packs the kc×cols block of b (element (k, j) at b[k·b_ks + j·b_js]) into ⌈cols/NR⌉ panels
// of kc×NR, NR floats per k, panel q at out + q·NR·kc; columns past `cols` in the last panel
// are zero. `out` is 64-byte aligned.
using PackB = void (*)(const float* b, int b_ks, int b_js, int cols, int kc, float* out);

// out(j, i) = x(i, j) for a rows×cols block: out[j·ldo + i] = x[i·ldx + j].
using Transpose = void (*)(const float* x, int ldx, int rows, int cols, float* out, int ldo);

// The two shapes where a 6×16 tile does not fit: the trainer's second layer, whose width is
// the 10 classes. Both compute C = α·op(A)·op(B) + β·C on an m×n block of C (row stride ldc).
//
// Small K (K ≤ kSmallK; dx = dy·W2ᵀ has K = 10): the K values of a row of A sit in registers
// while rows of B stream past them. a(i, k) at a[i·a_rs + k·a_ks]; b is op(B) itself,
// K×n row-major with row stride ldb.
constexpr int kSmallK = 12;
using SmallKProduct = void (*)(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb,
                               float alpha, float beta, float* c, int ldc);

// Small N (N ≤ kSmallN; logits = h·W2 has N = 10): each C(i, j) is a dot product of row i of
// A and row j of op(B)ᵀ, both contiguous in k, so the vector lanes run along k and none is
// idle. a: m×K row-major (row stride lda); bt: op(B)ᵀ, n×K row-major (row stride ldbt).
constexpr int kSmallN = 12;
using SmallNProduct = void (*)(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha,
                               float beta, float* c, int ldc);

struct Backend {
    const char* name;
    MicroKernel kernel;
    PackA pack_a;
    PackB pack_b;
    Transpose transpose;
    SmallKProduct small_k;
    SmallNProduct small_n;
};

extern const Backend kPortableBackend;  // portable/portable.cpp
#ifndef NNLAB_NO_AVX2
extern const Backend kAvx2Backend;  // avx2/microkernels.cpp, from the parts below

// The AVX2 backend's parts, one concern per file (each compiled with -mavx2 -mfma):
void micro_kernel_avx2(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                       int c_cs, float alpha, float beta, int m, int n);  // avx2/microkernels.cpp
void pack_a_avx2(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);                    // avx2/pack.cpp
void pack_b_avx2(const float* b, int b_ks, int b_js, int cols, int kc, float* out);                    // avx2/pack.cpp
void transpose_avx2(const float* x, int ldx, int rows, int cols, float* out, int ldo);                // avx2/pack.cpp
void small_k_avx2(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha,
                  float beta, float* c, int ldc);  // avx2/skinny.cpp
void small_n_avx2(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha, float beta,
                  float* c, int ldc);  // avx2/skinny.cpp
#endif

// The portable packing routines: the AVX2 backend falls back on them for ragged corners.
void pack_a_portable(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);
void pack_b_portable(const float* b, int b_ks, int b_js, int cols, int kc, float* out);
void transpose_portable(const float* x, int ldx, int rows, int cols, float* out, int ldo);

}  // namespace nnlab::detail
