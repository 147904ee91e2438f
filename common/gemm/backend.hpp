// backend.hpp — the contract between the GEMM driver (driver.cpp) and its backends.
// Internal to common/gemm; users call nnlab::gemm.
//
// A backend is a micro-kernel with its register block and cache blocks, the two packing
// routines that feed it, a transpose, and the two routines for skinny products (struct
// Backend below). There are three: portable C++ (portable/), AVX2+FMA (avx2/) and AVX-512
// (avx512/). dispatch.cpp picks one at run time; the driver reads its sizes and calls its
// routines, and never looks inside.
#pragma once

namespace nnlab::detail {

// C[0:m, 0:n] = α·Σ_k a(r, k)·b(k, :) + β·C   (β = 0: C is not read)
// on one tile of at most mr×nr (the backend's register block).
// C(r, j) is at c[r·c_rs + j·c_cs]: (ldc, 1) normally; (1, ldc) when the driver computes Cᵀ
// (driver.cpp does, for products with few columns).
//
// b: row k of the B panel at b + k·b_ks: a packed panel (b_ks = nr, zero-padded past the
//    real columns) or, for a full panel of an untransposed B, B itself (b_ks = ldb).
// a: element (r, k) at a[r·a_rs + k·a_ks]. A packed panel has a_rs = 1, a_ks = mr; when
//    there is a single B panel (N ≤ nr), A is read in place with its own strides instead.
// m ≤ mr and n ≤ nr are the valid rows and columns of this tile (edges of C).
// Every C(r, j) is one chain of FMAs in k order, whatever the tile's size: so slicing C
// differently (threads) never changes a bit.
using MicroKernel = void (*)(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs,
                             int c_cs, float alpha, float beta, int m, int n);

// Packs the rows×kc corner of a (element (r, k) at a[r·a_rs + k·a_ks]) into an mr×kc panel
// stored k-major, mr floats per k; rows past `rows` are zero. May write up to 16 floats past
// the panel's end (the driver's buffers leave room; the next panel overwrites them).
using PackA = void (*)(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);

// Packs the kc×cols block of b (element (k, j) at b[k·b_ks + j·b_js]) into ⌈cols/nr⌉ panels
// of kc×nr, nr floats per k, panel q at out + q·nr·kc; columns past `cols` in the last panel
// are zero. `out` is 64-byte aligned.
using PackB = void (*)(const float* b, int b_ks, int b_js, int cols, int kc, float* out);

// out(j, i) = x(i, j) for a rows×cols block: out[j·ldo + i] = x[i·ldx + j].
using Transpose = void (*)(const float* x, int ldx, int rows, int cols, float* out, int ldo);

// Skinny products: one side of the product is at most 12 wide, where a register tile of
// 16 or 32 columns fits badly. (A network's output layer is one: 10 classes.) Both routines
// compute C = α·op(A)·op(B) + β·C on an m×n block of C (row stride ldc).
//
// Skinny K (K ≤ kSkinnyK): a tile would pay its C loads and stores — a dozen vectors — for
// only K FMAs per accumulator. Instead, a few rows of A are broadcast against long streams
// of B: with K ≤ 12, those K·rows values stay in the core's L1 (and their broadcasts in
// registers) while all of B's row passes once. a(i, k) at a[i·a_rs + k·a_ks]; b is op(B)
// itself, K×n row-major with row stride ldb.
constexpr int kSkinnyK = 12;
using SkinnyKProduct = void (*)(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb,
                                float alpha, float beta, float* c, int ldc);

// Skinny N (N ≤ kSkinnyN): 12 columns fill under a 16-lane tile row (2 ymm or 1 zmm) and
// leave at least a quarter of its lanes idle. Each C(i, j) is computed instead as a dot
// product of row i of A and row j of op(B)ᵀ, both contiguous in k, so the lanes run along
// k and none is idle; the ≤ 12 rows of op(B)ᵀ (12·K floats: 24 KiB at K = 512) stay in L1
// while A streams past. a: m×K row-major (row stride lda); bt: op(B)ᵀ, n×K row-major.
constexpr int kSkinnyN = 12;
using SkinnyNProduct = void (*)(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha,
                                float beta, float* c, int ldc);

struct Backend {
    const char* name;
    // The register block: each micro-kernel call computes an mr×nr tile of C.
    int mr, nr;
    // The cache blocks (driver.cpp): kc rows of a B panel (kc×nr floats) stay in L1; an
    // mc×kc block of packed A stays in L2; nc columns of packed B (kc×nc) in L3.
    // mc is a multiple of mr, nc of nr.
    int kc, mc, nc;
    MicroKernel kernel;
    PackA pack_a;
    PackB pack_b;
    Transpose transpose;
    SkinnyKProduct skinny_k;
    SkinnyNProduct skinny_n;
};

// The largest register block of any backend (the driver sizes its per-tile arrays by it).
constexpr int kMaxMR = 12;

extern const Backend kPortableBackend;  // portable/portable.cpp

// The portable packing routines (6×16 block): the AVX2 backend falls back on them for
// ragged corners.
namespace portable {
constexpr int MR = 6;
constexpr int NR = 16;
}  // namespace portable
void pack_a_portable(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);
void pack_b_portable(const float* b, int b_ks, int b_js, int cols, int kc, float* out);
void transpose_portable(const float* x, int ldx, int rows, int cols, float* out, int ldo);

#ifndef NNLAB_NO_AVX2
// The AVX2+FMA backend (avx2/, each file compiled with -mavx2 -mfma): 6×16.
namespace avx2 {
constexpr int MR = 6;
constexpr int NR = 16;
void micro_kernel(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                  float alpha, float beta, int m, int n);                        // avx2/microkernels.cpp
void pack_a(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);  // avx2/pack.cpp
void pack_b(const float* b, int b_ks, int b_js, int cols, int kc, float* out);  // avx2/pack.cpp
void transpose(const float* x, int ldx, int rows, int cols, float* out, int ldo);  // avx2/pack.cpp
void skinny_k(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha, float beta,
              float* c, int ldc);  // avx2/skinny.cpp
void skinny_n(int m, int n, int K, const float* a, int lda, const float* bt, int ldbt, float alpha, float beta, float* c,
              int ldc);  // avx2/skinny.cpp
}  // namespace avx2
extern const Backend kAvx2Backend;  // avx2/microkernels.cpp
#endif

#ifndef NNLAB_NO_AVX512
// The AVX-512 backend (avx512/, each file compiled with -mavx512f -mavx512vl -mavx512dq
// -mfma): 12×32. See avx512/microkernels.cpp for the choice of block.
namespace avx512 {
constexpr int MR = 12;
constexpr int NR = 32;
void micro_kernel(int kc, const float* a, int a_rs, int a_ks, const float* b, int b_ks, float* c, int c_rs, int c_cs,
                  float alpha, float beta, int m, int n);                        // avx512/microkernels.cpp
void pack_a(const float* a, int a_rs, int a_ks, int rows, int kc, float* out);  // avx512/pack.cpp
void pack_b(const float* b, int b_ks, int b_js, int cols, int kc, float* out);  // avx512/pack.cpp
void skinny_k(int m, int n, int K, const float* a, int a_rs, int a_ks, const float* b, int ldb, float alpha, float beta,
              float* c, int ldc);  // avx512/skinny.cpp
}  // namespace avx512
extern const Backend kAvx512Backend;  // avx512/microkernels.cpp
#endif

// The backend gemm() uses now (dispatch.cpp): forced by set_gemm_kernel or NNLAB_GEMM_KERNEL,
// else the fastest this CPU runs well.
const Backend& active_backend();

}  // namespace nnlab::detail
