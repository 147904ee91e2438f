// dispatch.cpp — which backend gemm() uses, and how many threads.
//
// Auto takes, in order:
//   1. NNLAB_GEMM_KERNEL=portable|avx2|avx512, when set (read once, at first use);
//   2. AVX-512, when the CPU has it (AVX512F, VL, DQ), is not an AMD family 19h core (Zen 4:
//      known to split every 512-bit operation in two), and a one-time probe finds its
//      micro-kernel at least kAvx512Margin faster than AVX2's;
//   3. AVX2+FMA, when the CPU has both;
//   4. portable C++.
// Why a probe and not the CPUID flags alone: a CPU may have AVX-512 and still execute each
// 512-bit FMA as two 256-bit halves (AMD Zen 4; some Zen 5 parts), so it does no more work per
// cycle than AVX2 — and no CPUID bit says so. The probe times both micro-kernels on the same
// packed panels (a few hundred microseconds, once per process): full-width units make the
// AVX-512 kernel ~1.8× faster; half-width ones ~1.0×. The margin keeps a noisy measurement
// on such a CPU from picking AVX-512, and noise can only ever slow one side down — so on a
// shared machine the probe errs towards AVX2, which is never slower there.
// Mostly: on a virtual machine whose host was busy, the probe on a Zen 4 core once measured
// AVX-512 ≥ 1.15× in a few runs out of forty — and since the two backends split K into
// different blocks (kc), the last bits of a product, and so a training run's metrics, then
// differed from one run to the next. Where the CPU family is known to run AVX-512 at half
// width, the rule decides and the probe is not run: the choice, and the numbers, repeat.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "gemm/backend.hpp"
#include "gemm/gemm.hpp"

namespace nnlab {

namespace {

// AVX-512 is picked when its micro-kernel beats AVX2's by this factor in the probe.
constexpr double kAvx512Margin = 1.15;

int g_threads = 0;  // 0: not set, use OpenMP's maximum
GemmKernel g_forced = GemmKernel::Auto;

bool cpu_has(GemmKernel kernel) {
#if defined(__x86_64__) || defined(__i386__)
    switch (kernel) {
        case GemmKernel::Avx2:
#ifndef NNLAB_NO_AVX2
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
            return false;
#endif
        case GemmKernel::Avx512:
#ifndef NNLAB_NO_AVX512
            // its transpose and skinny routines are AVX2's
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                   __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx2") &&
                   __builtin_cpu_supports("fma");
#else
            return false;
#endif
        default: return true;
    }
#else
    return kernel == GemmKernel::Portable || kernel == GemmKernel::Auto;
#endif
}

const char* name_of(GemmKernel kernel) {
    switch (kernel) {
        case GemmKernel::Portable: return "portable";
        case GemmKernel::Avx2: return "avx2";
        case GemmKernel::Avx512: return "avx512";
        default: return "auto";
    }
}

const detail::Backend& backend_of(GemmKernel kernel) {
    switch (kernel) {
#ifndef NNLAB_NO_AVX2
        case GemmKernel::Avx2: return detail::kAvx2Backend;
#endif
#ifndef NNLAB_NO_AVX512
        case GemmKernel::Avx512: return detail::kAvx512Backend;
#endif
        default: return detail::kPortableBackend;
    }
}

#if !defined(NNLAB_NO_AVX2) && !defined(NNLAB_NO_AVX512)
// Seconds for `tiles` calls of the backend's micro-kernel on packed panels, each a full
// mr×nr tile of 2·mr·nr·kc flops.
double time_kernel(const detail::Backend& be, int kc, int tiles, const std::vector<float>& a,
                   const std::vector<float>& b, std::vector<float>& c) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < tiles; ++t)
        be.kernel(kc, a.data(), 1, be.mr, b.data(), be.nr, c.data(), be.nr, 1, 1.0f, 1.0f, be.mr, be.nr);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
#endif

// How much faster AVX-512's micro-kernel runs than AVX2's on this core (flops per second).
double probe_avx512_speedup() {
#if !defined(NNLAB_NO_AVX2) && !defined(NNLAB_NO_AVX512)
    const detail::Backend& wide = detail::kAvx512Backend;
    const detail::Backend& narrow = detail::kAvx2Backend;
    constexpr int kc = 256;
    // Panels of ones and 1e-3 scales: no overflow, no subnormals, whatever the repetitions.
    std::vector<float> a(static_cast<std::size_t>(kc) * 16, 1e-3f), b(static_cast<std::size_t>(kc) * 32, 1e-3f);
    std::vector<float> c(32 * 16, 0.0f);
    // Equal flops: one 12×32 tile = four 6×16 tiles. 64 AVX-512 tiles ≈ 12.6 MFLOP ≈ 100 µs at
    // AVX2 speed on a ~120 GFLOP/s core.
    const int wide_tiles = 64;
    const int narrow_tiles = wide_tiles * (wide.mr * wide.nr) / (narrow.mr * narrow.nr);
    double best_wide = 1e9, best_narrow = 1e9;
    time_kernel(wide, kc, wide_tiles, a, b, c);  // warm up: caches, and the clock of the wide units
    time_kernel(narrow, kc, narrow_tiles, a, b, c);
    for (int trial = 0; trial < 7; ++trial) {  // interleaved: a slow spell hits both alike
        best_wide = std::min(best_wide, time_kernel(wide, kc, wide_tiles, a, b, c));
        best_narrow = std::min(best_narrow, time_kernel(narrow, kc, narrow_tiles, a, b, c));
    }
    return best_narrow / best_wide;
#else
    return 0.0;
#endif
}

// The CPU's family as CPUID reports it (base family + extended family), with its vendor:
// AMD family 19h is Zen 3 and Zen 4, of which only Zen 4 has AVX-512, at half width.
bool is_amd_family_19h() {
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__builtin_cpu_is("amd") || __get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
    const unsigned base = (eax >> 8) & 0xf, extended = (eax >> 20) & 0xff;
    return (base == 0xf ? base + extended : base) == 0x19;
#else
    return false;
#endif
}

// What Auto means on this machine, decided once.
struct AutoChoice {
    GemmKernel kernel;
    std::string note;
};

AutoChoice decide() {
    if (const char* env = std::getenv("NNLAB_GEMM_KERNEL"); env != nullptr && *env != '\0')
        return {parse_gemm_kernel(env, "NNLAB_GEMM_KERNEL"), std::string("NNLAB_GEMM_KERNEL=") + env};
    if (cpu_has(GemmKernel::Avx512) && cpu_has(GemmKernel::Avx2) && is_amd_family_19h())
        return {GemmKernel::Avx2, "AMD family 19h (Zen 4): AVX-512 at half width, no faster than AVX2: avx2"};
    if (cpu_has(GemmKernel::Avx512) && cpu_has(GemmKernel::Avx2)) {
        const double speedup = probe_avx512_speedup();
        char note[96];
        const GemmKernel pick = speedup >= kAvx512Margin ? GemmKernel::Avx512 : GemmKernel::Avx2;
        std::snprintf(note, sizeof note, "avx512 probe %.2f× avx2 (needs %.2f×): %s", speedup, kAvx512Margin,
                      name_of(pick));
        return {pick, note};
    }
    if (cpu_has(GemmKernel::Avx2)) return {GemmKernel::Avx2, "no AVX-512 on this CPU or build: avx2"};
    return {GemmKernel::Portable, "no AVX2+FMA on this CPU or build: portable"};
}

const AutoChoice& auto_choice() {
    static const AutoChoice choice = decide();  // thread-safe, once
    return choice;
}

GemmKernel effective() { return g_forced != GemmKernel::Auto ? g_forced : auto_choice().kernel; }

}  // namespace

