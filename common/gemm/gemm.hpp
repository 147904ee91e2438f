// gemm.hpp — single-precision general matrix multiply, BLAS-style, row-major:
//
//     C = α·op(A)·op(B) + β·C        op(X) = X or Xᵀ,  op(A): M×K,  op(B): K×N,  C: M×N
//
// lda, ldb, ldc are the row strides of the matrices as stored (≥ their stored widths).
// As in BLAS, β = 0 means C is only written, never read: NaN in C does not propagate.
//
// Inside is the Goto/BLIS algorithm (see driver.cpp): packed panels, a register-blocked
// micro-kernel (AVX-512, AVX2+FMA or portable C++: the backends, picked at run time) and
// OpenMP over the macro-loops. Results do not depend on the number of threads, bit for bit.
#pragma once

#include <string>

#include "core/matrix.hpp"

namespace nnlab {

enum class Trans { No, Yes };

void gemm(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
          float beta, float* C, int ldc);

// The same on matrices: C = α·op(A)·op(B) + β·C. C must already have its M×N shape. When
// the shapes do not fit it throws std::invalid_argument naming the caller's file:line
// (`where`, filled in by the compiler), the transpose flags and the three shapes:
//   "gemm at labs/lab02_linear/linear.cpp:47 (ta = Yes, tb = No): shapes do not fit: …"
void gemm(Trans ta, Trans tb, float alpha, const Matrix& A, const Matrix& B, float beta, Matrix& C,
          SourceLocation where = SourceLocation::current());

// The textbook triple loop, accumulated in double: slow and obviously right.
// Tests compare the fast gemm with it; nothing else should call it.
void gemm_reference(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                    int ldb, float beta, float* C, int ldc);

// Threads the GEMM may use (default: OpenMP's maximum, i.e. the cores or OMP_NUM_THREADS).
// Small products run on one thread whatever this says: forking costs more than they take.
// Sets OpenMP's default thread count too (omp_set_num_threads), which fill_batch follows.
void set_gemm_threads(int threads);
int gemm_threads();

// Pins each GEMM thread to its own core, as OMP_PROC_BIND=true would (and does nothing when
// OMP_PROC_BIND is set, or on one thread). OpenMP leaves its threads free to migrate; on a
// small VM the scheduler now and then stacks two of them on one core, which doubles the
// time of every product for the rest of the run. Programs that time things call this once.
void bind_gemm_threads_to_cores();

// Which backend runs (gemm/backend.hpp). Auto: NNLAB_GEMM_KERNEL (portable, avx2 or avx512)
// when it is set, else the fastest this CPU runs well — AVX-512 where a start-up probe
// finds its micro-kernel ≥ 1.15× faster than AVX2's (full-width AVX-512 units: Intel Xeon;
// not AMD Zen 4, which splits each 512-bit FMA in two), else AVX2+FMA, else portable.
// Tests, benchmarks and teaching force one.
enum class GemmKernel { Auto, Portable, Avx2, Avx512 };
void set_gemm_kernel(GemmKernel kernel);  // throws std::runtime_error for a backend this CPU or build lacks
const char* gemm_kernel_name();           // "portable", "avx2" or "avx512": the one in use now
bool gemm_kernel_available(GemmKernel kernel);  // built in, and supported by this CPU
bool gemm_avx2_available();                     // gemm_kernel_available(GemmKernel::Avx2)
// "portable", "avx2" or "avx512" → the backend; throws std::runtime_error naming `where` (e.g.
// "NNLAB_GEMM_KERNEL") and the value for an unknown name or one this CPU or build lacks.
GemmKernel parse_gemm_kernel(const std::string& name, const std::string& where);
// How Auto chose, in a line (e.g. "avx512 probe 1.02× avx2: avx2"; "NNLAB_GEMM_KERNEL=portable").
std::string gemm_dispatch_note();

}  // namespace nnlab
