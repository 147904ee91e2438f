// Tests of the GEMM (label gemm): every transpose, α, β and edge size against a double
// reference, BLAS conventions, every backend, and bit-identical results on 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gemm/float_env.hpp"
#include "gemm/gemm.hpp"
#include "core/random.hpp"
#include "test_helpers.hpp"

using namespace nnlab;

namespace {

// A stored matrix with a leading dimension larger than its width; the padding holds NaN
// so a GEMM that reads past a row's width poisons its result and fails.
struct Stored {
    int rows, cols, ld;
    std::vector<float> v;
    Stored(int r, int c, int pad, Rng& rng) : rows(r), cols(c), ld(c + pad), v(static_cast<std::size_t>(r) * (c + pad)) {
        for (int i = 0; i < r; ++i)
            for (int j = 0; j < ld; ++j)
                v[static_cast<std::size_t>(i) * ld + j] = j < c ? rng.uniform(-1, 1) : std::numeric_limits<float>::quiet_NaN();
    }
    float at(int i, int j) const { return v[static_cast<std::size_t>(i) * ld + j]; }
};

struct Case {
    Trans ta, tb;
    int M, N, K;
    float alpha, beta;
};

std::string describe(const Case& c) {
    return std::string(c.ta == Trans::Yes ? "T" : "N") + (c.tb == Trans::Yes ? "T" : "N") + " M=" + std::to_string(c.M) +
           " N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) + " α=" + std::to_string(c.alpha) +
           " β=" + std::to_string(c.beta);
}

// Runs gemm on one case and checks every element against a double-precision sum, with the
// classic bound for a float dot product: |error| ≤ γ·(|α|·Σ_k |a||b| + |β|·|c|), γ = (K+2)·2⁻²³.
::testing::AssertionResult check_case(const Case& c, std::uint64_t seed) {
    Rng rng(seed);
    const int a_rows = c.ta == Trans::No ? c.M : c.K, a_cols = c.ta == Trans::No ? c.K : c.M;
    const int b_rows = c.tb == Trans::No ? c.K : c.N, b_cols = c.tb == Trans::No ? c.N : c.K;
    Stored A(a_rows, a_cols, 3, rng), B(b_rows, b_cols, 5, rng), C(c.M, c.N, 2, rng);
    const Stored C0 = C;
    gemm(c.ta, c.tb, c.M, c.N, c.K, c.alpha, A.v.data(), A.ld, B.v.data(), B.ld, c.beta, C.v.data(), C.ld);
    auto a = [&](int i, int k) { return c.ta == Trans::No ? A.at(i, k) : A.at(k, i); };
    auto b = [&](int k, int j) { return c.tb == Trans::No ? B.at(k, j) : B.at(j, k); };
    const double gamma = (c.K + 2) * std::ldexp(1.0, -23);
    for (int i = 0; i < c.M; ++i)
        for (int j = 0; j < c.N; ++j) {
            double sum = 0, magnitude = 0;
            for (int k = 0; k < c.K; ++k) {
                sum += static_cast<double>(a(i, k)) * b(k, j);
                magnitude += std::abs(static_cast<double>(a(i, k)) * b(k, j));
            }
            const double expected = c.alpha * sum + (c.beta == 0 ? 0.0 : c.beta * static_cast<double>(C0.at(i, j)));
            const double bound = gamma * (std::abs(c.alpha) * magnitude + std::abs(c.beta) * std::abs(C0.at(i, j))) + 1e-30;
            const double got = C.at(i, j);
            if (!(std::abs(got - expected) <= bound))
                return ::testing::AssertionFailure() << describe(c) << ": C(" << i << ", " << j << ") = " << got
                                                     << ", expected " << expected << " ± " << bound;
        }
    for (int i = 0; i < c.M; ++i)
        for (int j = c.N; j < C.ld; ++j)
            if (!std::isnan(C.at(i, j))) return ::testing::AssertionFailure() << describe(c) << ": wrote past C's width";
    return ::testing::AssertionSuccess();
}

const Trans kTrans[] = {Trans::No, Trans::Yes};
const float kAlphas[] = {1.0f, 0.5f, -2.0f};
const float kBetas[] = {0.0f, 1.0f, 0.3f};

// Sweeps one dimension over 1…70 (every edge of the 6×16 register block and the packing)
// against pairs of the others that include the trainer's sizes, for all four transposes.
void sweep(int which_dim) {
    const int others[][2] = {{1, 1}, {5, 7}, {6, 16}, {15, 17}, {64, 7}, {17, 250}, {250, 64}, {784, 6}, {10, 128}};
    int n = 0;
    for (int s = 1; s <= 70; ++s)
        for (const auto& o : others)
            for (Trans ta : kTrans)
                for (Trans tb : kTrans) {
                    int dims[3] = {o[0], o[1], o[1]};
                    dims[which_dim] = s;
                    dims[(which_dim + 1) % 3] = o[0];
                    dims[(which_dim + 2) % 3] = o[1];
                    // α and β take each of their 9 pairs in turn across the cases.
                    const Case c{ta, tb, dims[0], dims[1], dims[2], kAlphas[n % 3], kBetas[(n / 3) % 3]};
                    ASSERT_TRUE(check_case(c, static_cast<std::uint64_t>(n)));
                    ++n;
                }
}

class GemmKernels : public ::testing::TestWithParam<GemmKernel> {
protected:
    void SetUp() override {
        if (!gemm_kernel_available(GetParam())) GTEST_SKIP() << "this backend is not on this CPU or build";
        set_gemm_kernel(GetParam());
    }
    void TearDown() override { set_gemm_kernel(GemmKernel::Auto); }
};

}  // namespace

