// driver.cpp — the GEMM driver: the five loops of the Goto/BLIS algorithm around a micro-kernel.
//
//   for jc in N step nc:                 5th loop: a column block of B and C
//     for pc in K step kc:               4th loop: pack B[pc:+kc, jc:+nc] → Bp  (lives in L3)
//       for ic in M step mc:             3rd loop: pack A[ic:+mc, pc:+kc] → Ap  (lives in L2)
//         for jr in nc step nr:          2nd loop: one kc×nr micro-panel of Bp  (lives in L1)
//           for ir in mc step mr:        1st loop: one mr×kc micro-panel of Ap
//             micro-kernel: C[ic+ir:+mr, jc+jr:+nr] += Ap panel · Bp panel  (in registers)
//
// Packing copies each block once into the order the micro-kernel reads it, contiguous and
// aligned, and it is where transposes are absorbed and edges are zero-padded, so the
// micro-kernel never sees a ragged panel. (Where a block is read too few times to repay
// the copy, the micro-kernel reads it in place instead: see gemm_serial.) The register block
// (mr×nr), the cache blocks (kc, mc, nc) and the packing routines belong to the backend
// (gemm/backend.hpp), each sized for its registers: 6×16 for AVX2, 12×32 for AVX-512.
//
// Skinny products (N or K ≤ 12, e.g. a network's 10 outputs) fit a 16- or 32-wide tile
// badly: gemm() sends them to routines shaped for them (skinny K, skinny N; or Cᵀ when A
// comes transposed) before the five loops.
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

