#include "thread_choice.hpp"

#include <algorithm>
#include <cstdio>

#include "gemm/gemm.hpp"

namespace nnlab {

namespace {

// Steps to skip before timing (the first ones of a run allocate and fault in their buffers),
// steps timed on each side, and the margin one thread must win by: a tie keeps every core.
constexpr int kWarmUpSteps = 3;
constexpr int kTimedSteps = 12;
constexpr double kOneThreadMargin = 0.95;

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

}  // namespace

bool threads_by_timing(int requested_threads) { return requested_threads == 0 && gemm_threads() > 1; }

ThreadChoice::ThreadChoice(int most) : phase_(Phase::Decided), most_(most), chosen_(std::max(most, 1)) {}

void ThreadChoice::start_epoch() {
    have_last_ = false;
    if (most_ <= 1) return;
    set_gemm_threads(most_);
    phase_ = Phase::WarmUp, steps_in_phase_ = 0;
    most_ms_.clear(), one_ms_.clear();
}

void ThreadChoice::after_step() {
    if (phase_ == Phase::Decided) return;  // the rest of the epoch: nothing to time
    const auto now = std::chrono::steady_clock::now();
    const bool timed = have_last_;
    const double ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now, have_last_ = true;
    if (timed) record_step(ms);
}

void ThreadChoice::record_step(double ms) {
    if (phase_ == Phase::Decided) return;
    ++steps_in_phase_;
    switch (phase_) {
        case Phase::WarmUp:
            if (steps_in_phase_ == kWarmUpSteps) phase_ = Phase::TimeMost, steps_in_phase_ = 0;
            break;
        case Phase::TimeMost:
            most_ms_.push_back(ms);
            if (steps_in_phase_ == kTimedSteps) {
                set_gemm_threads(1);
                phase_ = Phase::Switch, steps_in_phase_ = 0;
            }
            break;
        case Phase::Switch:  // the first step on one thread still meets the other core's caches
            phase_ = Phase::TimeOne, steps_in_phase_ = 0;
            break;
        case Phase::TimeOne:
            one_ms_.push_back(ms);
            if (steps_in_phase_ == kTimedSteps) decide();
            break;
        case Phase::Decided: break;
    }
}

void ThreadChoice::decide() {
    last_most_ms_ = median(most_ms_), last_one_ms_ = median(one_ms_);
    chosen_ = last_one_ms_ < kOneThreadMargin * last_most_ms_ ? 1 : most_;
    ++(chosen_ == 1 ? epochs_on_one_ : epochs_on_most_);
    set_gemm_threads(chosen_);
    phase_ = Phase::Decided;
}

std::string ThreadChoice::summary() const {
    if (epochs_on_most_ + epochs_on_one_ == 0) return "";
    char text[200];
    std::snprintf(text, sizeof text,
                  "%d threads in %d epoch%s, 1 in %d (each chosen on the epoch's first steps; the last: %.3f ms per "
                  "step on %d, %.3f ms on 1)",
                  most_, epochs_on_most_, epochs_on_most_ == 1 ? "" : "s", epochs_on_one_, last_most_ms_, most_,
                  last_one_ms_);
    return text;
}

}  // namespace nnlab
