// driver.cpp — the GEMM driver: the five loops of the Goto/BLIS algorithm around a micro-kernel.
//
//   for jc in N step NC:                 5th loop: a column block of B and C
//     for pc in K step KC:               4th loop: pack B[pc:+kc, jc:+nc] → Bp  (lives in L3)
//       for ic in M step MC:             3rd loop: pack A[ic:+mc, pc:+kc] → Ap  (lives in L2)
//         for jr in nc step NR:          2nd loop: one kc×NR micro-panel of Bp  (lives in L1)
//           for ir in mc step MR:        1st loop: one MR×kc micro-panel of Ap
//             micro-kernel: C[ir:+MR, jr:+NR] += Ap panel · Bp panel  (in registers)
//
// Packing copies each block once into the order the micro-kernel reads it, contiguous and
// aligned, and it is where transposes are absorbed and edges are zero-padded, so the
// micro-kernel never sees a ragged panel. (Where a block is read too few times to repay
// the copy, the micro-kernel reads it in place instead: see gemm_serial.) The packing
// routines belong to the backend with the micro-kernel (gemm/backend.hpp): the AVX2 one
// moves 8×8 blocks through registers.
//
// The trainer's second layer has 10 outputs, and a 6×16 tile fits a 10 badly: N = 10 would
// leave 6 of its 16 lanes idle, K = 10 would pay a call and a store for 10 FMAs per lane.
// gemm() sends those products to routines shaped for them (small K, small N; or Cᵀ when A
// comes transposed) before the five loops.
//
// Block sizes, for a core with 32 KiB L1d, 1 MiB L2 and a shared L3 of several MiB
// (AMD Zen 3–5, Intel since Haswell are close to this):
//   KC = 256: a kc×NR panel of B is 256·16·4 B = 16 KiB — half of L1, so it stays there while
//             the MR×kc panels of A (6 KiB each) stream past it.
//   MC = 144: the packed A block is 144·256·4 B = 144 KiB, well inside L2 with room for C.
//   NC = 4080: the packed B block is 256·4080·4 B ≈ 4 MiB, a share of L3.
// They are the values BLIS uses for sgemm on Zen; on other cores they are still sane.
//
// Threads (OpenMP) each take a slice of C and run these loops on it alone (see gemm()).
#include "gemm/gemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef __linux__
#include <sched.h>
#endif

#include "gemm/backend.hpp"

namespace nnlab {

using detail::MR;
using detail::NR;

namespace {

constexpr int KC = 256;
constexpr int MC = 144;   // a multiple of MR
constexpr int NC = 4080;  // a multiple of NR
// Below this many flops a product runs on one thread: the fork/join costs more.
constexpr double kParallelFlops = 2.0e6;

// ---- settings -----------------------------------------------------------------------

int default_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int g_threads = 0;  // 0: not set, use default_threads()
GemmKernel g_kernel_choice = GemmKernel::Auto;

bool cpu_has_avx2() {
#if !defined(NNLAB_NO_AVX2) && (defined(__x86_64__) || defined(__i386__))
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
#else
    return false;
#endif
}

const detail::Backend& pick_backend() {
#ifndef NNLAB_NO_AVX2
    if (g_kernel_choice != GemmKernel::Portable && cpu_has_avx2()) return detail::kAvx2Backend;
#endif
    return detail::kPortableBackend;
}

// ---- packing buffers, reused across calls -------------------------------------------

struct AlignedBuffer {
    struct Free {
        void operator()(float* p) const { std::free(p); }
    };
    std::unique_ptr<float[], Free> data;
    std::size_t capacity = 0;

