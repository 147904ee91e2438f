// gemm_bench — GFLOP/s of every GEMM a student might use, side by side in one run:
//   naive      the textbook i-j-k loop
//   lab01      your lab01 matmul (skipped while it is a TODO)
//   nnlab      common/'s gemm: portable and AVX2 kernels, 1 and 2 threads
//   openblas   cblas_sgemm, when the build found OpenBLAS (1 and 2 threads)
// over square sizes and the trainer's shapes (layer 1: K = 784; layer 2: N or K = 10).
//
// Counters: GFLOP/s, and "peak%" — the share of this core's AVX2 FMA peak, measured at
// start by fma_peak (so the ratio is honest on any machine; 2-thread runs are compared
// with one core's peak, so they can exceed 100%).
//
//   cmake --workflow --preset bench          (runs it and draws bench/gemm.png)
//   build/instructor/bin/gemm_bench --benchmark_filter=square
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "fma_peak.hpp"
#include "gemm/gemm.hpp"
#include "lab01_matrix/matrix_ops.hpp"
#include "core/random.hpp"
#include "core/todo.hpp"

#ifdef NNLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif

using namespace nnlab;

namespace {

double g_peak_gflops = 0;  // one core, AVX2 FMA

struct Shape {
    std::string group;  // "square", "layer1", "layer2"
    Trans ta, tb;
    int M, N, K;
};

std::string name_of(const std::string& impl, const Shape& s) {
    return s.group + "/" + (s.ta == Trans::Yes ? "T" : "N") + (s.tb == Trans::Yes ? "T" : "N") + "/" + std::to_string(s.M) +
           "x" + std::to_string(s.N) + "x" + std::to_string(s.K) + "/" + impl;
}

struct Operands {
    Matrix A, B, C;
    explicit Operands(const Shape& s)
        : A(s.ta == Trans::No ? s.M : s.K, s.ta == Trans::No ? s.K : s.M),
          B(s.tb == Trans::No ? s.K : s.N, s.tb == Trans::No ? s.N : s.K), C(s.M, s.N) {
        Rng rng(1);
        fill_uniform(A, -1, 1, rng);
        fill_uniform(B, -1, 1, rng);
    }
};

void set_counters(benchmark::State& state, const Shape& s) {
    const double flops = 2.0 * s.M * s.N * s.K * static_cast<double>(state.iterations());
    state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsRate);
    state.counters["peak%"] = benchmark::Counter(flops / 1e9 / g_peak_gflops * 100, benchmark::Counter::kIsRate);
}

void run_nnlab(benchmark::State& state, Shape s, GemmKernel kernel, int threads) {
    set_gemm_kernel(kernel);
    set_gemm_threads(threads);
    Operands o(s);
    for (auto _ : state) {
        gemm(s.ta, s.tb, 1.0f, o.A, o.B, 0.0f, o.C);
        benchmark::DoNotOptimize(o.C.data());
    }
    set_counters(state, s);
    set_gemm_kernel(GemmKernel::Auto);
}

void run_naive(benchmark::State& state, Shape s) {
    Operands o(s);
    for (auto _ : state) {
        // C(i, j) = Σ_k A(i, k)·B(k, j), the i-j-k order of the definition
        for (int i = 0; i < s.M; ++i)
            for (int j = 0; j < s.N; ++j) {
                float sum = 0;
                for (int k = 0; k < s.K; ++k) sum += o.A(i, k) * o.B(k, j);
                o.C(i, j) = sum;
            }
        benchmark::DoNotOptimize(o.C.data());
    }
    set_counters(state, s);
}

void run_lab01(benchmark::State& state, Shape s) {
    Operands o(s);
    try {
        for (auto _ : state) benchmark::DoNotOptimize(matmul(o.A, o.B).data());
    } catch (const NotImplemented& e) {
        state.SkipWithError(e.what());
        return;
    }
    set_counters(state, s);
}

#ifdef NNLAB_HAVE_OPENBLAS
void run_openblas(benchmark::State& state, Shape s, int threads) {
    openblas_set_num_threads(threads);
    Operands o(s);
    const auto t = [](Trans x) { return x == Trans::Yes ? CblasTrans : CblasNoTrans; };
    for (auto _ : state) {
        cblas_sgemm(CblasRowMajor, t(s.ta), t(s.tb), s.M, s.N, s.K, 1.0f, o.A.data(), o.A.cols(), o.B.data(),
                    o.B.cols(), 0.0f, o.C.data(), o.C.cols());
        benchmark::DoNotOptimize(o.C.data());
    }
    set_counters(state, s);
}
#endif