TEST_P(GemmKernels, SweepM) { sweep(0); }
TEST_P(GemmKernels, SweepN) { sweep(1); }
TEST_P(GemmKernels, SweepK) { sweep(2); }

TEST_P(GemmKernels, EveryAlphaBetaOnTrainerShapes) {
    const int shapes[][3] = {{64, 128, 784}, {784, 128, 64}, {64, 784, 128}, {64, 10, 128}, {128, 10, 64}, {64, 128, 10}};
    int n = 0;
    for (const auto& s : shapes)
        for (Trans ta : kTrans)
            for (Trans tb : kTrans)
                for (float alpha : kAlphas)
                    for (float beta : kBetas)
                        ASSERT_TRUE(check_case({ta, tb, s[0], s[1], s[2], alpha, beta}, static_cast<std::uint64_t>(n++)));
}

TEST_P(GemmKernels, LargerThanOneCacheBlock) {
    // M > MC (144), K > KC (256), N > NC (4080): every loop of the driver turns more than once.
    ASSERT_TRUE(check_case({Trans::No, Trans::No, 150, 4100, 300, 1.0f, 0.3f}, 1));
    ASSERT_TRUE(check_case({Trans::Yes, Trans::Yes, 290, 33, 520, -2.0f, 1.0f}, 2));
}

TEST_P(GemmKernels, BetaZeroOverwritesNaN) {
    Matrix A(3, 4), B(4, 5), C(3, 5);
    Rng rng(1);
    fill_uniform(A, -1, 1, rng);
    fill_uniform(B, -1, 1, rng);
    C.fill(std::numeric_limits<float>::quiet_NaN());
    gemm(Trans::No, Trans::No, 1.0f, A, B, 0.0f, C);
    for (std::size_t i = 0; i < C.size(); ++i) ASSERT_FALSE(std::isnan(C.data()[i])) << "β = 0 must not read C";
}

namespace {
const char* kernel_name(GemmKernel k) {
    return k == GemmKernel::Avx512 ? "avx512" : k == GemmKernel::Avx2 ? "avx2" : "portable";
}
}  // namespace

TEST(Gemm, KZeroScalesCByBeta) {
    float C[4] = {1, 2, 3, std::numeric_limits<float>::quiet_NaN()};
    float dummy = 0;
    gemm(Trans::No, Trans::No, 2, 2, 0, 1.0f, &dummy, 1, &dummy, 2, 0.5f, C, 2);
    EXPECT_EQ(C[0], 0.5f);
    EXPECT_EQ(C[2], 1.5f);
    gemm(Trans::No, Trans::No, 2, 2, 0, 1.0f, &dummy, 1, &dummy, 2, 0.0f, C, 2);
    for (float v : C) EXPECT_EQ(v, 0.0f) << "β = 0 with K = 0 sets C to zero, NaN included";
}