    float* get(std::size_t count) {
        if (count > capacity) {
            std::size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
            float* p = static_cast<float*>(std::aligned_alloc(64, bytes));
            if (p == nullptr) throw std::bad_alloc();
            data.reset(p);
            capacity = count;
        }
        return data.get();
    }
};

// One pair per calling thread: the training loop allocates nothing after its first step.
thread_local AlignedBuffer t_packed_a, t_packed_b;
// op(B) or op(B)ᵀ transposed for the second layer's routines (N·K floats).
thread_local AlignedBuffer t_transposed;

// ---- packing --------------------------------------------------------------------------

// A view of op(X) as a rows×cols matrix: element (i, j) of op(X).
struct View {
    const float* x;
    int ld;
    bool transposed;
    float operator()(int i, int j) const {
        return transposed ? x[static_cast<std::size_t>(j) * ld + i] : x[static_cast<std::size_t>(i) * ld + j];
    }
};

// Strides of op(X) as stored: element (i, j) of op(X) is at x[i·row_stride + j·col_stride].
int row_stride(const View& x) { return x.transposed ? 1 : x.ld; }
int col_stride(const View& x) { return x.transposed ? x.ld : 1; }
const float* element(const View& x, int i, int j) {
    return x.x + static_cast<std::size_t>(i) * row_stride(x) + static_cast<std::size_t>(j) * col_stride(x);
}

// ---- argument checks ------------------------------------------------------------------

void check_args(Trans ta, Trans tb, int M, int N, int K, int lda, int ldb, int ldc) {
    auto fail = [](const std::string& what) { throw std::invalid_argument("gemm: " + what); };
    if (M < 0 || N < 0 || K < 0)
        fail("negative size M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K));
    const int a_width = ta == Trans::No ? K : M;
    const int b_width = tb == Trans::No ? N : K;
    if (lda < std::max(1, a_width)) fail("lda=" + std::to_string(lda) + " is less than A's width " + std::to_string(a_width));
    if (ldb < std::max(1, b_width)) fail("ldb=" + std::to_string(ldb) + " is less than B's width " + std::to_string(b_width));
    if (ldc < std::max(1, N)) fail("ldc=" + std::to_string(ldc) + " is less than C's width N=" + std::to_string(N));
}

// C = β·C, used when there is no product to add (K = 0 or α = 0).
void scale_c(int M, int N, float beta, float* C, int ldc) {
    for (int i = 0; i < M; ++i) {
        float* c = C + static_cast<std::size_t>(i) * ldc;
        for (int j = 0; j < N; ++j) c[j] = beta == 0.0f ? 0.0f : beta * c[j];
    }
}


// ---- the driver -------------------------------------------------------------------------

// The row tiles of an mc-row block of A: MR rows each, except that a last tile of 1 or 2
// rows is evened out with the one before it (6 + 2 → 4 + 4, 6 + 1 → 4 + 3): a 2-row tile
// has 4 independent sums in flight, too few to keep both FMA units busy. Tile p starts at
// row start[p] and has rows[p] rows; returns the number of tiles.
int row_tiles(int mc, int start[], int rows[]) {
    int count = 0;
    for (int i = 0; i < mc; i += MR, ++count) start[count] = i, rows[count] = std::min(MR, mc - i);
    if (count >= 2 && rows[count - 1] <= 2) {
        const int both = MR + rows[count - 1];
        rows[count - 2] = (both + 1) / 2;
        rows[count - 1] = both / 2;
        start[count - 1] = start[count - 2] + rows[count - 2];
    }
    return count;
}

// The five loops on one thread, for the whole of C (or the slice gemm() hands it).
// C(i, j) is at C[i·c_rs + j·c_cs].
void gemm_serial(const View& a, const View& b, int M, int N, int K, float alpha, float beta, float* C, int c_rs,
                 int c_cs, const detail::Backend& backend) {
    // Packing pays when a block is read many times. A packed A block is read once per B panel,
    // a packed B panel once per A panel (M/MR times).
    // - One B panel (N ≤ NR): A is read once, so the micro-kernel reads it in place.
    // - One A block (M ≤ MC, the trainer's batches) and rows of B at most 1 KiB apart (ldb ≤
    //   256: hidden sizes up to 256): full panels of an untransposed B are read in place too —
    //   measured 2–5% faster. Further apart, they are packed: rows 4 KiB apart all fall in
    //   the same L1 cache set, and the panel would not stay in L1 between A panels.
    // - Only a couple of A panels (the Cᵀ path of dW2, M = 10): B is read in place whatever
    //   its stride: packing cannot repay itself.
    // Edge panels and Bᵀ are always packed: they need padding or a gather.
    const bool pack_a = N > NR;
    const bool direct_b = !b.transposed && ((M <= MC && b.ld <= 256) || M <= 2 * MR);
    const int a_rs = row_stride(a), a_ks = col_stride(a);
    const int b_ks = row_stride(b), b_js = col_stride(b);

    // Split K into equal blocks of at most KC, so no block is a sliver (784 → 4 × 196).
    const int k_blocks = (K + KC - 1) / KC;
    const int kc_even = (K + k_blocks - 1) / k_blocks;
    float* Ap = pack_a ? t_packed_a.get(static_cast<std::size_t>(MC) * kc_even + MR) : nullptr;  // + MR: see PackA
    float* Bp = t_packed_b.get(static_cast<std::size_t>((std::min(N, NC) + NR - 1) / NR * NR) * kc_even);

    for (int jc = 0; jc < N; jc += NC) {
        const int nc = std::min(NC, N - jc);
        const int n_panels = (nc + NR - 1) / NR;
        for (int pc = 0; pc < K; pc += kc_even) {
            const int kc = std::min(kc_even, K - pc);
            const float beta_here = pc == 0 ? beta : 1.0f;  // later K blocks add to C

            // B read in place needs only its ragged last panel packed (padded with zeros).
            const int first_packed = direct_b ? nc / NR : 0;
            if (first_packed < n_panels)
                backend.pack_b(element(b, pc, jc + first_packed * NR), b_ks, b_js, nc - first_packed * NR, kc,
                               Bp + static_cast<std::size_t>(first_packed) * NR * kc);

            for (int ic = 0; ic < M; ic += MC) {
                const int mc = std::min(MC, M - ic);
                int tile_start[MC / MR + 1], tile_rows[MC / MR + 1];
                const int m_panels = row_tiles(mc, tile_start, tile_rows);
                if (pack_a)
                    for (int p = 0; p < m_panels; ++p)
                        backend.pack_a(element(a, ic + tile_start[p], pc), a_rs, a_ks, tile_rows[p], kc,
                                       Ap + static_cast<std::size_t>(p) * MR * kc);

                // The macro-kernel: every MR×NR tile of this block, B panel by B panel.
                for (int q = 0; q < n_panels; ++q) {
                    const int j = jc + q * NR, n = std::min(NR, N - j);
                    const bool in_place = direct_b && n == NR;
                    const float* b_panel = in_place ? element(b, pc, j) : Bp + static_cast<std::size_t>(q) * NR * kc;
                    const int b_panel_ks = in_place ? b.ld : NR;
                    for (int p = 0; p < m_panels; ++p) {
                        const int i = ic + tile_start[p], m = tile_rows[p];
                        float* c = C + static_cast<std::size_t>(i) * c_rs + static_cast<std::size_t>(j) * c_cs;
                        if (pack_a)
                            backend.kernel(kc, Ap + static_cast<std::size_t>(p) * MR * kc, 1, MR, b_panel, b_panel_ks, c,
                                           c_rs, c_cs, alpha, beta_here, m, n);
                        else
                            backend.kernel(kc, element(a, i, pc), a_rs, a_ks, b_panel, b_panel_ks, c, c_rs, c_cs, alpha,
                                           beta_here, m, n);
                    }
                }
            }
        }
    }
}

// op(X) with its first `offset` rows (or columns, `along_cols`) skipped: a slice's operand.
View shifted(const View& x, int offset, bool along_cols) {
    const bool contiguous = along_cols != x.transposed;  // stepping along a stored row
    return {x.x + (contiguous ? static_cast<std::size_t>(offset) : static_cast<std::size_t>(offset) * x.ld), x.ld,
            x.transposed};
}

// A row-major matrix: element (i, j) at x[i·ld + j].
struct RowMajor {
    const float* x;
    int ld;
};

// The rows×cols matrix x as stored (row stride ldx) — or, when `transpose`, its transpose,
// copied into a buffer (rows·cols floats: cheap next to a product's M·N·K).
RowMajor row_major(const float* x, int ldx, int rows, int cols, bool transpose, const detail::Backend& backend) {
    if (!transpose) return {x, ldx};
    float* copy = t_transposed.get(static_cast<std::size_t>(rows) * cols);
    backend.transpose(x, ldx, rows, cols, copy, rows);
    return {copy, rows};
}

// Runs compute(i0, m, j0, n) on slices of an M×N result that together cover it once: the
// whole on one thread; on several, each thread its own slice — columns when C is wider than
// tall, rows otherwise — in whole panels (NR columns, MR rows). No thread waits for another
// until the end, and each element of C is summed in the same order as on one thread: the
// result does not depend on the thread count.
template <typename Compute>
void for_each_slice(int M, int N, int threads, const Compute& compute) {
    if (threads == 1) return compute(0, M, 0, N);
    const bool by_cols = N > M;
    const int extent = by_cols ? N : M, unit = by_cols ? NR : MR;
    const int slice = ((extent + threads - 1) / threads + unit - 1) / unit * unit;
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int t = 0; t < threads; ++t) {
        const int start = t * slice;
        if (start >= extent) continue;
        const int size = std::min(slice, extent - start);
        if (by_cols)
            compute(0, M, start, size);
        else
            compute(start, size, 0, N);
    }
}

}  // namespace

void gemm(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
          float beta, float* C, int ldc) {
    check_args(ta, tb, M, N, K, lda, ldb, ldc);
    if (M == 0 || N == 0) return;
    if (K == 0 || alpha == 0.0f) return scale_c(M, N, beta, C, ldc);

    const detail::Backend& backend = pick_backend();
    View a{A, lda, ta == Trans::Yes};
    View b{B, ldb, tb == Trans::Yes};
    const int threads = 2.0 * M * N * K < kParallelFlops ? 1 : gemm_threads();

    // The second layer's products (10 classes) have their own routines: see gemm/backend.hpp.
    // Small K reads op(B) row by row (K×N), small N reads op(B)ᵀ row by row (N×K).
    if (K <= detail::kSmallK) {
        const RowMajor op_b = row_major(B, ldb, N, K, tb == Trans::Yes, backend);  // given as Bᵀ: stored N×K
        return for_each_slice(M, N, threads, [&](int i0, int m, int j0, int n) {
            backend.small_k(m, n, K, element(a, i0, 0), row_stride(a), col_stride(a), op_b.x + j0, op_b.ld, alpha, beta,
                            C + static_cast<std::size_t>(i0) * ldc + j0, ldc);
        });
    }
    if (N <= detail::kSmallN && ta == Trans::No) {
        const RowMajor op_bt = row_major(B, ldb, K, N, tb == Trans::No, backend);  // given as B: stored K×N
        return for_each_slice(M, N, threads, [&](int i0, int m, int j0, int n) {
            backend.small_n(m, n, K, A + static_cast<std::size_t>(i0) * lda, lda,
                            op_bt.x + static_cast<std::size_t>(j0) * op_bt.ld, op_bt.ld, alpha, beta,
                            C + static_cast<std::size_t>(i0) * ldc + j0, ldc);
        });
    }

    int c_rs = ldc, c_cs = 1;
    // Few columns and A given transposed (dW = xᵀ·dy, N = 10): compute Cᵀ = op(B)ᵀ·op(A)ᵀ
    // instead, so the 10 becomes the row side of the 6×16 tile (6 + 4 rows) rather than 10
    // of its 16 lanes; op(A)ᵀ is then read in place, and the kernel stores its tile transposed.
    if (N <= detail::kSmallN && M >= 2 * NR && ta == Trans::Yes) {
        std::swap(a, b);
        a.transposed = !a.transposed;
        b.transposed = !b.transposed;
        std::swap(M, N);
        std::swap(c_rs, c_cs);
    }
    for_each_slice(M, N, threads, [&](int i0, int m, int j0, int n) {
        gemm_serial(shifted(a, i0, false), shifted(b, j0, true), m, n, K, alpha, beta,
                    C + static_cast<std::size_t>(i0) * c_rs + static_cast<std::size_t>(j0) * c_cs, c_rs, c_cs, backend);
    });
}

void gemm(Trans ta, Trans tb, float alpha, const Matrix& A, const Matrix& B, float beta, Matrix& C) {
    const int M = ta == Trans::No ? A.rows() : A.cols();
    const int K = ta == Trans::No ? A.cols() : A.rows();
    const int Kb = tb == Trans::No ? B.rows() : B.cols();
    const int N = tb == Trans::No ? B.cols() : B.rows();
    if (K != Kb || C.rows() != M || C.cols() != N) {
        throw std::invalid_argument(std::string("gemm: shapes do not fit: op(A) from A ") + A.shape() +
                                    (ta == Trans::Yes ? "ᵀ" : "") + ", op(B) from B " + B.shape() +
                                    (tb == Trans::Yes ? "ᵀ" : "") + ", C " + C.shape() + " (op(A): M×K, op(B): K×N, C: M×N)");
    }
    gemm(ta, tb, M, N, K, alpha, A.data(), std::max(1, A.cols()), B.data(), std::max(1, B.cols()), beta, C.data(),
         std::max(1, C.cols()));
}

void gemm_reference(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                    int ldb, float beta, float* C, int ldc) {
    check_args(ta, tb, M, N, K, lda, ldb, ldc);
    const View a{A, lda, ta == Trans::Yes};
    const View b{B, ldb, tb == Trans::Yes};
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            double sum = 0.0;
            for (int k = 0; k < K; ++k) sum += static_cast<double>(a(i, k)) * b(k, j);
            float& c = C[static_cast<std::size_t>(i) * ldc + j];
            const double scaled_c = beta == 0.0f ? 0.0 : static_cast<double>(beta) * c;
            c = static_cast<float>(alpha * sum + scaled_c);
        }
    }
}