namespace detail {
const Backend& active_backend() { return backend_of(effective()); }
}  // namespace detail

GemmKernel parse_gemm_kernel(const std::string& name, const std::string& where) {
    for (GemmKernel k : {GemmKernel::Portable, GemmKernel::Avx2, GemmKernel::Avx512})
        if (name == name_of(k)) {
            if (!cpu_has(k))
                throw std::runtime_error(where + "=" + name + ": this CPU or build has no such backend (available: " +
                                         (cpu_has(GemmKernel::Avx512) ? "avx512, " : "") +
                                         (cpu_has(GemmKernel::Avx2) ? "avx2, " : "") + "portable)");
            return k;
        }
    throw std::runtime_error(where + "=" + name + ": unknown GEMM backend; use portable, avx2 or avx512");
}

void set_gemm_kernel(GemmKernel kernel) {
    if (!cpu_has(kernel))
        throw std::runtime_error(std::string("set_gemm_kernel: the ") + name_of(kernel) +
                                 " backend is not available on this CPU or build");
    g_forced = kernel;
}

const char* gemm_kernel_name() { return detail::active_backend().name; }

bool gemm_kernel_available(GemmKernel kernel) { return cpu_has(kernel); }

bool gemm_avx2_available() { return cpu_has(GemmKernel::Avx2); }

std::string gemm_dispatch_note() {
    if (g_forced != GemmKernel::Auto) return std::string("set_gemm_kernel: ") + name_of(g_forced);
    return auto_choice().note;
}

void set_gemm_threads(int threads) {
    if (threads < 1) throw std::invalid_argument("set_gemm_threads: need at least 1 thread, got " + std::to_string(threads));
    g_threads = threads;
#ifdef _OPENMP
    // The other OpenMP loops of a training step (fill_batch's conversion) follow the same setting.
    omp_set_num_threads(threads);
#endif
}

int gemm_threads() {
#ifdef _OPENMP
    return g_threads > 0 ? g_threads : omp_get_max_threads();
#else
    return g_threads > 0 ? g_threads : 1;
#endif
}

}  // namespace nnlab