TEST(Gemm, ShapeErrorsNameTheCallerFlagsAndShapes) {
    Matrix A(3, 4), B(5, 6), C(3, 6);
    const int line = __LINE__ + 1;
    auto call = [&] { gemm(Trans::No, Trans::No, 1.0f, A, B, 0.0f, C); };  // on its own line: the caller's line
    EXPECT_THROW_WITH(call(), std::invalid_argument,
                      {"gemm at tests/common/gemm_test.cpp:" + std::to_string(line) + " (ta = No, tb = No)",
                       "op(A) from A 3×4, op(B) from B 5×6, C 3×6"});
    // Transposed: K of Aᵀ (3) and of B (4) differ; the flags and the ᵀ say which way each was read.
    Matrix At(3, 4), Bt(4, 6), Ct(4, 6);
    const int line_t = __LINE__ + 1;
    auto call_t = [&] { gemm(Trans::Yes, Trans::No, 1.0f, At, Bt, 0.0f, Ct); };
    EXPECT_THROW_WITH(call_t(), std::invalid_argument,
                      {"gemm_test.cpp:" + std::to_string(line_t) + " (ta = Yes, tb = No)", "A 3×4ᵀ, op(B) from B 4×6"});
    float x = 0;
    EXPECT_THROW(gemm(Trans::No, Trans::No, 2, 2, 3, 1.0f, &x, 2, &x, 2, 0.0f, &x, 2), std::invalid_argument) << "lda < K";
}

namespace {

// Random operands for C = op(A)·op(B), C: M×N, stored as the transposes say; and the
// product's name for failure messages.
struct Product {
    Matrix A, B;
    std::string name;
    Product(Trans ta, Trans tb, int M, int N, int K, Rng& rng)
        : A(ta == Trans::No ? Matrix(M, K) : Matrix(K, M)), B(tb == Trans::No ? Matrix(K, N) : Matrix(N, K)),
          name("M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) +
               (ta == Trans::Yes ? " Aᵀ" : "") + (tb == Trans::Yes ? " Bᵀ" : "")) {
        fill_uniform(A, -1, 1, rng);
        fill_uniform(B, -1, 1, rng);
    }
};

}  // namespace

// Each SIMD backend against the portable one, on every path: the five loops, then the
// skinny ones (N = 10 as dot products, N = 10 as Cᵀ tiles when A is transposed, K = 10).
TEST_P(GemmKernels, AgreesWithPortable) {
    if (GetParam() == GemmKernel::Portable) GTEST_SKIP() << "the reference side";
    Rng rng(3);
    const int shapes[][3] = {{97, 130, 300}, {97, 10, 300}, {300, 10, 97}, {97, 300, 10}, {50, 33, 784}};
    for (const auto& s : shapes)
        for (Trans ta : kTrans)
            for (Trans tb : kTrans) {
                const Product p(ta, tb, s[0], s[1], s[2], rng);
                Matrix C1(s[0], s[1]), C2(s[0], s[1]);
                set_gemm_kernel(GemmKernel::Portable);
                gemm(ta, tb, 1.0f, p.A, p.B, 0.0f, C1);
                set_gemm_kernel(GetParam());
                gemm(ta, tb, 1.0f, p.A, p.B, 0.0f, C2);
                // FMA rounds once where mul+add rounds twice, and the sums run in other
                // orders: they differ in the last bits only (|C| is up to ~16 here).
                for (std::size_t i = 0; i < C1.size(); ++i)
                    ASSERT_NEAR(C1.data()[i], C2.data()[i], 1e-4f) << p.name << ", element " << i;
            }
}

TEST_P(GemmKernels, OneAndTwoThreadsAreBitIdentical) {
    const int threads_before = gemm_threads();
    Rng rng(4);
    // Large enough for 2 threads, on every path: blocked (the first three), N = 10 (dot
    // products when A is not transposed, the transposed-C tiles when it is), and K = 10.
    const int shapes[][3] = {{300, 500, 784}, {784, 256, 128}, {128, 1024, 784}, {4096, 10, 256}, {1024, 512, 10}};
    for (const auto& s : shapes)
        for (Trans ta : kTrans)
            for (Trans tb : kTrans) {
                const Product p(ta, tb, s[0], s[1], s[2], rng);
                Matrix C1(s[0], s[1]), C2(s[0], s[1]);
                set_gemm_threads(1);
                gemm(ta, tb, 1.0f, p.A, p.B, 0.0f, C1);
                set_gemm_threads(2);
                gemm(ta, tb, 1.0f, p.A, p.B, 0.0f, C2);
                EXPECT_EQ(std::memcmp(C1.data(), C2.data(), C1.size() * sizeof(float)), 0)
                    << p.name << ": 2 threads changed the result";
            }
    set_gemm_threads(threads_before);
}

INSTANTIATE_TEST_SUITE_P(Kernels, GemmKernels, ::testing::Values(GemmKernel::Portable, GemmKernel::Avx2, GemmKernel::Avx512),
                         [](const auto& info) { return kernel_name(info.param); });

