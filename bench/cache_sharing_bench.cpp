// cache_sharing_bench — why a second thread does not halve a small training step.
//
// With 2 GEMM threads, each step hands data between the two cores: core 1 reads its half of
// W1 (and all of the layer's cached input x) in the forward product, then core 0 alone runs
// the momentum update — the lab's serial code — and writes W1, whose lines core 1 still
// holds. A core may write a cache line only once no other core keeps a copy: every such
// line costs a round trip to invalidate the other core's copy first. The same happens the
// other way when core 1 writes its half of dW1, which core 0 read in the last update.
//
// This measures one pass of v ← γ·v + η·g, w ← w − v (the momentum update's access pattern:
// w and v read and written, g read) over arrays of `kb` KiB each, on core 0, after core 1 has
//   alone:        not touched them (the 1-thread case);
//   other_read:   read w, as the forward product reads W1;
//   other_wrote:  written g, as the backward product writes dW1.
// Counter: GB/s moved by the pass (w, v, g read; w, v written). Needs 2 CPUs.
//
//   build/instructor/bin/cache_sharing_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace {

#ifdef __linux__
// The CPUs this process may run on, read once, before any thread is pinned (a pinned thread's
// own mask, which its children inherit, holds one CPU).
const cpu_set_t& allowed_cpus() {
    static const cpu_set_t allowed = [] {
        cpu_set_t set;
        CPU_ZERO(&set);
        sched_getaffinity(0, sizeof set, &set);
        return set;
    }();
    return allowed;
}
#endif

// Runs the calling thread on the `index`-th CPU this process may use (0 or 1) only; false
// where there are fewer than 2 such CPUs or the system refuses.
bool pin_to(int index) {
#ifdef __linux__
    const cpu_set_t& allowed = allowed_cpus();
    if (CPU_COUNT(&allowed) < 2) return false;
    int seen = -1;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &allowed) && ++seen == index) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(c, &one);
            return pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
        }
#else
    (void)index;
#endif
    return false;
}

enum class Other { Alone, Read, Wrote };

// The other core: on each request, reads w or writes g, then signals that it is done.
struct OtherCore {
    std::atomic<int> request{0};  // 0 idle, 1 work, 2 quit
    std::atomic<bool> done{false};
    std::atomic<bool> pinned{false};
    std::thread thread;
    volatile float sink = 0;

    OtherCore(Other what, std::vector<float>& w, std::vector<float>& g) {
        thread = std::thread([this, what, &w, &g] {
            pinned = pin_to(1);
            for (;;) {
                int r;
                while ((r = request.load(std::memory_order_acquire)) == 0) {
                }
                if (r == 2) return;
                if (what == Other::Read) {
                    float s = 0;
                    for (std::size_t i = 0; i < w.size(); i += 16) s += w[i];  // one read per cache line
                    sink = s;
                } else if (what == Other::Wrote) {
                    for (float& x : g) x = x * 0.5f + 1e-3f;
                }
                request.store(0, std::memory_order_relaxed);
                done.store(true, std::memory_order_release);
            }
        });
    }
    void run_once() {
        done.store(false, std::memory_order_relaxed);
        request.store(1, std::memory_order_release);
        while (!done.load(std::memory_order_acquire)) {
        }
    }
    ~OtherCore() {
        request.store(2, std::memory_order_release);
        thread.join();
    }
};

void momentum_pass(benchmark::State& state, Other what) {
    const std::size_t n = static_cast<std::size_t>(state.range(0)) * 1024 / sizeof(float);
    std::vector<float> w(n, 1.0f), v(n, 0.0f), g(n, 1e-3f);
    if (!pin_to(0)) {
        state.SkipWithError("needs 2 CPUs it can pin threads to");
        return;
    }
    OtherCore other(what, w, g);
    double seconds = 0;  // of the timed passes only
    for (auto _ : state) {
        other.run_once();  // not timed
        const auto t0 = std::chrono::steady_clock::now();
        // v ← γ·v + η·g, w ← w − v
        for (std::size_t i = 0; i < n; ++i) {
            v[i] = 0.9f * v[i] + 0.01f * g[i];
            w[i] -= v[i];
        }
        const double pass = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        state.SetIterationTime(pass);
        seconds += pass;
        benchmark::DoNotOptimize(w.data());
    }
    if (!other.pinned) state.SkipWithError("could not pin the other thread to a second CPU");
    if (seconds > 0) state.counters["GB/s"] = 5.0 * n * sizeof(float) * static_cast<double>(state.iterations()) / seconds / 1e9;
}

void alone(benchmark::State& state) { momentum_pass(state, Other::Alone); }
void other_read(benchmark::State& state) { momentum_pass(state, Other::Read); }
void other_wrote(benchmark::State& state) { momentum_pass(state, Other::Wrote); }

}  // namespace

// 200 KiB: half of W1 at H = 128 (784×64 floats); 800 KiB: half of it at H = 512.
// "max": with --benchmark_repetitions, the fastest repetition's GB/s (as in gemm_bench).
#define NNLAB_SHARING_CASE(name)                                                                              \
    BENCHMARK(name)->ArgName("kb")->Arg(200)->Arg(800)->UseManualTime()->Unit(benchmark::kMicrosecond)->ComputeStatistics( \
        "max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); })
NNLAB_SHARING_CASE(alone);
NNLAB_SHARING_CASE(other_read);
NNLAB_SHARING_CASE(other_wrote);

BENCHMARK_MAIN();
