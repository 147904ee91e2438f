// train_step_bench — samples/s of one training step (the four steps, momentum update) of
// this build's labs, for the trainer's sizes: H ∈ {128, 256, 512}, batch ∈ {64, 128},
// on 1 and 2 GEMM threads. The batch is refilled from a synthetic MNIST-sized data set
// each step, as the trainer does, so fill_batch's cost is counted too.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

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

void train_step_bench(benchmark::State& state) {
    const int hidden = static_cast<int>(state.range(0)), batch = static_cast<int>(state.range(1));
    set_gemm_threads(static_cast<int>(state.range(2)));
    static const Dataset data = synthetic(4096);
    Network net(784, hidden, 10, 1);
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

}  // namespace

// "max": with --benchmark_repetitions, the fastest repetition's samples/s (as in gemm_bench).
BENCHMARK(train_step_bench)
    ->ArgNames({"hidden", "batch", "threads"})
    ->ArgsProduct({{128, 256, 512}, {64, 128}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    set_gemm_threads(2);
    bind_gemm_threads_to_cores();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