TEST(Gemm, BackendNamesParseAndUnknownOnesAreNamed) {
    EXPECT_EQ(parse_gemm_kernel("portable", "NNLAB_GEMM_KERNEL"), GemmKernel::Portable);
    for (GemmKernel k : {GemmKernel::Avx2, GemmKernel::Avx512}) {
        if (gemm_kernel_available(k)) {
            EXPECT_EQ(parse_gemm_kernel(kernel_name(k), "NNLAB_GEMM_KERNEL"), k);
        } else {
            EXPECT_THROW(parse_gemm_kernel(kernel_name(k), "NNLAB_GEMM_KERNEL"), std::runtime_error);
        }
    }
    try {
        parse_gemm_kernel("avx1024", "NNLAB_GEMM_KERNEL");
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "NNLAB_GEMM_KERNEL=avx1024: unknown GEMM backend; use portable, avx2 or avx512");
    }
}

TEST(Gemm, ForcedBackendIsTheOneInUse) {
    for (GemmKernel k : {GemmKernel::Portable, GemmKernel::Avx2, GemmKernel::Avx512}) {
        if (!gemm_kernel_available(k)) continue;
        set_gemm_kernel(k);
        EXPECT_STREQ(gemm_kernel_name(), kernel_name(k));
        EXPECT_EQ(gemm_dispatch_note(), std::string("set_gemm_kernel: ") + kernel_name(k));
    }
    set_gemm_kernel(GemmKernel::Auto);
    // Auto never picks the portable kernel where AVX2 runs (unless NNLAB_GEMM_KERNEL says so).
    if (gemm_avx2_available() && std::getenv("NNLAB_GEMM_KERNEL") == nullptr) {
        EXPECT_STRNE(gemm_kernel_name(), "portable") << gemm_dispatch_note();
    }
}

// On a Zen 4 core (AMD family 19h with AVX-512) the rule picks AVX2 without the probe, so the
// choice — and with it the last bits of every product — is the same in every run.
TEST(Gemm, HalfWidthAvx512CoresTakeAvx2ByRule) {
    if (!gemm_kernel_available(GemmKernel::Avx512) || std::getenv("NNLAB_GEMM_KERNEL") != nullptr)
        GTEST_SKIP() << "no AVX-512 here, or the backend is forced";
    set_gemm_kernel(GemmKernel::Auto);
    const std::string note = gemm_dispatch_note();
    if (note.rfind("AMD family 19h", 0) == 0) {
        EXPECT_STREQ(gemm_kernel_name(), "avx2");
        EXPECT_EQ(note, "AMD family 19h (Zen 4): AVX-512 at half width, no faster than AVX2: avx2");
    } else {
        EXPECT_NE(note.find("avx512 probe"), std::string::npos) << note;
    }
}

TEST(FloatEnv, FlushToZeroOnEveryGemmThread) {
    // 2⁻¹²⁶ is the smallest normal float; half of it is subnormal, and 2⁻¹²⁰·2⁻¹⁰ = 2⁻¹³⁰ too.
    volatile float tiny = std::ldexp(1.0f, -120), scale = std::ldexp(1.0f, -10);
    volatile float subnormal = std::ldexp(1.0f, -127);
    if (!flush_to_zero_enabled()) {
        EXPECT_EQ(tiny * scale, std::ldexp(1.0f, -130)) << "IEEE default: gradual underflow";
    }
    enable_flush_to_zero();
    EXPECT_TRUE(flush_to_zero_enabled());
    EXPECT_EQ(tiny * scale, 0.0f) << "FTZ: a subnormal result is 0";
    EXPECT_EQ(subnormal * 2.0f, 0.0f) << "DAZ: a subnormal input reads as 0";
#ifdef _OPENMP
    int threads_with_ftz = 0;
#pragma omp parallel num_threads(gemm_threads()) reduction(+ : threads_with_ftz)
    threads_with_ftz += flush_to_zero_enabled() ? 1 : 0;
    EXPECT_EQ(threads_with_ftz, gemm_threads()) << "every thread of the GEMM's pool";
#endif
}

TEST(Gemm, ReferenceOnHandValues) {
    const float A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8};
    float C[] = {1, 1, 1, 1};
    gemm_reference(Trans::No, Trans::No, 2, 2, 2, 1.0f, A, 2, B, 2, 1.0f, C, 2);
    EXPECT_EQ(C[0], 20.0f);
    EXPECT_EQ(C[3], 51.0f);
}