void set_gemm_threads(int threads) {
    if (threads < 1) throw std::invalid_argument("set_gemm_threads: need at least 1 thread, got " + std::to_string(threads));
    g_threads = threads;
}

int gemm_threads() { return g_threads > 0 ? g_threads : default_threads(); }

void bind_gemm_threads_to_cores() {
#if defined(_OPENMP) && defined(__linux__)
    if (std::getenv("OMP_PROC_BIND") != nullptr || gemm_threads() < 2) return;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
    const int threads = gemm_threads();
    if (static_cast<int>(cpus.size()) < threads) return;
    // OpenMP reuses the same threads for every parallel region: pin them once.
#pragma omp parallel num_threads(threads)
    {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpus[static_cast<std::size_t>(omp_get_thread_num())], &one);
        sched_setaffinity(0, sizeof one, &one);
    }
#endif
}

void set_gemm_kernel(GemmKernel kernel) {
    if (kernel == GemmKernel::Avx2 && !cpu_has_avx2())
        throw std::runtime_error("set_gemm_kernel: the AVX2+FMA kernel is not available on this CPU or build");
    g_kernel_choice = kernel;
}

const char* gemm_kernel_name() { return pick_backend().name; }

bool gemm_avx2_available() { return cpu_has_avx2(); }

}  // namespace nnlab
