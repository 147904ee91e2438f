// progress_bar.hpp — one line that redraws itself while an epoch runs, on a terminal only.
#pragma once

#include <chrono>
#include <string>

namespace nnlab {

class ProgressBar {
public:
    // enabled = false (output is a file or a pipe, or --quiet): every call does nothing.
    ProgressBar(bool enabled, std::string label, int total);
    // Redraws at most ~10 times a second: done of total samples, the running loss.
    void update(int done, float running_loss);
    // Erases the bar, so the epoch's summary line takes its place.
    void finish();

private:
    bool enabled_;
    std::string label_;
    int total_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

// True when standard output is a terminal (not a file, a pipe or CI's log).
bool stdout_is_terminal();

}  // namespace nnlab