void run_peak(benchmark::State& state) {
    const long rounds = 1 << 20;
    for (auto _ : state) benchmark::DoNotOptimize(bench::fma_loop(rounds));
    state.counters["GFLOP/s"] = benchmark::Counter(192.0 * rounds * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

double measure_peak() {
    bench::fma_loop(1 << 22);  // warm up: let the clock settle
    double best = 0;
    for (int trial = 0; trial < 5; ++trial) {
        const long rounds = 1 << 23;
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(bench::fma_loop(rounds));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, 192.0 * rounds / s / 1e9);
    }
    return best;
}

std::vector<Shape> shapes() {
    std::vector<Shape> v;
    for (int n : {128, 256, 512, 1024, 2048}) v.push_back({"square", Trans::No, Trans::No, n, n, n});
    // Layer 1 (784 → H): forward x·W1 (NN), weight gradient xᵀ·dh (TN), and dy·Wᵀ shapes (NT).
    for (int b : {64, 128, 256})
        for (int h : {128, 512, 1024}) {
            v.push_back({"layer1", Trans::No, Trans::No, b, h, 784});
            v.push_back({"layer1", Trans::Yes, Trans::No, 784, h, b});
            v.push_back({"layer1", Trans::No, Trans::Yes, b, 784, h});
        }
    // Layer 2 (H → 10): forward a·W2 (N = 10), gradient aᵀ·df (N = 10), and df·W2ᵀ (K = 10).
    for (int b : {64, 128})
        for (int h : {128, 512}) {
            v.push_back({"layer2", Trans::No, Trans::No, b, 10, h});
            v.push_back({"layer2", Trans::Yes, Trans::No, h, 10, b});
            v.push_back({"layer2", Trans::No, Trans::Yes, b, h, 10});
        }
    return v;
}

// With --benchmark_repetitions, an aggregate "max" beside mean and median: for the GFLOP/s
// counter, the fastest repetition. On a shared machine slowdowns come from the neighbours
// and only ever subtract, so the fastest of a few interleaved runs is the closest estimate
// of what the code itself does (gemm_report.py reads it). Its time column is the slowest
// repetition's: the same function applied to times.
template <typename... Args>
void add(const std::string& name, Args&&... args) {
    benchmark::RegisterBenchmark(name.c_str(), std::forward<Args>(args)...)
        ->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    const bool avx2 = gemm_avx2_available();
    g_peak_gflops = avx2 ? measure_peak() : 1.0;
    benchmark::AddCustomContext("avx2_fma_peak_gflops_1core", std::to_string(g_peak_gflops));
    benchmark::AddCustomContext("gemm_kernel", gemm_kernel_name());
#ifdef NNLAB_HAVE_OPENBLAS
    const char* core = std::getenv("OPENBLAS_CORETYPE");
    const std::string blas = std::string("openblas-") + (core ? core : "default");
    benchmark::AddCustomContext("openblas_core", openblas_get_corename());
#endif
    if (avx2) add("fma_peak/1t", run_peak);
    for (const Shape& s : shapes()) {
        const double flops = 2.0 * s.M * s.N * s.K;
        if (flops <= 2.2e9) {  // the slow loops only where they finish in reasonable time
            add(name_of("naive", s), run_naive, s);
            if (s.ta == Trans::No && s.tb == Trans::No) add(name_of("lab01", s), run_lab01, s);
        }
        add(name_of("nnlab-portable/1t", s), run_nnlab, s, GemmKernel::Portable, 1);
        if (avx2) {
            add(name_of("nnlab-avx2/1t", s), run_nnlab, s, GemmKernel::Avx2, 1);
            add(name_of("nnlab-avx2/2t", s), run_nnlab, s, GemmKernel::Avx2, 2);
        }
#ifdef NNLAB_HAVE_OPENBLAS
        add(name_of(blas + "/1t", s), run_openblas, s, 1);
        add(name_of(blas + "/2t", s), run_openblas, s, 2);
#endif
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
