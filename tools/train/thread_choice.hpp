// thread_choice.hpp — how many GEMM threads a run uses when --threads is not given: at the
// start of every epoch, the faster of every core and one, timed on that epoch's first steps.
//
// Why measure: a second thread halves each product, but the step's serial lab code (the
// momentum update, the input each layer keeps) then writes data the other core has just
// read, and a core must first take every such cache line back from the other. On most hosts
// that costs little; on some virtual machines it comes and goes, and while it lasts a step
// can be slower on two threads than on one (784-256-10, batch 64: 0.96 s per epoch on two,
// 0.56 s on one; bench/cache_sharing_bench.cpp measures the cause). Hence every epoch, not
// once. Results do not depend on the thread count (the GEMM sums every element in the same
// order), so switching mid-run changes no number.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace nnlab {

// Whether a run chooses its thread count by timing: --threads not given (requested = 0) and
// more than one core to choose from.
bool threads_by_timing(int requested_threads);

class ThreadChoice {
public:
    // most: the threads to try besides one (every core). most ≤ 1: nothing to choose.
    explicit ThreadChoice(int most);

    // Call when an epoch starts: the choice is made again, from every core (and the time
    // before the epoch's first step is not a step's).
    void start_epoch();
    // Call after every step: times it, and switches the GEMM's threads while choosing.
    void after_step();
    // The same with the step's time given (after_step measures it; tests give it).
    void record_step(double ms);

    bool decided() const { return phase_ == Phase::Decided; }
    int threads() const { return chosen_; }
    // "2 threads in 7 epochs, 1 in 1 (each chosen on the epoch's first steps; the last:
    // 0.438 ms per step on 2, 0.566 ms on 1)", or "" when nothing was chosen.
    std::string summary() const;

private:
    enum class Phase { WarmUp, TimeMost, Switch, TimeOne, Decided };
    void decide();

    Phase phase_;
    int most_, chosen_;
    int steps_in_phase_ = 0;
    bool have_last_ = false;
    std::chrono::steady_clock::time_point last_;
    std::vector<double> most_ms_, one_ms_;
    int epochs_on_most_ = 0, epochs_on_one_ = 0;
    double last_most_ms_ = 0, last_one_ms_ = 0;
};

}  // namespace nnlab
