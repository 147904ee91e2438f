// gemm_bench — GFLOP/s of every GEMM a student might use, side by side in one run:
//   naive      the textbook i-j-k loop
//   lab01      your lab01 matmul (skipped while it is a TODO)
//   nnlab      common/gemm: every backend this CPU runs (portable, avx2, avx512), 1 and 2
//              threads for the SIMD ones, and "auto" — the one dispatch picks (it is also
//              recorded in the JSON context as gemm_kernel and gemm_dispatch)
//   openblas   cblas_sgemm, when the build found OpenBLAS (1 and 2 threads)
// over square sizes, a network's first layer (K = 784) and skinny shapes (N or K = 10, a
// network's output layer).
//
// Counters: GFLOP/s, and "peak%" — the share of this core's FMA peak (the faster of AVX2 and
// AVX-512), measured at start by fma_peak (so the ratio is honest on any machine; 2-thread
// runs are compared with one core's peak, so they can exceed 100%).
//
//   cmake --workflow --preset bench          (runs it and draws bench/gemm.png)
//   build/instructor/bin/gemm_bench --benchmark_filter=square
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "fma_peak.hpp"
#include "gemm/float_env.hpp"
#include "gemm/gemm.hpp"
#include "lab01_matrix/matrix_ops.hpp"
#include "core/random.hpp"
#include "core/todo.hpp"

#ifdef NNLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif

using namespace nnlab;

namespace {

double g_peak_gflops = 0;  // one core, the faster of AVX2 and AVX-512 FMA

struct Shape {
    std::string group;  // "square", "layer1", "skinny"
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
    // op(A)(i, k) and op(B)(k, j), whichever way each is stored
    const auto a = [&](int i, int k) { return s.ta == Trans::No ? o.A(i, k) : o.A(k, i); };
    const auto b = [&](int k, int j) { return s.tb == Trans::No ? o.B(k, j) : o.B(j, k); };
    for (auto _ : state) {
        // C(i, j) = Σ_k op(A)(i, k)·op(B)(k, j), the i-j-k order of the definition
        for (int i = 0; i < s.M; ++i)
            for (int j = 0; j < s.N; ++j) {
                float sum = 0;
                for (int k = 0; k < s.K; ++k) sum += a(i, k) * b(k, j);
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

// One of fma_peak's loops and the flops of one of its rounds.
struct PeakLoop {
    float (*loop)(long);
    double flops_per_round;
};

void run_peak(benchmark::State& state, PeakLoop p) {
    const long rounds = 1 << 20;
    for (auto _ : state) benchmark::DoNotOptimize(p.loop(rounds));
    state.counters["GFLOP/s"] =
        benchmark::Counter(p.flops_per_round * rounds * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

double measure_peak(PeakLoop p) {
    p.loop(1 << 22);  // warm up: let the clock settle
    double best = 0;
    for (int trial = 0; trial < 7; ++trial) {
        const long rounds = 1 << 22;
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(p.loop(rounds));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, p.flops_per_round * rounds / s / 1e9);
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
    // Skinny (N or K = 10: an output layer H → 10): forward a·W2 (N = 10), its weight gradient
    // aᵀ·df (N = 10), and df·W2ᵀ (K = 10).
    for (int b : {64, 128})
        for (int h : {128, 512}) {
            v.push_back({"skinny", Trans::No, Trans::No, b, 10, h});
            v.push_back({"skinny", Trans::Yes, Trans::No, h, 10, b});
            v.push_back({"skinny", Trans::No, Trans::Yes, b, h, 10});
        }
    return v;
}

// "AMD EPYC (family 25, model 17)": the CPU, for the report (Linux; "unknown" elsewhere).
std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, name = "unknown", family, model;
    auto value = [](const std::string& l) { return l.substr(l.find(':') + 2); };
    while (std::getline(in, line) && line.find("flags") != 0) {
        if (line.rfind("model name", 0) == 0) name = value(line);
        else if (line.rfind("cpu family", 0) == 0) family = value(line);
        else if (line.rfind("model\t", 0) == 0) model = value(line);
    }
    return family.empty() ? name : name + " (family " + family + ", model " + model + ")";
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
    const bool avx2 = gemm_kernel_available(GemmKernel::Avx2), avx512 = gemm_kernel_available(GemmKernel::Avx512);
#ifdef NNLAB_HAVE_FMA_PEAK
    const PeakLoop avx2_loop{bench::fma_loop, 192.0}, avx512_loop{bench::fma_loop_512, 384.0};
#else  // no x86 FMA loops in this build: no peak, and no peak% worth reading
    const PeakLoop avx2_loop{nullptr, 0.0}, avx512_loop{nullptr, 0.0};
#endif
    const bool peaks = avx2_loop.loop != nullptr;
    const double avx2_peak = avx2 && peaks ? measure_peak(avx2_loop) : 0.0;
    const double avx512_peak = avx512 && peaks ? measure_peak(avx512_loop) : 0.0;
    g_peak_gflops = std::max({avx2_peak, avx512_peak, 1.0});
    enable_flush_to_zero();  // after the peak: it wakes OpenMP's threads, which spin for a while
    benchmark::AddCustomContext("cpu_model", cpu_model());
    benchmark::AddCustomContext("avx2_fma_peak_gflops_1core", std::to_string(avx2_peak));
    benchmark::AddCustomContext("avx512_fma_peak_gflops_1core", std::to_string(avx512_peak));
    benchmark::AddCustomContext("fma_peak_gflops_1core", std::to_string(g_peak_gflops));
    try {
        benchmark::AddCustomContext("gemm_kernel", gemm_kernel_name());  // NNLAB_GEMM_KERNEL is read here
        benchmark::AddCustomContext("gemm_dispatch", gemm_dispatch_note());
    } catch (const std::exception& e) {
        std::cerr << "gemm_bench: " << e.what() << "\n";
        return 2;
    }
#ifdef NNLAB_HAVE_OPENBLAS
    const char* core = std::getenv("OPENBLAS_CORETYPE");
    const std::string blas = std::string("openblas-") + (core ? core : "default");
    benchmark::AddCustomContext("openblas_core", openblas_get_corename());
#endif
    if (avx2 && peaks) add("fma_peak/avx2/1t", run_peak, avx2_loop);
    if (avx512 && peaks) add("fma_peak/avx512/1t", run_peak, avx512_loop);
    std::vector<std::pair<std::string, GemmKernel>> simd;
    if (avx2) simd.emplace_back("avx2", GemmKernel::Avx2);
    if (avx512) simd.emplace_back("avx512", GemmKernel::Avx512);
    for (const Shape& s : shapes()) {
        const double flops = 2.0 * s.M * s.N * s.K;
        if (flops <= 2.2e9) {  // the slow loops only where they finish in reasonable time
            add(name_of("naive", s), run_naive, s);
            if (s.ta == Trans::No && s.tb == Trans::No) add(name_of("lab01", s), run_lab01, s);
        }
        add(name_of("nnlab-portable/1t", s), run_nnlab, s, GemmKernel::Portable, 1);
        for (const auto& [name, kernel] : simd) {
            add(name_of("nnlab-" + name + "/1t", s), run_nnlab, s, kernel, 1);
            add(name_of("nnlab-" + name + "/2t", s), run_nnlab, s, kernel, 2);
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