namespace {

// Below this many flops a product runs on one thread: forking and joining 2 threads costs
// a few microseconds, the time of ~2 MFLOP at ~100 GFLOP/s.
constexpr double kParallelFlops = 2.0e6;

// Full panels of an untransposed B are read in place (not packed) when its rows are at most
// this many floats (1 KiB) apart and there is one A block: see gemm_serial.
constexpr int kDirectBMaxStride = 256;

// The most row tiles in one mc-row block (mc / mr + 1 for every backend).
constexpr int kMaxRowTiles = 64;

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

// The row tiles of an mc-row block of A: mr rows each, except that a last tile of 1 or 2
// rows is evened out with the one before it (6 + 2 → 4 + 4, 6 + 1 → 4 + 3): a 2-row tile
// has too few independent sums in flight to keep both FMA units busy. Tile p starts at
// row start[p] and has rows[p] rows; returns the number of tiles.
int row_tiles(int mc, int mr, int start[], int rows[]) {
    int count = 0;
    for (int i = 0; i < mc; i += mr, ++count) start[count] = i, rows[count] = std::min(mr, mc - i);
    if (count >= 2 && rows[count - 1] <= 2) {
        const int both = mr + rows[count - 1];
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
    const int MR = backend.mr, NR = backend.nr, MC = backend.mc, NC = backend.nc;
    // Packing pays when a block is read many times. A packed A block is read once per B panel,
    // a packed B panel once per A panel (M/MR times).
    // - One B panel (N ≤ NR): A is read once, so the micro-kernel reads it in place.
    // - One A block (M ≤ MC) and rows of B at most kDirectBMaxStride floats (1 KiB) apart:
    //   full panels of an untransposed B are read in place too — measured 2–5% faster. Further
    //   apart, they are packed: rows 4 KiB apart all fall in the same L1 cache set, and the
    //   panel would not stay in L1 between A panels.
    // - Only a couple of A panels (e.g. the Cᵀ path, M = 10): B is read in place whatever
    //   its stride: packing cannot repay itself.
    // Edge panels and Bᵀ are always packed: they need padding or a gather.
    const bool pack_a = N > NR;
    const bool direct_b = !b.transposed && ((M <= MC && b.ld <= kDirectBMaxStride) || M <= 2 * MR);
    const int a_rs = row_stride(a), a_ks = col_stride(a);
    const int b_ks = row_stride(b), b_js = col_stride(b);

    // Split K into equal blocks of at most the backend's kc, so no block is a sliver
    // (784 → 4 × 196 with kc = 256).
    const int k_blocks = (K + backend.kc - 1) / backend.kc;
    const int kc_even = (K + k_blocks - 1) / k_blocks;
    // + 16: PackA may write that far past a panel
    float* Ap = pack_a ? t_packed_a.get(static_cast<std::size_t>(MC) * kc_even + 16) : nullptr;
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
                int tile_start[kMaxRowTiles], tile_rows[kMaxRowTiles];
                const int m_panels = row_tiles(mc, MR, tile_start, tile_rows);
                if (pack_a)
                    for (int ir = 0; ir < m_panels; ++ir)
                        backend.pack_a(element(a, ic + tile_start[ir], pc), a_rs, a_ks, tile_rows[ir], kc,
                                       Ap + static_cast<std::size_t>(ir) * MR * kc);

                // The macro-kernel: every MR×NR tile of this block, B panel by B panel
                // (jr and ir count panels here, not columns and rows).
                for (int jr = 0; jr < n_panels; ++jr) {
                    const int j = jc + jr * NR, n = std::min(NR, N - j);
                    const bool in_place = direct_b && n == NR;
                    const float* b_panel = in_place ? element(b, pc, j) : Bp + static_cast<std::size_t>(jr) * NR * kc;
                    const int b_panel_ks = in_place ? b.ld : NR;
                    for (int ir = 0; ir < m_panels; ++ir) {
                        const int i = ic + tile_start[ir], m = tile_rows[ir];
                        float* c = C + static_cast<std::size_t>(i) * c_rs + static_cast<std::size_t>(j) * c_cs;
                        if (pack_a)
                            backend.kernel(kc, Ap + static_cast<std::size_t>(ir) * MR * kc, 1, MR, b_panel, b_panel_ks,
                                           c, c_rs, c_cs, alpha, beta_here, m, n);
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
// tall, rows otherwise — in whole panels (nr columns, mr rows of the backend). No thread
// waits for another until the end, and each element of C is summed in the same order as on
// one thread: the result does not depend on the thread count.
template <typename Compute>
void for_each_slice(int M, int N, int threads, const detail::Backend& backend, const Compute& compute) {
    if (threads == 1) return compute(0, M, 0, N);
    const bool by_cols = N > M;
    const int extent = by_cols ? N : M, unit = by_cols ? backend.nr : backend.mr;
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

    const detail::Backend& backend = detail::active_backend();
    View a{A, lda, ta == Trans::Yes};
    View b{B, ldb, tb == Trans::Yes};
    const int threads = 2.0 * M * N * K < kParallelFlops ? 1 : gemm_threads();

    // Skinny products have their own routines: see gemm/backend.hpp. Skinny K reads op(B)
    // row by row (K×N), skinny N reads op(B)ᵀ row by row (N×K).
    if (K <= detail::kSkinnyK) {
        const RowMajor op_b = row_major(B, ldb, N, K, tb == Trans::Yes, backend);  // given as Bᵀ: stored N×K
        return for_each_slice(M, N, threads, backend, [&](int i0, int m, int j0, int n) {
            backend.skinny_k(m, n, K, element(a, i0, 0), row_stride(a), col_stride(a), op_b.x + j0, op_b.ld, alpha,
                             beta, C + static_cast<std::size_t>(i0) * ldc + j0, ldc);
        });
    }
    if (N <= detail::kSkinnyN && ta == Trans::No) {
        const RowMajor op_bt = row_major(B, ldb, K, N, tb == Trans::No, backend);  // given as B: stored K×N
        return for_each_slice(M, N, threads, backend, [&](int i0, int m, int j0, int n) {
            backend.skinny_n(m, n, K, A + static_cast<std::size_t>(i0) * lda, lda,
                             op_bt.x + static_cast<std::size_t>(j0) * op_bt.ld, op_bt.ld, alpha, beta,
                             C + static_cast<std::size_t>(i0) * ldc + j0, ldc);
        });
    }

    int c_rs = ldc, c_cs = 1;
    // Few columns and A given transposed (dW = xᵀ·dy, N = 10): compute Cᵀ = op(B)ᵀ·op(A)ᵀ
    // instead, so the 10 becomes the row side of the register tile rather than 10 of its 16
    // or 32 lanes; op(A)ᵀ is then read in place, and the kernel stores its tile transposed.
    if (N <= detail::kSkinnyN && M >= 2 * backend.nr && ta == Trans::Yes) {
        std::swap(a, b);
        a.transposed = !a.transposed;
        b.transposed = !b.transposed;
        std::swap(M, N);
        std::swap(c_rs, c_cs);
    }
    for_each_slice(M, N, threads, backend, [&](int i0, int m, int j0, int n) {
        gemm_serial(shifted(a, i0, false), shifted(b, j0, true), m, n, K, alpha, beta,
                    C + static_cast<std::size_t>(i0) * c_rs + static_cast<std::size_t>(j0) * c_cs, c_rs, c_cs, backend);
    });
}

void gemm(Trans ta, Trans tb, float alpha, const Matrix& A, const Matrix& B, float beta, Matrix& C,
          SourceLocation where) {
    const int M = ta == Trans::No ? A.rows() : A.cols();
    const int K = ta == Trans::No ? A.cols() : A.rows();
    const int Kb = tb == Trans::No ? B.rows() : B.cols();
    const int N = tb == Trans::No ? B.cols() : B.rows();
    if (K != Kb || C.rows() != M || C.cols() != N) {
        auto flag = [](Trans t) { return t == Trans::Yes ? "Yes" : "No"; };
        throw std::invalid_argument("gemm at " + short_path(where.file) + ":" + std::to_string(where.line) +
                                    " (ta = " + flag(ta) + ", tb = " + flag(tb) + "): shapes do not fit: op(A) from A " +
                                    A.shape() + (ta == Trans::Yes ? "ᵀ" : "") + ", op(B) from B " + B.shape() +
                                    (tb == Trans::Yes ? "ᵀ" : "") + ", C " + C.shape() +
                                    " (op(A): M×K, op(B): K×N, C: M×N)");
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

}  // namespace nnlab
