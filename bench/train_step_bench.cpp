// train_step_bench — samples/s of one training step (the four steps, momentum update) of
// this build's labs, for the trainer's sizes: H ∈ {128, 256, 512}, batch ∈ {64, 128},
// on 1 and 2 GEMM threads. The batch is refilled from a synthetic MNIST-sized data set
// each step, as the trainer does, so fill_batch's cost is counted too.
//
// train_step_subnormal: the same step at H = 128, batch 64, 1 thread, on a network where
// three quarters of the hidden units are dead (bias −10: they never fire) and their weights
// are either normal (1e-3) or subnormal (1e-42) floats. Dead units get zero gradients, so
// without flush-to-zero their subnormal weights stay and are read by every step (the
// forward products, whose sums stay subnormal too, and the update). With FTZ/DAZ on (as in
// every program here) the subnormal case must run within 10% of the normal one; ftz:0 shows
// what the stall costs on this CPU (Intel cores take microcode assists; AMD Zen 4 does not).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <exception>
#include <iostream>
#include <vector>

#include "core/allocator.hpp"
#include "gemm/float_env.hpp"
#include "gemm/gemm.hpp"
#include "lab06_momentum/momentum.hpp"
#include "core/todo.hpp"

using namespace nnlab;

namespace {

Dataset synthetic(int count) {
    Rng rng(1);
    Dataset d;
    d.count = count;
    d.rows = d.cols = 28;
    d.images.resize(static_cast<std::size_t>(count) * 784);
    for (auto& p : d.images) p = static_cast<std::uint8_t>(rng.below(256));
    for (int i = 0; i < count; ++i) d.labels.push_back(static_cast<std::uint8_t>(i % 10));
    d.scale = kMnistScale;
    return d;
}

// Steps of batch `batch` on `net` until the state says stop; samples/s as the counter.
void run_steps(benchmark::State& state, Network& net, int batch) {
    static const Dataset data = synthetic(4096);
    Momentum opt(0.01f, 0.9f);
    Rng rng(2);
    std::vector<int> order = iota_indices(data.count);
    rng.shuffle(order);
    Matrix x;
    std::vector<int> y;
    int start = 0;
    try {
        for (auto _ : state) {
            if (start + batch > data.count) start = 0;
            fill_batch(data, &order[static_cast<std::size_t>(start)], batch, x, y);
            benchmark::DoNotOptimize(train_step(net, x, y, opt));
            start += batch;
        }
    } catch (const NotImplemented& e) {
        state.SkipWithError(e.what());
        return;
    }
    // An epoch of MNIST (60 000 samples) takes 60 000 / (samples/s) seconds.
    state.counters["samples/s"] = benchmark::Counter(static_cast<double>(batch) * state.iterations(), benchmark::Counter::kIsRate);
}

void train_step_bench(benchmark::State& state) {
    set_gemm_threads(static_cast<int>(state.range(2)));
    Network net(784, static_cast<int>(state.range(0)), 10, 1);
    run_steps(state, net, static_cast<int>(state.range(1)));
}

// Units j with j mod 4 ≠ 0 dead: bias −10 (784 inputs of |x| ≤ 3 times |w| ≤ 1e-3 stay below
// it), weights in and out of them all `weight`.
void kill_three_quarters(Network& net, float weight) {
    Matrix& w1 = net.fc1.W;  // 784×H
    Matrix& w2 = net.fc2.W;  // H×10
    for (int j = 0; j < w1.cols(); ++j) {
        if (j % 4 == 0) continue;
        net.fc1.b(0, j) = -10.0f;
        for (int i = 0; i < w1.rows(); ++i) w1(i, j) = weight;
        for (int c = 0; c < w2.cols(); ++c) w2(j, c) = weight;
    }
}

void train_step_subnormal(benchmark::State& state) {
    const bool subnormal = state.range(2) != 0, ftz = state.range(3) != 0;
    set_gemm_threads(1);
    set_flush_to_zero(ftz);
    Network net(784, static_cast<int>(state.range(0)), 10, 1);
    kill_three_quarters(net, subnormal ? 1e-42f : 1e-3f);
    run_steps(state, net, static_cast<int>(state.range(1)));
    set_flush_to_zero(true);
}

}  // namespace

// "max": with --benchmark_repetitions, the fastest repetition's samples/s (as in gemm_bench).
BENCHMARK(train_step_bench)
    ->ArgNames({"hidden", "batch", "threads"})
    ->ArgsProduct({{128, 256, 512}, {64, 128}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });

BENCHMARK(train_step_subnormal)
    ->ArgNames({"hidden", "batch", "subnormal", "ftz"})
    ->Args({128, 64, 0, 1})
    ->Args({128, 64, 1, 1})
    ->Args({128, 64, 1, 0})
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    set_gemm_threads(2);
    bind_gemm_threads_to_cores();
    enable_flush_to_zero();
    keep_freed_memory();  // as nnlab-train does
    try {
        benchmark::AddCustomContext("gemm_kernel", gemm_kernel_name());  // NNLAB_GEMM_KERNEL is read here
        benchmark::AddCustomContext("gemm_dispatch", gemm_dispatch_note());
    } catch (const std::exception& e) {
        std::cerr << "train_step_bench: " << e.what() << "\n";
        return 2;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
